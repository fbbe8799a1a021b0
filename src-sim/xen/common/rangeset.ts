/**
 * Inclusive integer ranges per domain (xen/common/rangeset.c): the I/O-memory (MFN), I/O-port
 * and IRQ capabilities that `iomem_permit_access`, `ioports_permit_access` and
 * `irq_permit_access` grant and `*_deny_access` revoke.
 */
export type Range = [first: number, last: number];

export class RangeSet {
  private ranges: Range[] = [];

  constructor(readonly name: string) {}

  add(first: number, last: number): void {
    const merged: Range = [first, last];
    const keep: Range[] = [];
    for (const r of this.ranges) {
      if (r[1] + 1 < merged[0] || r[0] > merged[1] + 1) keep.push(r);
      else {
        merged[0] = Math.min(merged[0], r[0]);
        merged[1] = Math.max(merged[1], r[1]);
      }
    }
    keep.push(merged);
    this.ranges = keep.sort((a, b) => a[0] - b[0]);
  }

  remove(first: number, last: number): void {
    const out: Range[] = [];
    for (const [a, b] of this.ranges) {
      if (b < first || a > last) out.push([a, b]);
      else {
        if (a < first) out.push([a, first - 1]);
        if (b > last) out.push([last + 1, b]);
      }
    }
    this.ranges = out;
  }

  /** Every value in [first, last] is in the set. */
  contains(first: number, last: number): boolean {
    return this.ranges.some(([a, b]) => a <= first && last <= b);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  list(): Range[] {
    return this.ranges.map((r) => [r[0], r[1]] as Range);
  }

  restore(ranges: Range[]): void {
    this.ranges = ranges.map((r) => [r[0], r[1]] as Range);
  }
}
