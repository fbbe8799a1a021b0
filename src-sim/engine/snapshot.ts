/**
 * Snapshot conventions. Every stateful component exposes `save()` returning a versioned plain
 * object of named fields and `restore(state)` that rebuilds itself from one; derived values
 * (an IRQ level, a cached translation) are recomputed after restore rather than stored.
 * Snapshots nest by component id, so a machine snapshot is `{ [id]: componentState }`.
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
