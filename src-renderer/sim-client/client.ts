/**
 * The renderer's one door to the simulator. It owns the transport, validates every incoming
 * message against the protocol schemas, performs the hello handshake, matches responses to
 * requests, keeps series subscriptions alive across reconnects, and reconnects with backoff
 * when the simulator dies. Stores and views use it; none of them touches a port or socket.
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
}

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
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  state: ConnectionState = { phase: 'connecting', attempt: 0 };

  constructor(
    private readonly connector: Connector,
    private readonly clientName = 'vtd-workbench-renderer',
    private readonly protocolVersion = PROTOCOL_VERSION,
  ) {}

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
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
      t.send({ type: 'request', id, method, params });
    });
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
    try {
      transport = await this.connector({ onMessage: (m) => this.receive(m), onClose: (r) => this.lost(r) });
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
      if (err instanceof SimCallError && err.error.code === 'version-mismatch') {
        this.stopped = true;
        transport.close();
        this.setState({ phase: 'incompatible', message: err.error.message });
      }
    }
  }

  private lost(reason: string): void {
    this.transport = undefined;
    for (const p of this.pending.values()) p.reject(new SimCallError({ code: 'internal', message: `${p.method}: ${reason}` }));
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
      const p = parsed.id === null ? undefined : this.pending.get(parsed.id);
      if (p && parsed.id !== null) {
        this.pending.delete(parsed.id);
        p.reject(new SimCallError(parsed.error));
      }
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case 'response': {
        if (msg.id === null) {
          for (const l of this.invalidListeners) l(msg.ok ? { code: 'internal', message: 'response without id' } : msg.error);
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new SimCallError(msg.error));
        return;
      }
      case 'event':
        for (const l of this.statusListeners) l(msg.data);
        return;
      case 'series':
        this.byServerId.get(msg.subscription)?.onFrame(msg.columns);
        return;
    }
  }
}
