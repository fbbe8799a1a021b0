/**
 * Invalidation semantics: the IOTLB and the context cache keep translating with what they
 * cached until software invalidates them through CCMD / IVA+IOTLB (or the invalidation queue),
 * exactly the hazard Xen 2007's iommu_unmap_page left open on CM=0 hardware.
 */
import { describe, expect, it } from 'vitest';
import { RemappedDmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { makeHost, PERM_R, PERM_W, x58Caps, type Bench } from './vtd-host.ts';

const NIC = requesterId({ bus: 2, device: 0, fn: 0 });
const RW = PERM_R | PERM_W;

function assigned(b: Bench, did = 1, sid = NIC): number {
  if (!b.xen.root) b.xen.setRootTable();
  b.xen.flushAll();
  const asr = b.xen.newDomainTable();
  b.xen.mapContext(sid, { did, aw: 1, asr });
  b.xen.enableTranslation();
  return asr;
}

describe('IOTLB invalidation', () => {
  it('a stale IOTLB entry keeps translating after the PTE changes, until a page-selective invalidation', () => {
    const b = makeHost();
    const asr = assigned(b);
    b.xen.mapPage(asr, 3, 0x5000, 0x100000 * 40, RW);
    const port = new RemappedDmaPort(b.mem, b.unit, NIC);
    expect(port.write(0x5000, Uint8Array.of(1))).toBe('ok');
    b.xen.mapPage(asr, 3, 0x5000, 0x100000 * 50, RW); // remap without invalidating
    expect(port.write(0x5000, Uint8Array.of(2))).toBe('ok');
    expect(b.mem.readU8(0x100000 * 40)).toBe(2);
    expect(b.xen.flushIotlb(3, 1, 0x5000, 0)).toBe(3);
    expect(port.write(0x5000, Uint8Array.of(3))).toBe('ok');
    expect(b.mem.readU8(0x100000 * 50)).toBe(3);
    expect(b.mem.readU8(0x100000 * 40)).toBe(2);
  });

  it('an unmapped page stays reachable through the IOTLB until invalidated (the 2007 iommu_unmap_page bug)', () => {
    const b = makeHost();
    const asr = assigned(b);
    const leaf = b.xen.mapPage(asr, 3, 0x6000, 0x700000, RW);
    expect(b.unit.translate(NIC, 0x6000, true)).toBe(0x700000);
    b.mem.writeU64(leaf, 0); // dma_pte_clear_one, no flush with CM=0
    expect(b.unit.translate(NIC, 0x6000, true)).toBe(0x700000);
    b.xen.flushIotlb(2, 1);
    expect(b.unit.translate(NIC, 0x6000, true)).toBe(-0x05);
  });

  it('PSI with AM=2 drops the four aligned pages around the address and nothing else', () => {
    const b = makeHost();
    const asr = assigned(b);
    for (let p = 0; p < 6; p++) b.xen.mapPage(asr, 3, p * 0x1000, 0x800000 + p * 0x1000, RW);
    for (let p = 0; p < 6; p++) b.unit.translate(NIC, p * 0x1000, false);
    for (let p = 0; p < 6; p++) b.xen.mapPage(asr, 3, p * 0x1000, 0x900000 + p * 0x1000, RW);
    b.xen.flushIotlb(3, 1, 0x2000, 2);
    const now = [0, 1, 2, 3, 4, 5].map((p) => b.unit.translate(NIC, p * 0x1000, false) >= 0x900000);
    expect(now).toEqual([true, true, true, true, false, false]);
  });

  it('a domain-selective invalidation leaves other domains cached', () => {
    const b = makeHost();
    const other = requesterId({ bus: 3, device: 0, fn: 0 });
    const a1 = assigned(b, 1, NIC);
    const a2 = assigned(b, 2, other);
    b.xen.mapPage(a1, 3, 0x1000, 0x100000, RW);
    b.xen.mapPage(a2, 3, 0x1000, 0x200000, RW);
    b.unit.translate(NIC, 0x1000, false);
    b.unit.translate(other, 0x1000, false);
    b.xen.mapPage(a1, 3, 0x1000, 0x110000, RW);
    b.xen.mapPage(a2, 3, 0x1000, 0x210000, RW);
    b.xen.flushIotlb(2, 1);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x110000);
    expect(b.unit.translate(other, 0x1000, false)).toBe(0x200000);
    b.xen.flushIotlb(1);
    expect(b.unit.translate(other, 0x1000, false)).toBe(0x210000);
  });

  it('reports IAIG 0 (not performed) for a PSI mask above CAP.MAMV (9 on Q35)', () => {
    const b = makeHost();
    assigned(b);
    expect(b.xen.flushIotlb(3, 1, 0, 10)).toBe(0);
    expect(b.xen.flushIotlb(3, 1, 0, 9)).toBe(3);
  });

  it('a small IOTLB evicts the least recently used page, so an un-invalidated change shows after eviction', () => {
    const b = makeHost(undefined, { iotlbEntries: 1 });
    const asr = assigned(b);
    b.xen.mapPage(asr, 3, 0x1000, 0x100000, RW);
    b.xen.mapPage(asr, 3, 0x2000, 0x200000, RW);
    b.unit.translate(NIC, 0x1000, false);
    b.xen.mapPage(asr, 3, 0x1000, 0x300000, RW);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x100000);
    b.unit.translate(NIC, 0x2000, false); // evicts page 1
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x300000);
  });
});

describe('context-cache invalidation', () => {
  it('a cached context entry keeps its old domain table until a device-selective invalidation', () => {
    const b = makeHost();
    const asr = assigned(b);
    b.xen.mapPage(asr, 3, 0x1000, 0x100000, RW);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x100000);
    const asr2 = b.xen.newDomainTable();
    b.xen.mapPage(asr2, 3, 0x1000, 0x200000, RW);
    b.xen.mapContext(NIC, { did: 2, aw: 1, asr: asr2 }); // reassign to domain 2 in memory only
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x100000);
    expect(b.xen.flushContext(3, 1, NIC, 0)).toBe(3);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x200000);
  });

  it('a device-selective invalidation with FM=3 covers every function of the device, and only in its domain', () => {
    const b = makeHost();
    const fn3 = requesterId({ bus: 2, device: 0, fn: 3 });
    const asr = assigned(b, 1, NIC);
    b.xen.mapContext(fn3, { did: 1, aw: 1, asr });
    b.xen.mapPage(asr, 3, 0x1000, 0x100000, RW);
    b.unit.translate(NIC, 0x1000, false);
    b.unit.translate(fn3, 0x1000, false);
    b.mem.writeU64(b.xen.contextTable(2) + 16 * 3, 0); // clear the fn 3 context entry
    b.mem.writeU64(b.xen.contextTable(2), 0);
    b.xen.flushContext(3, 2, NIC, 3);
    expect(b.unit.translate(fn3, 0x1000, false)).toBe(0x100000);
    b.xen.flushContext(3, 1, NIC, 3);
    expect(b.unit.translate(fn3, 0x1000, false)).toBe(-0x02);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(-0x02);
  });

  it('global invalidation reports CAIG 01; a reserved granularity is not performed (CAIG 00)', () => {
    const b = makeHost();
    assigned(b);
    expect(b.xen.flushContext(1)).toBe(1);
    expect(b.xen.flushContext(0)).toBe(0);
    expect(b.unit.read(0x2c, 4) >>> 31).toBe(0);
  });
});

describe('queued invalidation on the X58 unit', () => {
  function withQueue(b: Bench): number {
    const queue = b.xen.allocPage();
    b.xen.write64(0x90, queue); // IQA, QS = 0: 256 descriptors
    b.unit.write(0x88, 4, 0);
    b.unit.write(0x18, 4, b.xen.gcmd | (1 << 26)); // QIE
    expect(b.unit.read(0x1c, 4) & (1 << 26)).not.toBe(0);
    return queue;
  }

  it('consumes an IOTLB descriptor and a wait descriptor with status write up to IQT', () => {
    const b = makeHost(x58Caps(), { hawBits: 39 });
    b.xen.setRootTable();
    const asr = b.xen.newDomainTable();
    b.xen.mapContext(NIC, { did: 1, aw: 2, asr });
    b.xen.enableTranslation();
    b.xen.mapPage(asr, 4, 0x1000, 0x100000, RW);
    b.unit.translate(NIC, 0x1000, false);
    b.xen.mapPage(asr, 4, 0x1000, 0x200000, RW);
    const queue = withQueue(b);
    const status = b.xen.allocPage();
    b.mem.writeU32(queue, 0x2 | (2 << 4) | (1 << 16)); // IOTLB, domain-selective, DID 1
    b.mem.writeU32(queue + 16, 0x5 | (1 << 5)); // wait, status write
    b.mem.writeU32(queue + 20, 0xcafe);
    b.mem.writeU32(queue + 24, status);
    b.unit.write(0x88, 4, 2 << 4);
    expect(b.unit.read(0x80, 4)).toBe(2 << 4);
    expect(b.mem.readU32(status)).toBe(0xcafe);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x200000);
  });

  it('stops at a malformed descriptor with FSTS.IQE and IQH pointing at it', () => {
    const b = makeHost(x58Caps(), { hawBits: 39 });
    const queue = withQueue(b);
    b.mem.writeU32(queue, 0x1 | (1 << 4)); // context cache, global: fine
    b.mem.writeU32(queue + 16, 0x7); // type 7: invalid
    b.unit.write(0x88, 4, 3 << 4);
    expect(b.unit.read(0x80, 4)).toBe(1 << 4);
    expect(b.xen.fsts() & (1 << 4)).not.toBe(0);
  });

  it('ignores register-based invalidation while the queue is enabled (IAIG 0)', () => {
    const b = makeHost(x58Caps(), { hawBits: 39 });
    withQueue(b);
    expect(b.xen.flushIotlb(1)).toBe(0);
  });
});
