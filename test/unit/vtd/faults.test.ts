/**
 * Faults are hardware state: a blocked DMA fills a fault recording register with the spec's
 * reason, sets FSTS.PPF/FRI or PFO, and signals the fault event through FECTL/FEADDR/FEDATA —
 * and changes no byte of memory.
 */
import { describe, expect, it } from 'vitest';
import { RemappedDmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { IntelIommu } from '../../../src-sim/hw/vtd/index.ts';
import { makeHost, MEM_SIZE, PERM_R, PERM_W, q35Caps, xenDriver, type Bench } from './vtd-host.ts';

const NIC = requesterId({ bus: 2, device: 0, fn: 0 });
const PPF = 1 << 1;
const PFO = 1 << 0;

function assigned(b: Bench, opts: { fpd?: boolean; masked?: boolean; aw?: number } = {}): number {
  b.xen.setRootTable();
  b.xen.flushAll();
  const asr = b.xen.newDomainTable();
  b.xen.mapContext(NIC, { did: 1, aw: opts.aw ?? 1, asr, fpd: opts.fpd });
  b.xen.setupFaultEvent(0x99, 3, opts.masked);
  b.xen.enableTranslation();
  return asr;
}

describe('a DMA write to a page the domain has not mapped', () => {
  it('is blocked, writes nothing, and is recorded as reason 05h (write) from 02:00.0 at the page address', () => {
    const b = makeHost();
    assigned(b);
    const before = JSON.stringify(b.mem.save());
    expect(new RemappedDmaPort(b.mem, b.unit, NIC).write(0x7f0123, new Uint8Array(64).fill(0xaa))).toBe('blocked');
    expect(JSON.stringify(b.mem.save())).toBe(before);
    expect(b.xen.faultRecord(0)).toEqual({ fault: true, reason: 0x05, read: false, sid: 0x200, addr: 0x7f0000 });
  });

  it('sets FSTS.PPF with FRI pointing at the record, and sends the fault event message to FEADDR with FEDATA', () => {
    const b = makeHost();
    assigned(b);
    b.unit.translate(NIC, 0x7f0000, true);
    expect(b.xen.fsts()).toBe(PPF | (0 << 8));
    expect(b.messages).toEqual([[0xfee03000, 0x4099]]);
  });

  it('holds the message in FECTL.IP while FECTL.IM is set, and sends it when software unmasks', () => {
    const b = makeHost();
    assigned(b, { masked: true });
    b.unit.translate(NIC, 0x7f0000, true);
    expect(b.messages).toEqual([]);
    expect(b.unit.read(0x38, 4)).toBe(0xc0000000);
    b.unit.write(0x38, 4, 0);
    expect(b.messages).toEqual([[0xfee03000, 0x4099]]);
    expect(b.unit.read(0x38, 4)).toBe(0);
  });

  it('forgets a masked event once software has cleared every pending fault', () => {
    const b = makeHost();
    assigned(b, { masked: true });
    b.unit.translate(NIC, 0x7f0000, true);
    b.xen.clearFaultRecord(0);
    expect(b.xen.fsts() & PPF).toBe(0);
    expect(b.unit.read(0x38, 4)).toBe(0x80000000);
    b.unit.write(0x38, 4, 0);
    expect(b.messages).toEqual([]);
  });
});

describe('fault reasons', () => {
  it('a write to a read-only page is 05h; a read of a write-only page is 06h (T=1, read)', () => {
    const b = makeHost(q35Caps({ cap: { nfr: 4 } }));
    const asr = assigned(b);
    b.xen.mapPage(asr, 3, 0x1000, 0x8000, PERM_R);
    b.xen.mapPage(asr, 3, 0x2000, 0x9000, PERM_W);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(0x8000);
    expect(b.unit.translate(NIC, 0x1004, true)).toBe(-0x05);
    expect(b.unit.translate(NIC, 0x2008, false)).toBe(-0x06);
    expect(b.xen.faultRecord(0)).toMatchObject({ reason: 0x05, read: false, addr: 0x1000 });
    expect(b.xen.faultRecord(1)).toMatchObject({ reason: 0x06, read: true, addr: 0x2000 });
  });

  it('a non-present root entry is 01h, a non-present context entry 02h', () => {
    const b = makeHost(q35Caps({ cap: { nfr: 4 } }));
    assigned(b);
    expect(b.unit.translate(requesterId({ bus: 5, device: 0, fn: 0 }), 0, false)).toBe(-0x01);
    expect(b.unit.translate(requesterId({ bus: 2, device: 1, fn: 0 }), 0, false)).toBe(-0x02);
  });

  it('an AW the unit does not support (4-level on the 3-level-only Q35) is an invalid context, 03h', () => {
    const b = makeHost();
    assigned(b, { aw: 2 });
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(-0x03);
  });

  it('an address at or above 2^MGAW (36 bits on Q35) is 04h', () => {
    const b = makeHost();
    assigned(b);
    expect(b.unit.translate(NIC, 2 ** 36, false)).toBe(-0x04);
    expect(b.xen.faultRecord(0)).toMatchObject({ reason: 0x04, addr: 2 ** 36 });
  });

  it('a page-table pointer outside RAM is 07h; a root table outside RAM is 08h', () => {
    const b = makeHost(q35Caps({ cap: { nfr: 4 } }));
    const asr = assigned(b);
    b.mem.writeU64(asr, 0x8_0000_0000 + 3);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(-0x07);
    const c = makeHost();
    c.xen.setRootTable(0x8_0000_0000);
    c.xen.enableTranslation();
    expect(c.unit.translate(NIC, 0, false)).toBe(-0x08);
  });

  it('reserved bits in a root entry are 0Ah, in a context entry 0Bh, in a page-table entry 0Ch', () => {
    const b = makeHost(q35Caps({ cap: { nfr: 4 } }));
    const asr = assigned(b);
    const leaf = b.xen.mapPage(asr, 3, 0x1000, 0x8000, PERM_R | PERM_W);
    b.mem.writeU32(leaf + 4, 0x10); // bit 36: above the 36-bit host address width
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(-0x0c);
    const sid = requesterId({ bus: 2, device: 3, fn: 0 });
    const entry = b.xen.mapContext(sid, { did: 2, aw: 1, asr });
    b.mem.writeU32(entry + 12, 1);
    expect(b.unit.translate(sid, 0x1000, false)).toBe(-0x0b);
    b.mem.writeU32(b.xen.root + 16 * 7, 0x800 + 1);
    expect(b.unit.translate(requesterId({ bus: 7, device: 0, fn: 0 }), 0, false)).toBe(-0x0a);
  });
});

describe('fault processing disable and overflow', () => {
  it('FPD in the context entry suppresses qualified faults: blocked, but nothing recorded or signalled', () => {
    const b = makeHost();
    assigned(b, { fpd: true });
    expect(new RemappedDmaPort(b.mem, b.unit, NIC).write(0x7f0000, Uint8Array.of(1))).toBe('blocked');
    expect(b.xen.faultRecord(0).fault).toBe(false);
    expect(b.xen.fsts()).toBe(0);
    expect(b.messages).toEqual([]);
  });

  it('with the single Q35 record pending, the next fault sets PFO and is not recorded', () => {
    const b = makeHost();
    assigned(b);
    b.unit.translate(NIC, 0x1000, true);
    b.unit.translate(NIC, 0x2000, false);
    expect(b.xen.fsts()).toBe(PPF | PFO);
    expect(b.xen.faultRecord(0)).toMatchObject({ reason: 0x05, addr: 0x1000 });
    expect(b.messages).toHaveLength(1);
  });

  it('drops every fault while PFO is set, and records again once software clears the record and PFO', () => {
    const b = makeHost();
    assigned(b);
    b.unit.translate(NIC, 0x1000, true);
    b.unit.translate(NIC, 0x2000, true);
    b.xen.clearFaultRecord(0);
    b.unit.translate(NIC, 0x3000, true);
    expect(b.xen.faultRecord(0).fault).toBe(false);
    b.unit.write(0x34, 4, PFO);
    expect(b.xen.fsts()).toBe(0);
    b.unit.translate(NIC, 0x4000, true);
    expect(b.xen.faultRecord(0)).toMatchObject({ fault: true, addr: 0x4000 });
    expect(b.messages).toHaveLength(2);
  });

  it('fills records round-robin; FRI names the first pending one; a full ring overflows', () => {
    const b = makeHost(q35Caps({ cap: { nfr: 3 } }));
    assigned(b);
    for (const page of [1, 2]) b.unit.translate(NIC, page * 0x1000, true);
    b.xen.clearFaultRecord(0);
    b.xen.clearFaultRecord(1);
    for (const page of [3, 4, 5]) b.unit.translate(NIC, page * 0x1000, true);
    expect([0, 1, 2].map((i) => b.xen.faultRecord(i).addr)).toEqual([0x4000, 0x5000, 0x3000]);
    expect((b.xen.fsts() >> 8) & 0xff).toBe(2);
    b.unit.translate(NIC, 0x6000, true);
    expect(b.xen.fsts() & PFO).toBe(PFO);
  });
});

describe('fault collapsing (QEMU behaviour, off by default)', () => {
  it('with collapseFaults, a pending record from the same requester absorbs further faults instead of overflowing', () => {
    const mem = new PhysicalMemory(MEM_SIZE);
    const unit = new IntelIommu({ id: 'dmar0', mem, caps: q35Caps(), hostAddressWidthBits: 36, collapseFaults: true });
    const xen = xenDriver(unit, mem);
    xen.setRootTable();
    xen.mapContext(NIC, { did: 1, aw: 1, asr: xen.newDomainTable() });
    xen.enableTranslation();
    unit.translate(NIC, 0x1000, true);
    unit.translate(NIC, 0x2000, true);
    expect(xen.fsts()).toBe(PPF);
    unit.translate(requesterId({ bus: 3, device: 0, fn: 0 }), 0x1000, true);
    expect(xen.fsts()).toBe(PPF | PFO);
  });
});
