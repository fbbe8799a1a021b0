/**
 * State a Xen subsystem keeps per domain outside `struct domain` (the pirq tables, the MSI
 * bindings): created empty on first use, dying with the domain object, and saved/restored as a
 * versioned plain object of named fields.
 */
import type { Domain } from './domain.ts';

export interface VersionedState {
  version: 1;
}

export interface PerDomainState<S extends VersionedState> {
  /** The domain's state (created by `empty` on first use). */
  of(d: Domain): S;
  save(d: Domain): S;
  restore(d: Domain, s: S): void;
}

export function perDomainState<S extends VersionedState>(what: string, empty: () => S): PerDomainState<S> {
  const states = new WeakMap<Domain, S>();
  const copy = (s: S): S => JSON.parse(JSON.stringify(s)) as S;
  const of = (d: Domain): S => {
    let s = states.get(d);
    if (!s) states.set(d, (s = empty()));
    return s;
  };
  return {
    of,
    save: (d) => copy(of(d)),
    restore: (d, s) => {
      if (s.version !== 1) throw new Error(`${what} snapshot of d${d.domid}: version ${String(s.version)} is not 1`);
      states.set(d, copy(s));
    },
  };
}
