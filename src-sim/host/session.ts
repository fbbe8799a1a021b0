/**
 * One connected client (a window, a browser tab, the CLI): validates each incoming message,
 * enforces the hello handshake, dispatches requests to the runtime, and streams subscriptions.
 * A bad message is answered with an error response and changes nothing; it never throws.
 */
import {
  PROTOCOL_VERSION,
  MAX_SERIES_UPDATES_PER_SECOND,
  parseRequest,
  type MethodName,
  type Params,
  type Request,
  type Result,
  type SimToClient,
  type ProtocolError,
} from '../../src-shared/protocol/index.ts';
import { APP_VERSION } from '../../src-shared/app-version.ts';
import { HeartbeatSampler, type HeartbeatPoint } from '../metrics/heartbeat.ts';
import { ColumnBatcher } from '../metrics/batcher.ts';
import type { SimRuntime } from './runtime.ts';

/** How often the status event is pushed while running, in wall ms. */
const STATUS_PERIOD_MS = 250;
const DEFAULT_SERIES_RATE_HZ = 30;
/** Heartbeat samples per wall second: enough to see pacing, few enough to read. */
const HEARTBEAT_SAMPLE_MS = 50;

/** A handler's refusal; a class so no result shape can be mistaken for it. */
class Failure {
  constructor(readonly error: ProtocolError) {}
}

type Handler<M extends MethodName> = (params: Params<M>) => Result<M> | Failure;

interface Subscription {
  id: number;
  lastSampleMs: number;
  sampler: HeartbeatSampler;
  batcher: ColumnBatcher<HeartbeatPoint & Record<string, number>>;
}

export class SimSession {
  private greeted = false;
  private closed = false;
  private nextSubscription = 1;
  private readonly subscriptions = new Map<number, Subscription>();
  private lastStatusMs = Number.NEGATIVE_INFINITY;
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly runtime: SimRuntime,
    private readonly send: (msg: SimToClient) => void,
  ) {
    this.disposers.push(runtime.pacer.onTick((wallMs) => this.onTick(wallMs)));
    this.disposers.push(runtime.onStatusChange((data) => this.emit({ type: 'event', event: 'status', data })));
    // Say something at once: hosts treat the first message as "the simulator is listening".
    this.emit({ type: 'event', event: 'status', data: runtime.status() });
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
      // A throw here is a simulator bug; report it to the client instead of dying silently.
      out = new Failure({ code: 'internal', message: `${req.method}: ${err instanceof Error ? err.message : String(err)}` });
    }
    if (out instanceof Failure) this.fail(req.id, out.error);
    else this.emit({ type: 'response', id: req.id, method: req.method, ok: true, result: out } as SimToClient);
  }

  close(): void {
    this.closed = true;
    for (const d of this.disposers) d();
    this.subscriptions.clear();
  }

  private dispatch(req: Request): unknown {
    const h = this.handlers[req.method] as Handler<MethodName>;
    return h(req.params as Params<MethodName>);
  }

  private readonly handlers: { [M in MethodName]: Handler<M> } = {
    hello: (p) => {
      if (p.protocolVersion !== PROTOCOL_VERSION) {
        return new Failure({
          code: 'version-mismatch',
          message: `protocol version mismatch: the client speaks v${p.protocolVersion}, this simulator (${APP_VERSION}) speaks v${PROTOCOL_VERSION}; restart the app so both sides come from the same build`,
        });
      }
      this.greeted = true;
      return { protocolVersion: PROTOCOL_VERSION, simVersion: APP_VERSION, status: this.runtime.status() };
    },
    'sim.status': () => this.runtime.status(),
    'sim.setSpeed': (p) => this.runtime.setSpeed(p.speed),
    'sim.pause': () => this.runtime.pause(),
    'sim.resume': () => this.runtime.resume(),
    'series.subscribe': (p) => {
      const id = this.nextSubscription++;
      const rate = Math.min(p.maxRateHz ?? DEFAULT_SERIES_RATE_HZ, MAX_SERIES_UPDATES_PER_SECOND);
      this.subscriptions.set(id, { id, lastSampleMs: Number.NEGATIVE_INFINITY, sampler: new HeartbeatSampler(this.runtime.sim.engine), batcher: new ColumnBatcher(rate) });
      return { subscription: id };
    },
    'series.unsubscribe': (p) => {
      if (!this.subscriptions.delete(p.subscription)) {
        return new Failure({ code: 'not-found', message: `params.subscription: no subscription ${p.subscription}`, path: 'params.subscription' });
      }
      return {};
    },
  };

  private onTick(wallMs: number): void {
    for (const s of this.subscriptions.values()) {
      if (wallMs - s.lastSampleMs >= HEARTBEAT_SAMPLE_MS) {
        s.lastSampleMs = wallMs;
        const point = s.sampler.sample(wallMs);
        if (point) s.batcher.add(point as HeartbeatPoint & Record<string, number>);
      }
      const columns = s.batcher.take(wallMs);
      if (columns) this.emit({ type: 'series', subscription: s.id, series: 'heartbeat', columns });
    }
    if (wallMs - this.lastStatusMs >= STATUS_PERIOD_MS) {
      this.lastStatusMs = wallMs;
      this.emit({ type: 'event', event: 'status', data: this.runtime.status() });
    }
  }

  private fail(id: number | null, error: ProtocolError): void {
    this.emit({ type: 'response', id, ok: false, error });
  }

  private emit(msg: SimToClient): void {
    if (!this.closed) this.send(msg);
  }
}
