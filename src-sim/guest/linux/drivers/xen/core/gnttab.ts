/**
 * The kernel's side of its grant table (drivers/xen/core/gnttab.c, 2.6.18-xen): entries written
 * into the frames GNTTABOP_setup_table shared with it, refs from a free list above the reserved
 * ones. Granting writes frame and domid before the flags that make the entry valid; ending a
 * grant is refused while Xen's GTF_reading/GTF_writing say the peer still has it mapped.
 */
import { GTF_permit_access, GTF_readonly, GTF_reading, GTF_writing, type XenHypercalls } from '../../../include/xen/hypercall.ts';

/** Grant refs below this are reserved (GNTTAB_NR_RESERVED_ENTRIES). */
const GNTTAB_NR_RESERVED_ENTRIES = 8;
const GRANT_ENTRIES = 512;

export class GuestGrantTable {
  private readonly free: number[] = [];

  constructor(
    private readonly hv: XenHypercalls,
    /** Machine addresses of the table's frames (from GNTTABOP_setup_table). */
    private readonly frames: number[],
  ) {
    for (let r = frames.length * GRANT_ENTRIES - 1; r >= GNTTAB_NR_RESERVED_ENTRIES; r--) this.free.push(r);
  }

  private addr(ref: number): number {
    return this.frames[Math.floor(ref / GRANT_ENTRIES)] + (ref % GRANT_ENTRIES) * 8;
  }

  /** gnttab_grant_foreign_access: frame and domid first, then the flags that make it valid. */
  grant(domid: number, mfn: number, readonly: boolean): number {
    const ref = this.free.pop();
    if (ref === undefined) throw new Error('netfront: the guest grant table is full (more grants than the driver ever keeps)');
    this.hv.mem.writeU32(this.addr(ref) + 4, mfn);
    this.hv.mem.writeU16(this.addr(ref) + 2, domid);
    this.hv.mem.writeU16(this.addr(ref), GTF_permit_access | (readonly ? GTF_readonly : 0));
    return ref;
  }

  /** gnttab_end_foreign_access_ref: refused (false) while Xen says the grant is mapped. */
  end(ref: number): boolean {
    const flags = this.hv.mem.readU16(this.addr(ref));
    if (flags & (GTF_reading | GTF_writing)) return false;
    this.hv.mem.writeU16(this.addr(ref), 0);
    this.free.push(ref);
    return true;
  }
}
