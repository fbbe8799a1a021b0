/**
 * Runs the engine against the wall clock: paced (virtual time = wall time × speed) or as fast as
 * possible, in short slices so the process keeps answering messages. This is the only place in
 * the simulator allowed to read the wall clock or use timers.
 */
import { performance } from 'node:perf_hooks';
import type { Engine } from '../engine/engine.ts';
import type { Speed } from '../../src-shared/protocol/index.ts';

/** Wall milliseconds between pacing ticks. */
const TICK_MS = 4;
/** Longest a single slice may run before yielding to I/O. */
const SLICE_BUDGET_MS = 12;
/** If paced running falls this far behind, re-anchor rather than try to catch up in a burst. */
const MAX_LAG_MS = 250;
/** How far virtual time may jump in one max-speed slice when the queue is empty. */
const IDLE_JUMP_NS = 10_000_000;

export type TickListener = (wallMs: number) => void;

export class Pacer {
  private speed: Speed = 1;
  private running = false;
  private handle: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private anchorWallMs = 0;
  private anchorVirtualNs = 0;
  private readonly listeners = new Set<TickListener>();

  constructor(private engine: Engine) {}

  /** Paces another world's engine from now on (a host powered on in place of the last). */
  retarget(engine: Engine): void {
    this.engine = engine;
    this.reanchor();
  }

  get isRunning(): boolean {
    return this.running;
  }

  get currentSpeed(): Speed {
    return this.speed;
  }

  onTick(l: TickListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.reanchor();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.clear();
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.reanchor();
    if (this.running) {
      this.clear();
      this.schedule();
    }
  }

  /** Wall time for listeners that sample while paused. */
  wallNow(): number {
    return performance.now();
  }

  private reanchor(): void {
    this.anchorWallMs = performance.now();
    this.anchorVirtualNs = this.engine.now;
  }

  private clear(): void {
    if (this.handle === undefined) return;
    clearTimeout(this.handle as NodeJS.Timeout);
    clearImmediate(this.handle as NodeJS.Immediate);
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = this.speed === 'max' ? setImmediate(() => this.tick()) : setTimeout(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    this.handle = undefined;
    if (!this.running) return;
    const start = performance.now();
    if (this.speed === 'max') this.runFlatOut(start);
    else this.runPaced(start, this.speed);
    const wall = performance.now();
    for (const l of this.listeners) l(wall);
    if (this.running) this.schedule();
  }

  private runPaced(wallMs: number, speed: number): void {
    if (wallMs - this.anchorWallMs > 0) {
      const target = this.anchorVirtualNs + Math.floor((wallMs - this.anchorWallMs) * 1e6 * speed);
      this.runWithinBudget(target, wallMs);
      const lagMs = (target - this.engine.now) / 1e6 / speed;
      if (lagMs > MAX_LAG_MS) this.reanchor();
    }
  }

  private runFlatOut(wallMs: number): void {
    const e = this.engine;
    while (performance.now() - wallMs < SLICE_BUDGET_MS) {
      const next = e.nextDeadline;
      const target = next === undefined ? e.now + IDLE_JUMP_NS : next;
      e.runUntil(target, 4096);
    }
  }

  /** Runs toward `target` in chunks, giving up the slice when its wall budget is spent. */
  private runWithinBudget(target: number, startMs: number): void {
    const e = this.engine;
    while (e.now < target) {
      e.runUntil(target, 4096);
      if (performance.now() - startMs > SLICE_BUDGET_MS) break;
    }
  }
}
