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

/** Stores a 64-bit entry (below 2^53) little-endian at byte `at` of a table buffer. */
function putEntry(view: DataView, at: number, e: number): void {
  const hi = Math.floor(e / 0x1_0000_0000);
  view.setUint32(at, e - hi * 0x1_0000_0000, true);
  view.setUint32(at + 4, hi, true);
}

/**
 * Walks the leaf tables covering `count` pages from `iova` (allocating missing levels), one
 * read-modify-write per table: `fill(view, at, n, i)` writes `n` entries from byte `at`, the
 * first being page `i` of the run.
 */
function fillLeafTables(
  mem: PhysicalMemory,
  alloc: PageSource,
  root: number,
  levels: number,
  iova: number,
  count: number,
  fill: (view: DataView, at: number, n: number, i: number) => void,
): void {
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
    fill(view, 8 * slot, n, i);
    mem.write(table, buf);
    i += n;
  }
}

/**
 * Fills leaf entries for `count` consecutive pages from `iova`, `entryFor(i)` giving each
 * page's 64-bit entry. One read-modify-write per leaf table: a 1:1 map of gigabytes (dom0's
 * table at iommu_setup) is the same result as `count` iommu_map_page calls, at table speed.
 */
export function fillLeafEntries(mem: PhysicalMemory, alloc: PageSource, root: number, levels: number, iova: number, count: number, entryFor: (i: number) => number): void {
  fillLeafTables(mem, alloc, root, levels, iova, count, (view, at, n, i) => {
    for (let k = 0; k < n; k++) putEntry(view, at + 8 * k, entryFor(i + k));
  });
}

/**
 * The same fill for a contiguous run: page `i` maps `hpa + i` pages with `perm` (dom0's 1:1
 * map, a range iommu_page_mapping). The entries are computed in the loop rather than through a
 * callback shared with other callers, which kept the million-entry 1:1 map from being inlined.
 */
export function fillLeafRun(mem: PhysicalMemory, alloc: PageSource, root: number, levels: number, iova: number, count: number, hpa: number, perm: number): void {
  const first = hpa - (hpa % PAGE) + perm;
  fillLeafTables(mem, alloc, root, levels, iova, count, (view, at, n, i) => {
    for (let k = 0, e = first + i * PAGE; k < n; k++, e += PAGE) putEntry(view, at + 8 * k, e);
  });
}
