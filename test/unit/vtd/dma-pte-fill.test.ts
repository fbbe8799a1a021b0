/**
 * The table-at-a-time fills (dom0's 1:1 map, range iommu_page_mapping) leave machine memory
 * exactly as Xen's page-by-page iommu_map_page would: same tables, same frames, same bytes.
 */
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { FrameAllocator } from '../../../src-sim/xen/common/page_alloc.ts';
import { DMA_PTE_READ, DMA_PTE_WRITE, dmaPteMap, dmaPteRead, fillLeafEntries, fillLeafRun } from '../../../src-sim/xen/drivers/passthrough/vtd/dma-pte.ts';

const RW = DMA_PTE_READ | DMA_PTE_WRITE;

function machine() {
  const mem = new PhysicalMemory(64 * 1024 * 1024);
  const heap = new FrameAllocator(mem, [{ mfn: 0x100, count: 0x1000 }]);
  return { mem, heap, root: heap.allocPage() };
}

describe('filling VT-d leaf tables a table at a time', () => {
  it('maps a run crossing leaf tables byte for byte as mapping each page does', () => {
    // 1100 pages from IOVA 0x1ff000 (the last slot of one leaf table) onto frames from 0x5000000.
    const [iova, count, hpa] = [0x1ff000, 1100, 0x5000000];
    const byPage = machine();
    for (let i = 0; i < count; i++) dmaPteMap(byPage.mem, byPage.heap, byPage.root, 3, iova + i * 0x1000, hpa + i * 0x1000, RW);
    const run = machine();
    fillLeafRun(run.mem, run.heap, run.root, 3, iova, count, hpa, RW);
    expect(run.mem.save()).toEqual(byPage.mem.save());
    expect(dmaPteRead(run.mem, run.root, 3, iova + 1099 * 0x1000)).toBe(hpa + 1099 * 0x1000 + RW);
  });

  it('keeps entries above 4 GiB whole and leaves the rest of a partly filled table as it was', () => {
    const m = machine();
    fillLeafEntries(m.mem, m.heap, m.root, 4, 0x3000, 1, () => 0x12_3456_7000 + DMA_PTE_READ);
    fillLeafRun(m.mem, m.heap, m.root, 4, 0x5000, 2, 0x1_0000_0000, RW);
    expect([3, 4, 5, 6].map((p) => dmaPteRead(m.mem, m.root, 4, p * 0x1000))).toEqual([0x12_3456_7000 + DMA_PTE_READ, 0, 0x1_0000_0000 + RW, 0x1_0000_1000 + RW]);
  });
});
