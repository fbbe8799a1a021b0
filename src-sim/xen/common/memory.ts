/**
 * `__HYPERVISOR_memory_op` as xc_hvm_build uses it (xen/common/memory.c): XENMEM_populate_physmap
 * gives a domain machine frames for a run of guest frames (p2m RAM entries, which with VT-d are
 * also its DMA mappings); XENMEM_decrease_reservation is how dom0's balloon driver hands frames
 * back so xend can build a guest.
 */
import { ENOMEM, ESRCH, EINVAL } from './errno.ts';
import { OutOfMemory } from './page_alloc.ts';
import { hexArg } from './hypercall-log.ts';
import { P2M_RAM_RW } from '../arch/x86/mm/p2m.ts';
import type { Xen } from '../xen.ts';

export const XENMEM_decrease_reservation = 1;
export const XENMEM_populate_physmap = 6;

/** Populates guest frames [firstGfn, firstGfn + count); returns the number populated or -errno. */
export function populatePhysmap(xen: Xen, caller: number, domid: number, firstGfn: number, count: number): number {
  const rc = populate(xen, domid, firstGfn, count);
  xen.hypercalls.add({ caller, hypercall: 'memory_op', op: 'XENMEM_populate_physmap', cmd: XENMEM_populate_physmap, domain: domid, args: { first_gfn: hexArg(firstGfn), nr_extents: count }, result: rc }, xen.now);
  return rc;
}

function populate(xen: Xen, domid: number, firstGfn: number, count: number): number {
  const d = xen.domain(domid);
  if (!d) return -ESRCH;
  // A PV domain has no p2m in Xen: it keeps its own phys→machine list of the frames it gets.
  if ((!d.p2m && d.isHvm) || count < 0) return -EINVAL;
  if (d.totPages + count > d.maxPages) return -ENOMEM;
  let ranges;
  try {
    ranges = xen.allocDomainFrames(d, count);
  } catch (e) {
    if (e instanceof OutOfMemory) return -ENOMEM;
    throw e;
  }
  if (!d.p2m) return count;
  const mfns: number[] = [];
  for (const r of ranges) for (let i = 0; i < r.count; i++) mfns.push(r.mfn + i);
  d.p2m.setRange(firstGfn, mfns, P2M_RAM_RW);
  return count;
}

/** dom0's balloon driver returns `pages` frames to Xen (the most recently allocated first). */
export function decreaseReservation(xen: Xen, caller: number, pages: number): number {
  const d = xen.domain(caller);
  let rc: number;
  if (!d) rc = -ESRCH;
  else {
    let left = Math.min(pages, d.totPages);
    rc = left;
    while (left > 0) {
      const last = d.frames[d.frames.length - 1];
      const take = Math.min(left, last.count);
      xen.heap.freeFrames([{ mfn: last.mfn + last.count - take, count: take }]);
      last.count -= take;
      if (!last.count) d.frames.pop();
      left -= take;
    }
    d.maxPages = d.totPages;
  }
  xen.hypercalls.add({ caller, hypercall: 'memory_op', op: 'XENMEM_decrease_reservation', cmd: XENMEM_decrease_reservation, domain: caller, args: { nr_extents: pages }, result: rc }, xen.now);
  return rc;
}
