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
  | { kind: 'reset' };

export class CounterRates {
  private prevNs: number | undefined;
  private prev: number[] = [];

  constructor(readonly names: readonly string[]) {}

  /** Forgets the base: the next sample starts again (after a reconnect). */
  clear(): void {
    this.prevNs = undefined;
    this.prev = [];
  }

  push(virtualNs: number, values: readonly number[]): RateResult {
    const prevNs = this.prevNs;
    if (prevNs === undefined) return this.rebase(virtualNs, values, 'base');
    if (virtualNs < prevNs || values.some((v, k) => v < this.prev[k])) return this.rebase(virtualNs, values, 'reset');
    if (virtualNs === prevNs) return { kind: 'still' };
    const perSecond = 1e9 / (virtualNs - prevNs);
    const rates = values.map((v, k) => (v - this.prev[k]) * perSecond);
    this.prevNs = virtualNs;
    this.prev = values.slice();
    return { kind: 'rate', step: { x: virtualNs / 1e9, rates } };
  }

  private rebase(virtualNs: number, values: readonly number[], kind: 'base' | 'reset'): RateResult {
    this.prevNs = virtualNs;
    this.prev = values.slice();
    return { kind };
  }
}
