/**
 * Per-GSI assertion counts: every rising edge on each of the PC's GSI wires (the numbers
 * /proc/interrupts would show on the host, before any OS masks or shares them).
 */
import type { IrqLine } from '../hw/intc/wire.ts';

export interface InterruptCountersState {
  counts: number[];
}

export class InterruptCounters {
  private readonly counts: number[];

  constructor(lines: readonly IrqLine[]) {
    this.counts = lines.map(() => 0);
    lines.forEach((line, gsi) => line.connect((level) => void (level && this.counts[gsi]++)));
  }

  /** Rising edges seen on GSI `gsi` so far. */
  count(gsi: number): number {
    return this.counts[gsi] ?? 0;
  }

  get all(): readonly number[] {
    return this.counts;
  }

  save(): InterruptCountersState {
    return { counts: [...this.counts] };
  }

  restore(s: InterruptCountersState): void {
    if (!Array.isArray(s.counts) || s.counts.length !== this.counts.length) throw new Error(`interrupt counters: expected ${this.counts.length} counts`);
    s.counts.forEach((c, i) => (this.counts[i] = c));
  }
}
