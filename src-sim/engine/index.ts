export { Engine, Timer, type EngineState, type TimerState, type TimerCallback } from './engine.ts';
export { EventQueue, type QueueEntry } from './queue.ts';
export { RandomStream, RandomStreams, type RandomStreamState } from './rng.ts';
export { Tracer, defineTrace, type TraceDef, type TraceRecord, type TraceFields } from './trace.ts';
export { checkVersion, type Snapshottable, type Versioned } from './snapshot.ts';
export * from './time.ts';
