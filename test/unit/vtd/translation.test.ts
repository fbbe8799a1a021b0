/**
 * A remapping unit programmed as Xen 2007 does it, then DMA from the assigned NIC (02:00.0)
 * through RemappedDmaPort: frames land in the host pages the domain's table names.
 */
import { describe, expect, it } from 'vitest';
import { RemappedDmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { makeHost, PERM_R, PERM_W, x58Caps, type Bench } from './vtd-host.ts';

const NIC = requesterId({ bus: 2, device: 0, fn: 0 });
const DOMID = 1;

/** iommu_setup + assign_device: root table, flush all, context entry, enable translation. */
function assignNic(b: Bench, aw = 1): number {
  const { xen } = b;
  xen.flushAll();
  xen.setRootTable();
  xen.flushAll();
  const asr = xen.newDomainTable();
  xen.mapContext(NIC, { did: DOMID, aw, asr });
  xen.setupFaultEvent(0x99, 0);
  xen.enableTranslation();
  return asr;
}

const frame = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

describe('DMA through a Xen-programmed Q35 remapping unit', () => {
  it('reports the 2007 Q35 unit identity: VER 1.0, cap c9008020e30260, ecap 1000', () => {
    const { unit } = makeHost();
    expect(unit.read(0x00, 4)).toBe(0x10);
    expect(unit.read64(0x08).toString(16)).toBe('c9008020e30260');
    expect(unit.read64(0x10).toString(16)).toBe('1000');
  });

  it('writes a received frame into the host page mapped for the guest address', () => {
    const b = makeHost();
    const asr = assignNic(b);
    b.xen.mapPage(asr, 3, 0x7f0000, 0x2345000, PERM_R | PERM_W);
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    const data = frame(1514, 3);
    expect(port.write(0x7f0100, data)).toBe('ok');
    const back = new Uint8Array(1514);
    b.mem.read(0x2345100, back);
    expect(back).toEqual(data);
    const nothingAtGuestAddress = new Uint8Array(16);
    b.mem.read(0x7f0100, nothingAtGuestAddress);
    expect(nothingAtGuestAddress.every((x) => x === 0)).toBe(true);
  });

  it('splits a transfer across a page boundary into the two host pages the table names', () => {
    const b = makeHost();
    const asr = assignNic(b);
    b.xen.mapPage(asr, 3, 0x10000, 0x3000000, PERM_R | PERM_W);
    b.xen.mapPage(asr, 3, 0x11000, 0x0500000, PERM_R | PERM_W);
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    const data = frame(0x800, 9);
    expect(port.write(0x10c00, data)).toBe('ok');
    const first = new Uint8Array(0x400);
    const second = new Uint8Array(0x400);
    b.mem.read(0x3000c00, first);
    b.mem.read(0x0500000, second);
    expect([...first, ...second]).toEqual([...data]);
  });

  it('reads descriptors from guest memory through the same translation', () => {
    const b = makeHost();
    const asr = assignNic(b);
    b.xen.mapPage(asr, 3, 0x200000, 0x4000000, PERM_R);
    b.mem.write(0x4000010, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    const desc = new Uint8Array(4);
    expect(port.read(0x200010, desc)).toBe('ok');
    expect([...desc]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it('passes DMA through untranslated until TE is set, and again after TE is cleared', () => {
    const b = makeHost();
    b.xen.setRootTable();
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    expect(port.write(0x123000, Uint8Array.of(1, 2, 3))).toBe('ok');
    expect(b.mem.readU8(0x123001)).toBe(2);
    const asr = b.xen.newDomainTable();
    b.xen.mapContext(NIC, { did: DOMID, aw: 1, asr });
    b.xen.enableTranslation();
    expect(port.write(0x123000, Uint8Array.of(9))).toBe('blocked');
    b.xen.disableTranslation();
    expect(b.unit.read(0x1c, 4) >>> 31).toBe(0);
    expect(port.write(0x123000, Uint8Array.of(9))).toBe('ok');
    expect(b.mem.readU8(0x123000)).toBe(9);
  });

  it('uses RTADDR only once SRTP latches it', () => {
    const b = makeHost();
    const asr = assignNic(b);
    b.xen.mapPage(asr, 3, 0x1000, 0x9000, PERM_R | PERM_W);
    b.xen.write64(0x20, 0x3f000000); // a new root pointer, not yet latched
    expect(b.unit.translate(NIC, 0x1000, true)).toBe(0x9000);
    b.xen.flushAll();
    expect(b.unit.translate(NIC, 0x1000, true)).toBe(0x9000);
    b.unit.write(0x18, 4, b.xen.gcmd | (1 << 30)); // SRTP: the empty table at 0x3f000000
    b.xen.flushAll();
    expect(b.unit.translate(NIC, 0x1000, true)).toBe(-1);
  });

  it('lets a pass-through context (T=10) use guest addresses as host addresses on a unit with ECAP.PT', () => {
    const b = makeHost(x58Caps(), { hawBits: 39 });
    b.xen.setRootTable();
    b.xen.mapContext(NIC, { did: 0, aw: 2, asr: 0, tt: 2 });
    b.xen.enableTranslation();
    expect(b.unit.translate(NIC, 0x5678, true)).toBe(0x5678);
  });

  it('writes no byte of a multi-page transfer when a later page is not mapped', () => {
    const b = makeHost();
    const asr = assignNic(b);
    b.xen.mapPage(asr, 3, 0x10000, 0x3000000, PERM_R | PERM_W);
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    const before = JSON.stringify(b.mem.save());
    expect(port.write(0x10800, frame(0x1000, 1))).toBe('blocked');
    expect(JSON.stringify(b.mem.save())).toBe(before);
  });
});
