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

  sample(wallMs: number): HeartbeatPoint {
    const now = this.engine.now;
    const events = this.engine.eventsDispatched;
    const dtMs = this.lastWallMs === undefined ? 0 : wallMs - this.lastWallMs;
    const point: HeartbeatPoint = {
      wallMs,
      virtualNs: now,
      eventsPerSecond: dtMs > 0 ? ((events - this.lastEvents) * 1000) / dtMs : 0,
      achievedSpeed: dtMs > 0 ? (now - this.lastVirtualNs) / 1e6 / dtMs : 0,
    };
    this.lastWallMs = wallMs;
    this.lastVirtualNs = now;
    this.lastEvents = events;
    return point;
  }
}
