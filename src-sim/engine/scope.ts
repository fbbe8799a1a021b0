/**
 * A scope is a named part of the world ("pc.ioapic", "dom1.vpic", "pci.0000:02:00.0"): its
 * timers are named under it, its trace records carry it as their source, its snapshot
 * components are registered under it, and tearing it down removes all of them, so destroying
 * a domain leaves no timer armed and no component registered behind it (ns-3 Node disposal,
 * QEMU's object_unparent of a device and its timers).
 */
import type { Engine, Timer, TimerCallback } from './engine.ts';
import type { RandomStreams } from './rng.ts';
import type { SnapshotComponent, SnapshotRegistry } from './snapshot.ts';
import type { TraceDef, TraceFields, Tracer, TraceSink } from './trace.ts';

export interface ScopeWorld {
  readonly engine: Engine;
  readonly tracer: Tracer;
  readonly rng: RandomStreams;
  readonly snapshots: SnapshotRegistry;
}

const SCOPE_NAME = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;

export class Scope implements TraceSink {
  private readonly timers: Timer[] = [];
  private readonly components: string[] = [];
  private readonly children = new Set<Scope>();
  private disposed = false;

  constructor(
    readonly world: ScopeWorld,
    /** The full dotted name; the instance name of whatever lives in this scope. */
    readonly name: string,
    private readonly parent?: Scope,
  ) {
    if (!SCOPE_NAME.test(name)) throw new Error(`scope name "${name}" must be dotted words of letters, digits, "_", ":" or "-"`);
  }

  get engine(): Engine {
    return this.world.engine;
  }

  get rng(): RandomStreams {
    return this.world.rng;
  }

  /** This scope as a trace sink: records carry the scope's name as their source. */
  get tracer(): TraceSink {
    return this;
  }

  get active(): boolean {
    return this.world.tracer.active;
  }

  emit<F extends TraceFields>(def: TraceDef<F>, fields: F): void {
    this.world.tracer.emit(def, fields, this.name);
  }

  /** `local` under this scope's name: "itr" in "pci.0000:02:00.0" is "pci.0000:02:00.0.itr". */
  qualify(local: string): string {
    return `${this.name}.${local}`;
  }

  timer(local: string, callback: TimerCallback): Timer {
    this.live();
    const t = this.world.engine.timer(this.qualify(local), callback);
    this.timers.push(t);
    return t;
  }

  /** Registers this scope's state (or a part of it, under `local`) for world snapshots. */
  register<S>(component: SnapshotComponent<S>, local?: string): void {
    this.live();
    const id = local === undefined ? this.name : this.qualify(local);
    this.world.snapshots.register(id, component);
    this.components.push(id);
  }

  scope(local: string): Scope {
    this.live();
    const child = new Scope(this.world, this.qualify(local), this);
    this.children.add(child);
    return child;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Tears down children first, then cancels and forgets this scope's timers and components. */
  dispose(): void {
    if (this.disposed) return;
    for (const c of [...this.children]) c.dispose();
    for (const t of this.timers) this.world.engine.destroyTimer(t);
    for (const id of this.components) this.world.snapshots.unregister(id);
    this.timers.length = 0;
    this.components.length = 0;
    this.disposed = true;
    this.parent?.children.delete(this);
  }

  private live(): void {
    if (this.disposed) throw new Error(`scope ${this.name} was torn down`);
  }
}
