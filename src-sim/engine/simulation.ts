/**
 * One simulation run: the engine, the run's seeded random streams and its tracer. Everything a
 * model needs from "the world" comes from here, so a headless test, the utility process and
 * the CLI build the same thing.
 */
import { Engine } from './engine.ts';
import { RandomStreams } from './rng.ts';
import { Tracer } from './trace.ts';

export const DEFAULT_SEED = 2007;

export class Simulation {
  readonly engine = new Engine();
  readonly rng: RandomStreams;
  readonly tracer: Tracer;

  constructor(readonly seed: number = DEFAULT_SEED) {
    this.rng = new RandomStreams(seed);
    this.tracer = new Tracer(this.engine);
  }
}
