/**
 * The discrete-event engine: virtual clock, named timers, and the run loops.
 *
 * Components create named timers once, at construction (`engine.timer('e1000.0.itr', fn)`), and
 * arm them with absolute deadlines. Because a timer is a name plus a deadline rather than a
 * closure in a list, the whole pending-event set snapshots as plain data and restores by
 * re-arming the same names (QEMU saves its timers the same way, in each device's vmstate).
 *
 * Pacing against the wall clock is not here: `src-sim/host` decides how far to run and when.
 */
import { EventQueue, type QueueEntry } from './queue.ts';
import { assertNs, type Ns } from './time.ts';

export type TimerCallback = (now: Ns) => void;

export class Timer implements QueueEntry {
  deadline: Ns = 0;
  seq = 0;
  heapIndex = -1;

  constructor(
    readonly name: string,
    readonly callback: TimerCallback,
    private readonly engine: Engine,
  ) {}

  get armed(): boolean {
    return this.heapIndex >= 0;
  }

  /** Arms (or re-arms) the timer to fire at an absolute virtual time, not before now. */
  armAt(deadline: Ns): void {
    this.engine.arm(this, deadline);
  }

  /** Arms the timer `delay` ns from now. */
  armIn(delay: Ns): void {
    this.engine.arm(this, this.engine.now + delay);
  }

  cancel(): void {
    this.engine.disarm(this);
  }
}

export interface TimerState {
  name: string;
  deadline: Ns;
  seq: number;
}

export interface EngineState {
  now: Ns;
  nextSeq: number;
  eventsDispatched: number;
  /** Armed timers in firing order. */
  timers: TimerState[];
}

export class Engine {
  private nowNs: Ns = 0;
  private nextSeq = 0;
  private dispatched = 0;
  private readonly queue = new EventQueue<Timer>();
  private readonly timers = new Map<string, Timer>();

  get now(): Ns {
    return this.nowNs;
  }

  /** Events dispatched since the engine was created (or restored). */
  get eventsDispatched(): number {
    return this.dispatched;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Deadline of the next event, or undefined when nothing is armed. */
  get nextDeadline(): Ns | undefined {
    return this.queue.peek()?.deadline;
  }

  timer(name: string, callback: TimerCallback): Timer {
    if (this.timers.has(name)) throw new Error(`timer ${name} already exists`);
    const t = new Timer(name, callback, this);
    this.timers.set(name, t);
    return t;
  }

  /** Removes a timer whose component is being destroyed (hot-unplug, domain teardown). */
  destroyTimer(t: Timer): void {
    this.queue.remove(t);
    this.timers.delete(t.name);
  }

  arm(t: Timer, deadline: Ns): void {
    if (deadline < this.nowNs || !Number.isSafeInteger(deadline)) {
      throw new RangeError(`timer ${t.name}: deadline ${deadline} is before now (${this.nowNs}) or not an integer`);
    }
    this.queue.remove(t);
    t.deadline = deadline;
    t.seq = this.nextSeq++;
    this.queue.push(t);
  }

  disarm(t: Timer): void {
    this.queue.remove(t);
  }

  /** Fires the next event, if any, and returns whether one fired. */
  step(): boolean {
    const t = this.queue.pop();
    if (!t) return false;
    this.nowNs = t.deadline;
    this.dispatched++;
    t.callback(this.nowNs);
    return true;
  }

  /**
   * Fires every event due at or before `until`, then leaves the clock at `until`.
   * `maxEvents` bounds the work of one call so a host can stay responsive; returns the number fired.
   */
  runUntil(until: Ns, maxEvents = Number.POSITIVE_INFINITY): number {
    assertNs(until, 'runUntil target');
    let fired = 0;
    const q = this.queue;
    for (;;) {
      const head = q.peek();
      if (!head || head.deadline > until || fired >= maxEvents) break;
      q.pop();
      this.nowNs = head.deadline;
      this.dispatched++;
      fired++;
      head.callback(this.nowNs);
    }
    // Advance to the target only when nothing due remains; a call cut short by maxEvents
    // leaves the clock at the last event so the next call resumes exactly there.
    const next = q.peek();
    if ((!next || next.deadline > until) && until > this.nowNs) this.nowNs = until;
    return fired;
  }

  runFor(delta: Ns): number {
    return this.runUntil(this.nowNs + delta);
  }

  save(): EngineState {
    return {
      now: this.nowNs,
      nextSeq: this.nextSeq,
      eventsDispatched: this.dispatched,
      timers: this.queue.ordered().map((t) => ({ name: t.name, deadline: t.deadline, seq: t.seq })),
    };
  }

  /**
   * Restores clock and pending events. Components must have re-created their timers (by
   * construction) before this runs; a saved timer with no owner is a broken snapshot.
   */
  restore(s: EngineState): void {
    this.queue.clear();
    this.nowNs = s.now;
    this.nextSeq = s.nextSeq;
    this.dispatched = s.eventsDispatched;
    for (const ts of s.timers) {
      const t = this.timers.get(ts.name);
      if (!t) throw new Error(`snapshot arms timer ${ts.name}, which no component owns`);
      t.deadline = ts.deadline;
      t.seq = ts.seq;
      this.queue.push(t);
    }
  }
}
