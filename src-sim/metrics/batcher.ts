/**
 * Collects samples column-wise and releases them as one frame at most `rateHz` times a second
 * (the protocol caps a subscription at 60 frames/s however fast samples arrive). Time is passed
 * in by the caller, so the batcher itself never reads a clock.
 */
export class ColumnBatcher<P extends Record<string, number>> {
  private columns: Record<string, number[]> = {};
  private pending = 0;
  private lastFlushMs = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;

  constructor(rateHz: number) {
    this.intervalMs = 1000 / rateHz;
  }

  add(point: P): void {
    for (const [k, v] of Object.entries(point)) (this.columns[k] ??= []).push(v);
    this.pending++;
  }

  /** The batched columns if a frame is due at `nowMs`, else undefined. */
  take(nowMs: number): Record<string, number[]> | undefined {
    if (this.pending === 0 || nowMs - this.lastFlushMs < this.intervalMs) return undefined;
    const out = this.columns;
    this.columns = {};
    this.pending = 0;
    this.lastFlushMs = nowMs;
    return out;
  }
}
