/**
 * The renderer's one door to the simulator. It owns the transport, validates every incoming
 * message against the protocol schemas, performs the hello handshake, matches responses to
 * requests (a reply must answer the method asked, within a deadline), keeps series
 * subscriptions alive across reconnects, and reconnects with backoff when the simulator dies or
 * the handshake fails. Stores and views use it; none of them touches a port or socket.
 */
import {
  PROTOCOL_VERSION,
  checkParams,
  parseSimMessage,
  type MethodName,
  type Params,
  type ProtocolError,
  type Result,
  type SeriesFrame,
  type SeriesName,
  type SimStatus,
  type EventData,
  type EventName,
} from '../../src-shared/protocol/index.ts';
import type { Connector, Transport } from './transport.ts';

export type ConnectionState =
  | { phase: 'connecting'; attempt: number }
  | { phase: 'connected'; transport: Transport['kind']; protocolVersion: number; simVersion: string }
  | { phase: 'lost'; reason: string; retryInMs: number; attempt: number }
  | { phase: 'incompatible'; message: string };

export class SimCallError extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
  }
}

interface Pending {
  method: MethodName;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SimClientOptions {
  clientName?: string;
  protocolVersion?: number;
  /** How long a request may wait for its answer before it fails (methods that run time wait longer). */
  timeoutMs?: number;
}

/** Default deadline for an answer; generous, since a busy simulator answers between slices. */
const DEFAULT_TIMEOUT_MS = 15_000;

interface SeriesIntent {
  series: SeriesName;
  maxRateHz?: number;
  onFrame: (columns: SeriesFrame['columns']) => void;
  /** The simulator's id for the current connection, if subscribed. */
  current?: number;
}

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;

export class SimClient {
  private transport: Transport | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly intents = new Set<SeriesIntent>();
  private readonly byServerId = new Map<number, SeriesIntent>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly statusListeners = new Set<(s: SimStatus) => void>();
  private readonly invalidListeners = new Set<(e: ProtocolError) => void>();
  private readonly machineListeners = new Set<(d: EventData<'machine-changed'>) => void>();
  private readonly traceListeners = new Set<(d: EventData<'trace'>) => void>();
  private readonly eventListeners = new Map<EventName, Set<(d: never) => void>>();
  private readonly clientName: string;
  private readonly protocolVersion: number;
  private readonly timeoutMs: number;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  state: ConnectionState = { phase: 'connecting', attempt: 0 };

  constructor(
    private readonly connector: Connector,
    opts: SimClientOptions = {},
  ) {
    this.clientName = opts.clientName ?? 'vtd-workbench-renderer';
    this.protocolVersion = opts.protocolVersion ?? PROTOCOL_VERSION;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.transport?.close();
    this.transport = undefined;
  }

  onState(cb: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(cb);
    cb(this.state);
    return () => this.stateListeners.delete(cb);
  }

  onStatus(cb: (s: SimStatus) => void): () => void {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  /** Another machine was powered on (by this window or another). */
  onMachineChanged(cb: (d: EventData<'machine-changed'>) => void): () => void {
    this.machineListeners.add(cb);
    return () => this.machineListeners.delete(cb);
  }

  /** Trace records, for a client that asked with `trace.follow`. */
  onTrace(cb: (d: EventData<'trace'>) => void): () => void {
    this.traceListeners.add(cb);
    return () => this.traceListeners.delete(cb);
  }

  /** Any event of the table by name (the Xen host's `events`, `hypercalls`, `ownership` …). */
  onEvent<E extends EventName>(event: E, cb: (d: EventData<E>) => void): () => void {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  /** Messages that failed validation (they are dropped; this is for the UI to say so). */
  onInvalidMessage(cb: (e: ProtocolError) => void): () => void {
    this.invalidListeners.add(cb);
    return () => this.invalidListeners.delete(cb);
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const bad = checkParams(method, params);
    if (bad) return Promise.reject(new SimCallError(bad));
    if (this.state.phase !== 'connected' && method !== 'hello') {
      return Promise.reject(new SimCallError({ code: 'internal', message: `${method}: not connected to the simulator` }));
    }
    return this.rawCall(method, params) as Promise<Result<M>>;
  }

  /** Subscribes to a series for as long as the returned function is not called. */
  subscribe(series: SeriesName, onFrame: SeriesIntent['onFrame'], maxRateHz?: number): () => void {
    const intent: SeriesIntent = { series, onFrame, maxRateHz };
    this.intents.add(intent);
    if (this.state.phase === 'connected') void this.activate(intent);
    return () => {
      this.intents.delete(intent);
      if (intent.current !== undefined) {
        this.byServerId.delete(intent.current);
        if (this.state.phase === 'connected') void this.call('series.unsubscribe', { subscription: intent.current }).catch(() => undefined);
      }
    };
  }

  private rawCall(method: MethodName, params: unknown): Promise<unknown> {
    const t = this.transport;
    if (!t) return Promise.reject(new SimCallError({ code: 'internal', message: `${method}: not connected to the simulator` }));
    const id = this.nextId++;
    // sim.runFor answers after the virtual time has run: its deadline grows with the span.
    const runNs = method === 'sim.runFor' ? (params as { ns: number }).ns : 0;
    const timeoutMs = this.timeoutMs + Math.ceil(runNs / 1e5);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SimCallError({ code: 'timeout', message: `${method}: no answer from the simulator within ${timeoutMs} ms` }));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      t.send({ type: 'request', id, method, params });
    });
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  private async activate(intent: SeriesIntent): Promise<void> {
    try {
      const params = intent.maxRateHz === undefined ? { series: intent.series } : { series: intent.series, maxRateHz: intent.maxRateHz };
      const { subscription } = await this.call('series.subscribe', params);
      if (!this.intents.has(intent)) return;
      intent.current = subscription;
      this.byServerId.set(subscription, intent);
    } catch {
      // The connection dropped mid-call; the reconnect will subscribe again.
    }
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private async connect(): Promise<void> {
    this.setState({ phase: 'connecting', attempt: this.attempt });
    let transport: Transport;
    // A transport we gave up on (a failed handshake) must not report its close as a second loss.
    let current = true;
    try {
      transport = await this.connector({ onMessage: (m) => current && this.receive(m), onClose: (r) => current && this.lost(r) });
    } catch (err) {
      this.lost(err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.stopped) return transport.close();
    this.transport = transport;
    try {
      const hello = (await this.rawCall('hello', { protocolVersion: this.protocolVersion, client: this.clientName })) as Result<'hello'>;
      this.attempt = 0;
      this.setState({ phase: 'connected', transport: transport.kind, protocolVersion: hello.protocolVersion, simVersion: hello.simVersion });
      for (const l of this.statusListeners) l(hello.status);
      this.byServerId.clear();
      for (const intent of this.intents) void this.activate(intent);
    } catch (err) {
      current = false;
      transport.close();
      if (err instanceof SimCallError && err.error.code === 'version-mismatch') {
        this.stopped = true;
        this.transport = undefined;
        this.setState({ phase: 'incompatible', message: err.error.message });
      } else {
        // Whatever else went wrong (an error reply, a malformed one, no reply), leave "connecting" and say why.
        this.lost(`the simulator did not complete the handshake: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private lost(reason: string): void {
    this.transport = undefined;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new SimCallError({ code: 'internal', message: `${p.method}: ${reason}` }));
    }
    this.pending.clear();
    for (const i of this.intents) i.current = undefined;
    this.byServerId.clear();
    if (this.stopped) return;
    const retryInMs = Math.min(BACKOFF_START_MS * 2 ** this.attempt, BACKOFF_MAX_MS);
    this.attempt++;
    this.setState({ phase: 'lost', reason, retryInMs, attempt: this.attempt });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
  }

  private receive(raw: unknown): void {
    const parsed = parseSimMessage(raw);
    if (!parsed.ok) {
      for (const l of this.invalidListeners) l(parsed.error);
      // A response we cannot read still settles its request, so no caller waits forever.
      const p = parsed.id === null ? undefined : this.settle(parsed.id);
      p?.reject(new SimCallError(parsed.error));
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case 'response': {
        if (msg.id === null) {
          for (const l of this.invalidListeners) l(msg.ok ? { code: 'internal', message: 'response without id' } : msg.error);
          return;
        }
        const p = this.settle(msg.id);
        if (!p) return;
        if (!msg.ok) p.reject(new SimCallError(msg.error));
        else if (msg.method !== p.method) {
          const error: ProtocolError = { code: 'malformed', message: `response ${msg.id} answers ${msg.method}, but request ${msg.id} was ${p.method}`, path: 'method' };
          for (const l of this.invalidListeners) l(error);
          p.reject(new SimCallError(error));
        } else p.resolve(msg.result);
        return;
      }
      case 'event':
        if (msg.event === 'status') for (const l of this.statusListeners) l(msg.data);
        else if (msg.event === 'machine-changed') {
          for (const l of this.statusListeners) l(msg.data.status);
          for (const l of this.machineListeners) l(msg.data);
        } else if (msg.event === 'trace') for (const l of this.traceListeners) l(msg.data);
        for (const l of this.eventListeners.get(msg.event) ?? []) (l as (d: unknown) => void)(msg.data);
        return;
      case 'series':
        this.byServerId.get(msg.subscription)?.onFrame(msg.columns);
        return;
    }
  }
}
