/**
 * Snapshots by registry. Every stateful component registers once, under a stable dotted id
 * ("engine", "pci.0000:02:00.0", "dom1.vpic"), with the version of its state and its own
 * save/restore (QEMU's vmstate_register with a VMStateDescription per device). A world snapshot
 * is `{ [id]: { version, state } }`; restore checks the whole snapshot against the registry
 * before touching anything, so a refused snapshot changes nothing, and every error names the id.
 *
 * Components are rebuilt by construction (the same profile, the same wiring) before restore; a
 * component's restore receives the registry as its wiring, to look its peers up by id.
 */
export interface Snapshottable<S> {
  save(): S;
  restore(state: S): void;
}

export interface Versioned {
  readonly version: number;
}

/** Refuses a state whose version this build cannot read; a silent partial restore is worse. */
export function checkVersion(component: string, state: Versioned, expected: number): void {
  if (state.version !== expected) {
    throw new Error(`${component}: snapshot version ${state.version}, this build reads version ${expected}`);
  }
}

/** What a restore may reach besides its own state: its peers, by id. */
export interface RestoreWiring {
  component<T = unknown>(id: string): T;
}

export interface SnapshotComponent<S = unknown> {
  /** The version of the state `save` returns; a snapshot of another version is refused. */
  readonly version: number;
  save(): S;
  restore(state: S, wiring: RestoreWiring): void;
  /**
   * Restore order: lower first. Devices are 0; the engine is last (100) because it re-arms
   * timers that their owners must already hold.
   */
  readonly restoreOrder?: number;
  /** The live object, for `RestoreWiring.component`. */
  readonly target?: unknown;
}

export interface ComponentSnapshot {
  version: number;
  state: unknown;
}

export type ComponentSnapshots = Record<string, ComponentSnapshot>;

const ID = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;

export class SnapshotError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(`snapshot component "${id}": ${message}`);
    this.name = 'SnapshotError';
  }
}

export class SnapshotRegistry implements RestoreWiring {
  private readonly entries = new Map<string, SnapshotComponent>();

  register<S>(id: string, component: SnapshotComponent<S>): void {
    if (!ID.test(id)) throw new SnapshotError(id, 'an id is dotted words of letters, digits, "_", ":" or "-"');
    if (this.entries.has(id)) throw new SnapshotError(id, 'registered twice');
    if (!Number.isSafeInteger(component.version) || component.version < 1) throw new SnapshotError(id, `version ${component.version} is not a positive integer`);
    this.entries.set(id, component as SnapshotComponent);
  }

  unregister(id: string): void {
    this.entries.delete(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get ids(): string[] {
    return [...this.entries.keys()];
  }

  component<T = unknown>(id: string): T {
    const e = this.entries.get(id);
    if (!e) throw new SnapshotError(id, 'no such component in this world');
    return (e.target ?? e) as T;
  }

  save(): ComponentSnapshots {
    const out: ComponentSnapshots = {};
    for (const [id, c] of this.entries) out[id] = { version: c.version, state: c.save() };
    return out;
  }

  /** Checks everything first (missing, unknown, version), then restores in restoreOrder. */
  restore(snap: ComponentSnapshots): void {
    if (typeof snap !== 'object' || snap === null || Array.isArray(snap)) throw new SnapshotError('(world)', 'expected an object of components by id');
    for (const id of this.entries.keys()) if (!Object.hasOwn(snap, id)) throw new SnapshotError(id, 'missing from the snapshot');
    for (const [id, cs] of Object.entries(snap)) {
      const c = this.entries.get(id);
      if (!c) throw new SnapshotError(id, 'is in the snapshot but not in this world');
      if (typeof cs !== 'object' || cs === null || cs.version !== c.version) {
        throw new SnapshotError(id, `snapshot version ${(cs as ComponentSnapshot | null)?.version}, this build reads version ${c.version}`);
      }
    }
    const order = [...this.entries].sort((a, b) => (a[1].restoreOrder ?? 0) - (b[1].restoreOrder ?? 0));
    for (const [id, c] of order) {
      try {
        c.restore(snap[id].state, this);
      } catch (err) {
        if (err instanceof SnapshotError) throw err;
        throw new SnapshotError(id, err instanceof Error ? err.message : String(err));
      }
    }
  }
}

/** Registers a component that already has versioned save()/restore() (the device convention). */
export function versioned<S extends Versioned>(version: number, target: Snapshottable<S>, restoreOrder = 0): SnapshotComponent<S> {
  return { version, save: () => target.save(), restore: (s) => target.restore(s), restoreOrder, target };
}
