/**
 * The simulator's one door for in-process callers (the `vtdw` CLI, benchmarks, golden
 * regeneration): everything they may use of the simulator is re-exported here, so the CLI never
 * reaches into the core's internals and the core can be reorganised behind this file.
 */
export { SimRuntime, type RuntimeOptions } from './runtime.ts';
export { SimSession } from './session.ts';
export { Simulation, DEFAULT_SEED } from '../engine/simulation.ts';
