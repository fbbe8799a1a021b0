/**
 * VT-d translation figures, measured through the unit's DmaTranslator interface as a device's
 * DMA port calls it (one call per 4 KiB page of a transfer):
 * - iotlb.hitTranslationsPerSecond: every call hits the IOTLB (64 hot pages, 64-entry IOTLB).
 * - iotlb.missWalksPerSecond: every call misses and walks 4 levels of tables in host memory
 *   (X58 unit, AW=2; 4096 pages cycled through a 64-entry LRU IOTLB), then fills the IOTLB.
 * Each batch checks the unit's own hit/miss counters, so a figure cannot count work not done.
 */
import { PhysicalMemory } from '../../src-sim/hw/memory/phys-mem.ts';
import { IntelIommu, capabilitiesFromHex, type VtdCapabilities } from '../../src-sim/hw/vtd/index.ts';
import { opsPerSecond, type Figures } from './measure.ts';

const SID = 0x0200; // 02:00.0
const BATCH = 200_000;

/** A unit programmed through its registers: root table, one context entry, `pages` 4 KiB pages mapped. */
function programmedUnit(caps: VtdCapabilities, aw: number, pages: number): { unit: IntelIommu; iovas: Float64Array } {
  const mem = new PhysicalMemory(0x4000_0000);
  const unit = new IntelIommu({ id: 'bench', mem, caps, hostAddressWidthBits: 39, iotlbEntries: 64 });
  let free = 0x100000;
  const alloc = () => ((free += 0x1000), free - 0x1000);
  const root = alloc();
  const ctx = alloc();
  const top = alloc();
  mem.writeU64(root + 16 * (SID >> 8), ctx + 1);
  mem.writeU64(ctx + 16 * (SID & 0xff), top + 1);
  mem.writeU64(ctx + 16 * (SID & 0xff) + 8, 1 * 256 + aw);
  const levels = aw + 2;
  const iovas = new Float64Array(pages);
  for (let p = 0; p < pages; p++) {
    // Spread pages so the top-level index varies too: a full-depth walk for each.
    const iova = (p % 512) * 0x1000 + Math.floor(p / 512) * 2 ** (12 + 9 * (levels - 1));
    iovas[p] = iova;
    let table = top;
    for (let level = levels; level > 1; level--) {
      const at = table + 8 * (Math.floor(iova / 2 ** (12 + 9 * (level - 1))) % 512);
      if ((mem.readU32(at) & 3) === 0) mem.writeU64(at, alloc() + 3);
      table = mem.readU32(at) & 0xfffff000;
    }
    mem.writeU64(table + 8 * ((iova / 4096) % 512), 0x2000_0000 + p * 0x1000 + 3);
  }
  unit.write(0x20, 4, root);
  unit.write(0x18, 4, 1 << 30);
  unit.write(0x18, 4, 1 << 31);
  return { unit, iovas };
}

function hitTranslationsPerSecond(): number {
  const { unit, iovas } = programmedUnit(capabilitiesFromHex('c9008020e30260', '1000'), 1, 64);
  for (const a of iovas) unit.translate(SID, a, true);
  let sink = 0;
  const rate = opsPerSecond(() => {
    const before = unit.stats.iotlbHits;
    for (let i = 0; i < BATCH; i++) sink += unit.translate(SID, iovas[i & 63] + 0x10, (i & 1) === 0);
    if (unit.stats.iotlbHits - before !== BATCH) throw new Error('hit benchmark missed the IOTLB');
    return BATCH;
  });
  if (sink <= 0) throw new Error('translations failed');
  return rate;
}

function missWalksPerSecond(): number {
  const pages = 4096;
  const { unit, iovas } = programmedUnit(capabilitiesFromHex('c90780106f0462', 'f020fe'), 2, pages);
  let sink = 0;
  let next = 0;
  const rate = opsPerSecond(() => {
    const before = unit.stats.iotlbMisses;
    const reads = unit.stats.walkReads;
    for (let i = 0; i < BATCH; i++) {
      sink += unit.translate(SID, iovas[next], false);
      next = (next + 1) & (pages - 1);
    }
    if (unit.stats.iotlbMisses - before !== BATCH || unit.stats.walkReads - reads !== 4 * BATCH) throw new Error('miss benchmark did not walk 4 levels per call');
    return BATCH;
  });
  if (sink <= 0) throw new Error('translations failed');
  return rate;
}

export const figures: Figures = {
  'iotlb.hitTranslationsPerSecond': hitTranslationsPerSecond,
  'iotlb.missWalksPerSecond': missWalksPerSecond,
};
