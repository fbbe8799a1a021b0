/**
 * Xen's page allocator over the machine's RAM (xen/common/page_alloc.c): the xenheap hands out
 * zeroed single pages for Xen's own tables (VT-d root, context and page tables, the p2m), the
 * domheap contiguous runs of frames for domains. Machine frames are what the hardware sees;
 * the allocator never hands out a frame the firmware reserved (RMRR regions, the MMIO hole).
 *
 * Simplified: first-fit over sorted free ranges instead of the buddy allocator; the order of
 * frames handed out is deterministic, which is all a trace needs.
 */
import { PAGE_SIZE, type PhysicalMemory } from '../../hw/memory/phys-mem.ts';

export interface FrameRange {
  /** First machine frame number. */
  mfn: number;
  count: number;
}

/** Anything that hands out one zeroed page of machine memory (alloc_xenheap_page + memset). */
export interface PageSource {
  allocPage(): number;
}

export class OutOfMemory extends Error {
  constructor(readonly what: string, readonly pages: number) {
    super(`out of memory: ${what} needs ${pages} page(s)`);
  }
}

/** The memset's source, shared: memory copies from it and nothing writes to it. */
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

export class FrameAllocator implements PageSource {
  private free: FrameRange[];

  /** `usable`: RAM ranges Xen may allocate from (E820 RAM minus what the firmware reserves). */
  constructor(
    private readonly mem: PhysicalMemory,
    usable: FrameRange[],
  ) {
    this.free = normalise(usable);
  }

  get freePages(): number {
    return this.free.reduce((n, r) => n + r.count, 0);
  }

  /** One zeroed xenheap page; returns its machine address. */
  allocPage(): number {
    const [r] = this.allocFrames(1, 'xenheap page');
    const addr = r.mfn * PAGE_SIZE;
    this.mem.write(addr, ZERO_PAGE);
    return addr;
  }

  /** `count` frames, contiguous when possible (first fit), else gathered from several runs. */
  allocFrames(count: number, what: string): FrameRange[] {
    if (count > this.freePages) throw new OutOfMemory(what, count);
    const out: FrameRange[] = [];
    let need = count;
    const fit = this.free.find((r) => r.count >= need);
    const sources = fit ? [fit] : [...this.free];
    for (const r of sources) {
      const take = Math.min(need, r.count);
      out.push({ mfn: r.mfn, count: take });
      r.mfn += take;
      r.count -= take;
      need -= take;
      if (!need) break;
    }
    this.free = this.free.filter((r) => r.count > 0);
    return out;
  }

  freeFrames(ranges: FrameRange[]): void {
    this.free = normalise([...this.free, ...ranges]);
  }

  freePage(addr: number): void {
    this.freeFrames([{ mfn: Math.floor(addr / PAGE_SIZE), count: 1 }]);
  }

  save(): FrameRange[] {
    return this.free.map((r) => ({ ...r }));
  }

  restore(s: FrameRange[]): void {
    this.free = normalise(s);
  }
}

/** Sorted, merged, non-empty ranges. */
function normalise(ranges: FrameRange[]): FrameRange[] {
  const sorted = ranges.filter((r) => r.count > 0).map((r) => ({ ...r })).sort((a, b) => a.mfn - b.mfn);
  const out: FrameRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.mfn + last.count >= r.mfn) last.count = Math.max(last.count, r.mfn + r.count - last.mfn);
    else out.push(r);
  }
  return out;
}
