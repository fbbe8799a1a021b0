export { Engine, Timer, type EngineState, type TimerState, type TimerCallback } from './engine.ts';
export { EventQueue, type QueueEntry } from './queue.ts';
export { RandomStream, RandomStreams, type RandomStreamState } from './rng.ts';
export { Tracer, defineTrace, type TraceDef, type TraceRecord, type TraceFields, type TraceSink, type TracerState } from './trace.ts';
export { checkVersion, versioned, SnapshotRegistry, SnapshotError, type Snapshottable, type Versioned, type SnapshotComponent, type ComponentSnapshots, type RestoreWiring } from './snapshot.ts';
export { Scope, type ScopeWorld } from './scope.ts';
export { Simulation, DEFAULT_SEED, type SimulationSnapshot } from './simulation.ts';
export * from './time.ts';
