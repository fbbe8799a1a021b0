/**
 * Traces are a catalogue: each event kind is declared once, beside the component that emits it,
 * with its typed fields and a one-line format. Timeline, logs, metrics and golden tests all read
 * the same records (QEMU's trace-events file plays this role; we keep the declaration in TS).
 *
 * The tracer can fold every record into a running FNV-1a hash: two runs with the same seed and
 * inputs must produce the same hash, which is how snapshot/restore and determinism are tested.
 */
import type { Ns } from './time.ts';

export type TraceFields = Record<string, string | number | boolean>;

export interface TraceDef<F extends TraceFields> {
  readonly name: string;
  readonly format: (f: F) => string;
}

export function defineTrace<F extends TraceFields>(name: string, format: (f: F) => string): TraceDef<F> {
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(name)) throw new Error(`trace name ${name} must be dotted lower_case`);
  return { name, format };
}

export interface TraceRecord {
  t: Ns;
  /** The scope that emitted it ("dom1.vpic"), where the emitter has one. */
  source?: string;
  name: string;
  fields: TraceFields;
  text: string;
}

export type TraceListener = (r: TraceRecord) => void;

/** What a component emits through: the tracer itself, or a scope's view that names the source. */
export interface TraceSink {
  readonly active: boolean;
  emit<F extends TraceFields>(def: TraceDef<F>, fields: F): void;
}

export interface TracerState {
  version: 1;
  count: number;
  /** FNV-1a state as 8 hex digits. */
  hash: string;
  /** The ring's records, oldest first. */
  ring: TraceRecord[];
}

export class Tracer implements TraceSink {
  private readonly listeners = new Set<TraceListener>();
  private readonly ring: (TraceRecord | undefined)[];
  private ringNext = 0;
  private hashState = 0x811c9dc5;
  private count = 0;
  /** Whether records are kept and hashed; off costs one branch per emit. */
  enabled = true;

  /**
   * Whether anyone would see a record now (kept, or a listener attached). Hot paths test this
   * before building a record's fields, so a disabled tracer costs one branch per event.
   */
  get active(): boolean {
    return this.enabled || this.listeners.size > 0;
  }

  constructor(
    private readonly clock: { readonly now: Ns },
    ringSize = 4096,
  ) {
    this.ring = new Array<TraceRecord | undefined>(ringSize);
  }

  emit<F extends TraceFields>(def: TraceDef<F>, fields: F, source?: string): void {
    if (!this.active) return;
    const rec: TraceRecord = { t: this.clock.now, name: def.name, fields, text: def.format(fields) };
    if (source !== undefined) rec.source = source;
    if (this.enabled) {
      this.count++;
      this.ring[this.ringNext] = rec;
      this.ringNext = (this.ringNext + 1) % this.ring.length;
      this.fold(source === undefined ? `${rec.t} ${rec.name} ${rec.text}\n` : `${rec.t} ${source} ${rec.name} ${rec.text}\n`);
    }
    for (const l of this.listeners) l(rec);
  }

  /** Subscribes to records; returns the unsubscribe function. */
  on(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last `n` records, oldest first. */
  recent(n = this.ring.length): TraceRecord[] {
    const out: TraceRecord[] = [];
    const len = this.ring.length;
    for (let i = 0; i < len; i++) {
      const r = this.ring[(this.ringNext + i) % len];
      if (r) out.push(r);
    }
    return out.slice(-n);
  }

  get recordCount(): number {
    return this.count;
  }

  /** Hex digest of every record emitted so far. */
  get hash(): string {
    return this.hashState.toString(16).padStart(8, '0') + ':' + this.count;
  }

  save(): TracerState {
    return { version: 1, count: this.count, hash: this.hashState.toString(16).padStart(8, '0'), ring: this.recent() };
  }

  /** Count, hash and ring continue from the snapshot; listeners stay (they belong to this process). */
  restore(s: TracerState): void {
    if (!/^[0-9a-f]{8}$/.test(s.hash)) throw new Error(`tracer snapshot: hash "${s.hash}" is not 8 hex digits`);
    if (!Number.isSafeInteger(s.count) || s.count < 0) throw new Error(`tracer snapshot: count ${s.count} is not a record count`);
    this.count = s.count;
    this.hashState = parseInt(s.hash, 16) >>> 0;
    this.ring.fill(undefined);
    const kept = s.ring.slice(-this.ring.length);
    kept.forEach((r, i) => (this.ring[i] = r));
    this.ringNext = kept.length % this.ring.length;
  }

  private fold(s: string): void {
    let h = this.hashState;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    this.hashState = h >>> 0;
  }
}
