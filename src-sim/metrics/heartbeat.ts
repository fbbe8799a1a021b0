/**
 * The heartbeat series: how the run itself is doing. Each sample pairs a wall-clock instant
 * (given by the host, which alone may read the wall clock) with the virtual time and the number
 * of events dispatched, and derives the event rate and the achieved speed over the last interval.
 */
import type { Engine } from '../engine/engine.ts';
import type { Ns } from '../engine/time.ts';

export interface HeartbeatPoint {
  wallMs: number;
  virtualNs: Ns;
  eventsPerSecond: number;
  /** Virtual seconds advanced per wall second over the interval. */
  achievedSpeed: number;
}

export class HeartbeatSampler {
  private lastWallMs: number | undefined;
  private lastVirtualNs = 0;
  private lastEvents = 0;

  constructor(private readonly engine: Engine) {}

  /** The point for the interval ending at `wallMs`; undefined for the first call (no interval yet). */
  sample(wallMs: number): HeartbeatPoint | undefined {
    const now = this.engine.now;
    const events = this.engine.eventsDispatched;
    const dtMs = this.lastWallMs === undefined ? 0 : wallMs - this.lastWallMs;
    const point: HeartbeatPoint | undefined =
      dtMs > 0
        ? {
            wallMs,
            virtualNs: now,
            eventsPerSecond: ((events - this.lastEvents) * 1000) / dtMs,
            achievedSpeed: (now - this.lastVirtualNs) / 1e6 / dtMs,
          }
        : undefined;
    this.lastWallMs = wallMs;
    this.lastVirtualNs = now;
    this.lastEvents = events;
    return point;
  }
}
