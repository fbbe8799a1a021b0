/**
 * One connected client (a window, a browser tab, the CLI): validates each incoming message,
 * enforces the hello handshake, dispatches requests to the handler groups (handlers/*), and
 * streams subscriptions, status and — when asked — the trace. A bad message is answered with an
 * error response and changes nothing; it never throws. Handlers may answer later (a promise):
 * methods that take virtual time answer when it has run.
 */
import {
  MAX_SERIES_UPDATES_PER_SECOND,
  MAX_TRACE_RECORDS_PER_EVENT,
  MAX_LOG_ENTRIES_PER_EVENT,
  parseRequest,
  type EventData,
  type EventName,
  type MethodName,
  type Params,
  type Request,
  type SeriesName,
  type SimToClient,
  type ProtocolError,
} from '../../src-shared/protocol/index.ts';
import { ColumnBatcher } from '../metrics/batcher.ts';
import type { TraceRecord } from '../engine/trace.ts';
import type { SimRuntime } from './runtime.ts';
import { Failure, type Handler, type SessionContext } from './handlers/handler.ts';
import { sessionHandlers } from './handlers/session-methods.ts';
import { seriesHandlers } from './handlers/series-methods.ts';
import { hostHandlers } from './handlers/host-methods.ts';
import { xenHandlers } from './handlers/xen-methods.ts';
import { xenRun } from './xen-run.ts';
import { SERIES_SOURCES, type SeriesPoint, type SeriesSampler } from './series-sources.ts';
import type { World } from '../world/world.ts';

/** How often the status event is pushed while running, in wall ms. */
const STATUS_PERIOD_MS = 250;
const DEFAULT_SERIES_RATE_HZ = 30;
/** Samples per wall second: enough to see pacing, few enough to read. */
const SAMPLE_PERIOD_MS = 50;

interface Subscription {
  id: number;
  series: SeriesName;
  lastSampleMs: number;
  sampler: SeriesSampler;
  rateHz: number;
  batcher: ColumnBatcher<SeriesPoint>;
}

export class SimSession implements SessionContext {
  private greeted = false;
  private closed = false;
  private nextSubscription = 1;
  private readonly subscriptions = new Map<number, Subscription>();
  private lastStatusMs = Number.NEGATIVE_INFINITY;
  private readonly disposers: (() => void)[] = [];
  private readonly handlers: { [M in MethodName]: Handler<M> };
  private traceBuffer: TraceRecord[] | undefined;
  private traceDropped = 0;
  private stopFollowing: (() => void) | undefined;
  /** How far this session has been sent the world's event and hypercall logs. */
  private sentLines = 0;
  private sentHypercalls = 0;
  private logFlush: NodeJS.Immediate | undefined;
  private ownershipDirty = false;
  private detachRun: (() => void) | undefined;

  constructor(
    readonly runtime: SimRuntime,
    private readonly send: (msg: SimToClient) => void,
  ) {
    this.handlers = { ...sessionHandlers(this), ...seriesHandlers(this), ...hostHandlers(this), ...xenHandlers(this) };
    this.disposers.push(runtime.pacer.onTick((wallMs) => this.onTick(wallMs)));
    this.disposers.push(runtime.onStatusChange((data) => this.event('status', data)));
    this.disposers.push(runtime.onMachineChange((w) => this.machineChanged(w)));
    // Say something at once: hosts treat the first message as "the simulator is listening".
    this.event('status', runtime.status());
  }

  handle(raw: unknown): void {
    if (this.closed) return;
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      this.emit({ type: 'response', id: parsed.id, ok: false, error: parsed.error });
      return;
    }
    const req = parsed.value;
    if (!this.greeted && req.method !== 'hello') {
      this.fail(req.id, { code: 'no-hello', message: `method ${req.method}: send "hello" first to agree on the protocol version` });
      return;
    }
    let out: unknown;
    try {
      out = this.dispatch(req);
    } catch (err) {
      out = this.internal(req.method, err);
    }
    if (out instanceof Promise) out.then((r) => this.answer(req, r), (err) => this.answer(req, this.internal(req.method, err)));
    else this.answer(req, out);
  }

  close(): void {
    this.closed = true;
    this.detachRun?.();
    if (this.logFlush) clearImmediate(this.logFlush);
    for (const d of this.disposers) d();
    this.stopFollowing?.();
    this.subscriptions.clear();
  }

  // ---- SessionContext ------------------------------------------------------------------------

  greet(): void {
    if (this.greeted) return;
    this.greeted = true;
    this.followRun(this.runtime.world);
  }

  subscribe(series: SeriesName, maxRateHz: number | undefined): number {
    const id = this.nextSubscription++;
    const rate = Math.min(maxRateHz ?? DEFAULT_SERIES_RATE_HZ, MAX_SERIES_UPDATES_PER_SECOND);
    const sampler = SERIES_SOURCES[series](this.runtime.world);
    this.subscriptions.set(id, { id, series, lastSampleMs: Number.NEGATIVE_INFINITY, sampler, rateHz: rate, batcher: new ColumnBatcher(rate) });
    return id;
  }

  unsubscribe(id: number): boolean {
    return this.subscriptions.delete(id);
  }

  followTrace(follow: boolean): void {
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    this.traceBuffer = undefined;
    if (!follow) return;
    const buffer: TraceRecord[] = (this.traceBuffer = []);
    const attach = (w: World) =>
      w.sim.tracer.on((r) => {
        if (buffer.length < MAX_TRACE_RECORDS_PER_EVENT) buffer.push(r);
        else this.traceDropped++;
      });
    let detach = attach(this.runtime.world);
    const offMachine = this.runtime.onMachineChange((w) => {
      detach();
      detach = attach(w);
    });
    this.stopFollowing = () => {
      detach();
      offMachine();
    };
  }

  // ---- internals -----------------------------------------------------------------------------

  private dispatch(req: Request): unknown {
    const h = this.handlers[req.method] as Handler<MethodName>;
    return h(req.params as Params<MethodName>);
  }

  private internal(method: MethodName, err: unknown): Failure {
    // A throw here is a simulator bug; report it to the client instead of dying silently.
    return new Failure({ code: 'internal', message: `${method}: ${err instanceof Error ? err.message : String(err)}` });
  }

  private answer(req: Request, out: unknown): void {
    if (out instanceof Failure) this.fail(req.id, out.error);
    else this.emit({ type: 'response', id: req.id, method: req.method, ok: true, result: out } as SimToClient);
  }

  /** A new machine: every subscription samples the new world from now on. */
  private machineChanged(w: World): void {
    for (const s of this.subscriptions.values()) {
      // The old machine's samples go out before the event: no frame mixes two machines, so a
      // client that starts its charts afresh on the event never takes a rate across them.
      const old = s.batcher.take(Number.POSITIVE_INFINITY);
      if (old) this.emit({ type: 'series', subscription: s.id, series: s.series, columns: old });
      s.batcher = new ColumnBatcher(s.rateHz);
      s.sampler = SERIES_SOURCES[s.series](w);
      s.lastSampleMs = Number.NEGATIVE_INFINITY;
    }
    this.event('machine-changed', { host: w.profile.name, status: this.runtime.status() });
    if (this.greeted) this.followRun(w);
  }

  /** Streams the world's Xen event log, hypercall log and device owners from their start. */
  private followRun(w: World): void {
    this.detachRun?.();
    this.sentLines = this.sentHypercalls = 0;
    this.detachRun = xenRun(w).on((what) => {
      if (what === 'ownership') this.ownershipDirty = true;
      this.logFlush ??= setImmediate(() => this.flushRun());
    });
    this.logFlush ??= setImmediate(() => this.flushRun());
  }

  /** Sends what is new, in batches, once per turn of the event loop however many lines came. */
  private flushRun(): void {
    this.logFlush = undefined;
    const run = xenRun(this.runtime.world);
    const lines = run.log.lines;
    while (this.sentLines < lines.length) {
      const first = this.sentLines;
      const batch = lines.slice(first, first + MAX_LOG_ENTRIES_PER_EVENT).map((l) => ({ t: l.t, source: l.source, text: l.text.slice(0, 2000) }));
      this.sentLines += batch.length;
      this.event('events', { first, lines: batch });
    }
    const calls = run.hypercalls;
    while (this.sentHypercalls < calls.length) {
      const first = this.sentHypercalls;
      const records = calls.slice(first, first + MAX_LOG_ENTRIES_PER_EVENT).map((r) => ({ ...r, args: { ...r.args } }));
      this.sentHypercalls += records.length;
      this.event('hypercalls', { first, records });
    }
    if (this.ownershipDirty) {
      this.ownershipDirty = false;
      this.event('ownership', { host: run.world.profile.name, devices: run.devices() });
    }
  }

  private onTick(wallMs: number): void {
    for (const s of this.subscriptions.values()) {
      if (wallMs - s.lastSampleMs >= SAMPLE_PERIOD_MS) {
        s.lastSampleMs = wallMs;
        const point = s.sampler(wallMs);
        if (point) s.batcher.add(point);
      }
      const columns = s.batcher.take(wallMs);
      if (columns) this.emit({ type: 'series', subscription: s.id, series: s.series, columns });
    }
    this.flushTrace();
    if (wallMs - this.lastStatusMs >= STATUS_PERIOD_MS) {
      this.lastStatusMs = wallMs;
      this.event('status', this.runtime.status());
    }
  }

  private flushTrace(): void {
    const buf = this.traceBuffer;
    if (!buf || (buf.length === 0 && this.traceDropped === 0)) return;
    const records = buf.splice(0).map((r) => ({ t: r.t, name: r.name, text: r.text.slice(0, 2000), ...(r.source ? { source: r.source } : {}) }));
    this.event('trace', { records, dropped: this.traceDropped });
    this.traceDropped = 0;
  }

  private event<E extends EventName>(event: E, data: EventData<E>): void {
    this.emit({ type: 'event', event, data } as SimToClient);
  }

  private fail(id: number | null, error: ProtocolError): void {
    this.emit({ type: 'response', id, ok: false, error });
  }

  private emit(msg: SimToClient): void {
    if (!this.closed) this.send(msg);
  }
}
