/**
 * A fixed-size ring of columnar samples for a streaming chart: x plus named y columns, kept in
 * Float64Arrays and handed to uPlot as time-ordered views once per animation frame.
 * x must ascend for uPlot; when a new simulator process restarts its clock, the ring shifts the
 * new samples to continue after the last x and leaves a gap (null) at the seam.
 */
export class RingSeries {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array[];
  private readonly gap: Uint8Array;
  private start = 0;
  private count = 0;
  private offset = 0;
  private lastRawX = Number.NEGATIVE_INFINITY;
  private lastX = Number.NEGATIVE_INFINITY;
  private gapPending = false;
  private shiftPending = false;

  constructor(
    readonly capacity: number,
    readonly names: readonly string[],
  ) {
    this.xs = new Float64Array(capacity);
    this.ys = names.map(() => new Float64Array(capacity));
    this.gap = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Marks the next sample as the start of a new segment (e.g. after a reconnect: another clock). */
  breakSegment(): void {
    this.gapPending = true;
    this.shiftPending = true;
  }

  /** Breaks the line before the next sample, on the same clock (samples went missing). */
  breakLine(): void {
    this.gapPending = true;
  }

  push(rawX: number, values: readonly number[]): void {
    if (rawX <= this.lastRawX || this.shiftPending) {
      // A restarted clock or a reconnect: continue the axis just after what we have.
      if (this.count > 0) this.offset = this.lastX + 0.5 - rawX;
      this.gapPending = true;
    }
    this.shiftPending = false;
    this.lastRawX = rawX;
    const x = rawX + this.offset;
    const i = (this.start + this.count) % this.capacity;
    if (this.count === this.capacity) this.start = (this.start + 1) % this.capacity;
    else this.count++;
    this.xs[i] = x;
    this.ys.forEach((col, k) => (col[i] = values[k]));
    this.gap[i] = this.gapPending ? 1 : 0;
    this.gapPending = false;
    this.lastX = x;
  }

  /** Empties the ring (another machine: its clock starts again). */
  clear(): void {
    this.start = 0;
    this.count = 0;
    this.offset = 0;
    this.lastRawX = Number.NEGATIVE_INFINITY;
    this.lastX = Number.NEGATIVE_INFINITY;
    this.gapPending = false;
    this.shiftPending = false;
  }

  /** First and last x held, or null when empty. */
  extent(): [number, number] | null {
    if (this.count === 0) return null;
    return [this.xs[this.start], this.lastX];
  }

  /** The newest sample's values, or null when empty. */
  last(): number[] | null {
    if (this.count === 0) return null;
    const i = (this.start + this.count - 1) % this.capacity;
    return this.ys.map((col) => col[i]);
  }

  /** Each column's sum over the samples held (what a top-N pick ranks by). */
  totals(): number[] {
    return this.ys.map((col) => {
      let sum = 0;
      for (let n = 0; n < this.count; n++) sum += col[(this.start + n) % this.capacity];
      return sum;
    });
  }

  /** Columns in time order, with null before each segment start so uPlot draws a break. */
  toColumns(): [number[], ...(number | null)[][]] {
    return this.view(this.names.map((_, k) => [k]));
  }

  /** Like toColumns, but each output column is the sum of a group of columns. */
  view(groups: readonly (readonly number[])[]): [number[], ...(number | null)[][]] {
    const xs: number[] = [];
    const ys: (number | null)[][] = groups.map(() => []);
    for (let n = 0; n < this.count; n++) {
      const i = (this.start + n) % this.capacity;
      if (this.gap[i] && n > 0) {
        xs.push(this.xs[i] - 1e-6);
        ys.forEach((col) => col.push(null));
      }
      xs.push(this.xs[i]);
      groups.forEach((group, g) => {
        let sum = 0;
        for (const k of group) sum += this.ys[k][i];
        ys[g].push(sum);
      });
    }
    return [xs, ...ys];
  }
}
