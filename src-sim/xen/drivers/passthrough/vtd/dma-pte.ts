/**
 * Second-level page tables as Xen's VT-d code builds them (2007 intel-iommu.c `addr_to_dma_pte`,
 * `dma_pte_clear_one`; 3.3+ vtd/iommu.c): 512 8-byte entries per 4 KiB table, non-leaf entries
 * R|W, permission only in the leaf, levels = AGAW + 2. Tables live in machine memory, where the
 * remapping hardware walks them.
 */
import type { PhysicalMemory } from '../../../../hw/memory/phys-mem.ts';
import type { PageSource } from '../../../common/page_alloc.ts';

export const DMA_PTE_READ = 1;
export const DMA_PTE_WRITE = 2;
const PAGE = 0x1000;

function indexAt(pfn: number, level: number): number {
  return Math.floor(pfn / 2 ** (9 * (level - 1))) % 512;
}

/** addr_to_dma_pte: the leaf entry's address for `iova`, allocating missing levels (or undefined when `alloc` is absent). */
export function addrToDmaPte(mem: PhysicalMemory, alloc: PageSource | undefined, root: number, levels: number, iova: number): number | undefined {
  let table = root;
  const pfn = Math.floor(iova / PAGE);
  for (let level = levels; level > 1; level--) {
    const at = table + 8 * indexAt(pfn, level);
    let next = mem.readU64(at);
    if ((next & 3) === 0) {
      if (!alloc) return undefined;
      next = alloc.allocPage() + DMA_PTE_READ + DMA_PTE_WRITE;
      mem.writeU64(at, next);
    }
    table = next - (next % PAGE);
  }
  return table + 8 * indexAt(pfn, 1);
}

/** Writes the leaf for `iova` → `hpa` with `perm`; returns the leaf's address. */
export function dmaPteMap(mem: PhysicalMemory, alloc: PageSource, root: number, levels: number, iova: number, hpa: number, perm: number): number {
  const leaf = addrToDmaPte(mem, alloc, root, levels, iova)!;
  mem.writeU64(leaf, hpa - (hpa % PAGE) + perm);
  return leaf;
}

/** dma_pte_clear_one: clears the leaf if the walk reaches one; true when something was present. */
export function dmaPteClear(mem: PhysicalMemory, root: number, levels: number, iova: number): boolean {
  const leaf = addrToDmaPte(mem, undefined, root, levels, iova);
  if (leaf === undefined || (mem.readU64(leaf) & 3) === 0) return false;
  mem.writeU64(leaf, 0);
  return true;
}

/** The leaf's value for `iova` (0 when any level is absent). */
export function dmaPteRead(mem: PhysicalMemory, root: number, levels: number, iova: number): number {
  const leaf = addrToDmaPte(mem, undefined, root, levels, iova);
  return leaf === undefined ? 0 : mem.readU64(leaf);
}

/**
 * Fills leaf entries for `count` consecutive pages from `iova`, `entryFor(i)` giving each
 * page's 64-bit entry. One read-modify-write per leaf table: a 1:1 map of gigabytes (dom0's
 * table at iommu_setup) is the same result as `count` iommu_map_page calls, at table speed.
 */
export function fillLeafEntries(mem: PhysicalMemory, alloc: PageSource, root: number, levels: number, iova: number, count: number, entryFor: (i: number) => number): void {
  const buf = new Uint8Array(PAGE);
  const view = new DataView(buf.buffer);
  const firstPfn = Math.floor(iova / PAGE);
  let i = 0;
  while (i < count) {
    const pfn = firstPfn + i;
    const slot = pfn % 512;
    const table = addrToDmaPte(mem, alloc, root, levels, pfn * PAGE)! - 8 * slot;
    mem.read(table, buf);
    const n = Math.min(512 - slot, count - i);
    for (let k = 0, at = 8 * slot; k < n; k++, at += 8) {
      const e = entryFor(i + k);
      const hi = Math.floor(e / 0x1_0000_0000);
      view.setUint32(at, e - hi * 0x1_0000_0000, true);
      view.setUint32(at + 4, hi, true);
    }
    mem.write(table, buf);
    i += n;
  }
}
