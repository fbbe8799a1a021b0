/**
 * One simulation run: the engine, the run's seeded random streams, its tracer and the snapshot
 * registry. Everything a model needs from "the world" comes from here, so a headless test, the
 * utility process and the CLI build the same thing. The engine, the streams and the tracer
 * register themselves, so a world snapshot always carries clock, pending timers, stream states
 * and the trace hash.
 */
import { Engine } from './engine.ts';
import { RandomStreams } from './rng.ts';
import { Scope } from './scope.ts';
import { SnapshotRegistry, type ComponentSnapshots } from './snapshot.ts';
import { Tracer } from './trace.ts';

export const DEFAULT_SEED = 2007;

export interface SimulationSnapshot {
  format: 'vtdw-world';
  version: 1;
  seed: number;
  components: ComponentSnapshots;
}

export class Simulation {
  readonly engine = new Engine();
  readonly rng: RandomStreams;
  readonly tracer: Tracer;
  readonly snapshots = new SnapshotRegistry();

  constructor(readonly seed: number = DEFAULT_SEED) {
    this.rng = new RandomStreams(seed);
    this.tracer = new Tracer(this.engine);
    this.snapshots.register('engine', { version: 1, save: () => this.engine.save(), restore: (s) => this.engine.restore(s), restoreOrder: 100, target: this.engine });
    this.snapshots.register('rng', { version: 1, save: () => this.rng.save(), restore: (s) => this.rng.restore(s), target: this.rng });
    this.snapshots.register('tracer', { version: 1, save: () => this.tracer.save(), restore: (s) => this.tracer.restore(s), target: this.tracer });
  }

  /** A named part of the world: timers, trace source and snapshot ids under `name`. */
  scope(name: string): Scope {
    return new Scope(this, name);
  }

  save(): SimulationSnapshot {
    return { format: 'vtdw-world', version: 1, seed: this.seed, components: this.snapshots.save() };
  }

  /** Restores into a world built the same way (same profile, same components registered). */
  restore(s: SimulationSnapshot): void {
    if (s?.format !== 'vtdw-world') throw new Error('world snapshot: format is not "vtdw-world"');
    if (s.version !== 1) throw new Error(`world snapshot: version ${s.version}, this build reads version 1`);
    if (s.seed !== this.seed) throw new Error(`world snapshot: taken with seed ${s.seed}, this world runs seed ${this.seed}`);
    this.snapshots.restore(s.components);
  }
}
