/**
 * Rates from cumulative counters over virtual time: each sample is compared with the one before,
 * and the difference divided by the virtual time between them. Virtual, not wall, time is the
 * denominator so that a run at 10× shows the same interrupts per second as one at 1×.
 */
export interface RateStep {
  /** Virtual seconds at the end of the interval. */
  x: number;
  /** Per virtual second, one per counter, in the order the counters were named. */
  rates: number[];
}

export type RateResult =
  | { kind: 'rate'; step: RateStep }
  /** The first sample, or the first after a reset: it is the base of the next rate. */
  | { kind: 'base' }
  /** Virtual time did not move (the run is paused): nothing new to plot. */
  | { kind: 'still' }
  /** Virtual time or a counter went backwards: another machine or a new simulator. */
  | { kind: 'reset' }
  /**
   * No sample for longer than GAP_WALL_MS (the simulator was held up, or samples were lost):
   * this sample is the base of the next rate, and the chart breaks its line rather than draw
   * one average across the gap as if it had been measured.
   */
  | { kind: 'gap' };

/** Samples come 20 times a wall second; a silence of twenty of them is a gap. */
export const GAP_WALL_MS = 1000;

export class CounterRates {
  private prevNs: number | undefined;
  private prevWallMs: number | undefined;
  private prev: number[] = [];

  constructor(readonly names: readonly string[]) {}

  /** Forgets the base: the next sample starts again (after a reconnect). */
  clear(): void {
    this.prevNs = undefined;
    this.prevWallMs = undefined;
    this.prev = [];
  }

  /** One sample: virtual time, the counters, and (when known) the wall time it was taken at. */
  push(virtualNs: number, values: readonly number[], wallMs?: number): RateResult {
    const prevNs = this.prevNs;
    const prevWallMs = this.prevWallMs;
    if (wallMs !== undefined) this.prevWallMs = wallMs;
    if (prevNs === undefined) return this.rebase(virtualNs, values, 'base');
    if (virtualNs < prevNs || values.some((v, k) => v < this.prev[k])) return this.rebase(virtualNs, values, 'reset');
    if (virtualNs === prevNs) return { kind: 'still' };
    if (wallMs !== undefined && prevWallMs !== undefined && wallMs - prevWallMs > GAP_WALL_MS) return this.rebase(virtualNs, values, 'gap');
    const perSecond = 1e9 / (virtualNs - prevNs);
    const rates = values.map((v, k) => (v - this.prev[k]) * perSecond);
    this.prevNs = virtualNs;
    this.prev = values.slice();
    return { kind: 'rate', step: { x: virtualNs / 1e9, rates } };
  }

  private rebase(virtualNs: number, values: readonly number[], kind: 'base' | 'reset' | 'gap'): RateResult {
    this.prevNs = virtualNs;
    this.prev = values.slice();
    return { kind };
  }
}
