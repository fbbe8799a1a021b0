/**
 * Snapshot/restore: the unit's state as named fields (registers, latched root pointer, next
 * fault record, cached context entries and IOTLB entries); a restored unit continues exactly as
 * the original would, stale cache entries included.
 */
import { describe, expect, it } from 'vitest';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { IntelIommu } from '../../../src-sim/hw/vtd/index.ts';
import { makeHost, PERM_R, PERM_W, q35Caps, type Bench } from './vtd-host.ts';

const NIC = requesterId({ bus: 2, device: 0, fn: 0 });
const RW = PERM_R | PERM_W;

/** A unit mid-life: translating, one stale IOTLB entry, one pending fault. */
function midLife(): { b: Bench; asr: number } {
  const b = makeHost(q35Caps({ cap: { nfr: 4 } }));
  b.xen.setRootTable();
  b.xen.flushAll();
  const asr = b.xen.newDomainTable();
  b.xen.mapContext(NIC, { did: 1, aw: 1, asr });
  b.xen.setupFaultEvent(0x99, 0);
  b.xen.enableTranslation();
  b.xen.mapPage(asr, 3, 0x1000, 0x100000, RW);
  b.unit.translate(NIC, 0x1000, true);
  b.xen.mapPage(asr, 3, 0x1000, 0x200000, RW); // stale in the IOTLB
  b.unit.translate(NIC, 0x9000, true); // fault record 0
  return { b, asr };
}

describe('VT-d unit snapshot', () => {
  it('saves named, versioned fields that survive JSON', () => {
    const { b } = midLife();
    const s = b.unit.save();
    expect(Object.keys(s).sort()).toEqual(['contextCache', 'iotlb', 'nextFaultRecord', 'registers', 'rootTablePointer', 'stats', 'version']);
    expect(s.iotlb).toEqual([{ did: 1, pfn: 1, hpfn: 0x100, perm: 3, lru: expect.any(Number) }]);
    expect(s.nextFaultRecord).toBe(1);
    expect(s.registers.values.GSTS_REG).toBe('000000c0');
    const copy = makeHost(q35Caps({ cap: { nfr: 4 } }));
    copy.unit.restore(JSON.parse(JSON.stringify(s)));
    expect(copy.unit.save()).toEqual(s);
  });

  it('a restored unit keeps translating through the stale entry and records the next fault in record 1', () => {
    const { b } = midLife();
    const copy = makeHost(q35Caps({ cap: { nfr: 4 } }));
    copy.mem.restore(b.mem.save());
    copy.unit.restore(b.unit.save());
    for (const u of [b, copy]) {
      expect(u.unit.translate(NIC, 0x1000, true)).toBe(0x100000);
      expect(u.unit.translate(NIC, 0xa000, false)).toBe(-0x06);
      expect(u.xen.faultRecord(1)).toMatchObject({ fault: true, reason: 6, addr: 0xa000 });
    }
    expect(copy.unit.save()).toEqual(b.unit.save());
  });

  it('restoring in place rewinds registers and caches to the snapshot', () => {
    const { b } = midLife();
    const s = b.unit.save();
    b.xen.flushAll();
    b.xen.clearFaultRecord(0);
    b.xen.disableTranslation();
    b.unit.restore(s);
    expect(b.unit.translationEnabled).toBe(true);
    expect(b.unit.translate(NIC, 0x1000, true)).toBe(0x100000);
    expect(b.xen.faultRecord(0).fault).toBe(true);
  });

  it('an original and its restored copy emit the same trace records from the snapshot on', () => {
    const run = (unit: IntelIommu) => {
      unit.write(0x34, 4, 1); // clear PFO (none): a register write
      for (const a of [0x1000, 0x9000, 0xa000, 0xb000]) unit.translate(NIC, a, (a & 0x1000) !== 0);
      unit.write(0x38, 4, 0);
    };
    const { b } = midLife();
    const sims = [new Simulation(), new Simulation()];
    const twin = (sim: Simulation) => new IntelIommu({ id: 'dmar0', mem: b.mem, caps: q35Caps({ cap: { nfr: 4 } }), hostAddressWidthBits: 36, tracer: sim.tracer });
    const [a, c] = sims.map(twin);
    a.restore(b.unit.save());
    c.restore(JSON.parse(JSON.stringify(b.unit.save())));
    run(a);
    run(c);
    expect(sims[0].tracer.recent().map((r) => r.name)).toEqual(['vtd.dmar_fault', 'vtd.dmar_fault', 'vtd.dmar_fault']);
    expect(sims[1].tracer.hash).toBe(sims[0].tracer.hash);
  });

  it('refuses a snapshot of another version', () => {
    const { b } = midLife();
    expect(() => b.unit.restore({ ...b.unit.save(), version: 2 as 1 })).toThrow(/version 2/);
  });
});
