/**
 * The event table: everything the simulator pushes without being asked, each with the schema
 * of its data, as the method table does for requests. Types and validation derive from here.
 */
import * as v from 'valibot';
import { SimStatus } from './common.ts';

/** One trace record as the event log shows it. */
export const TraceRecordData = v.strictObject({
  t: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  source: v.optional(v.pipe(v.string(), v.maxLength(200))),
  name: v.pipe(v.string(), v.maxLength(200)),
  text: v.pipe(v.string(), v.maxLength(2000)),
});

/** Records per trace event at most; the rest of a busy tick is counted in `dropped`. */
export const MAX_TRACE_RECORDS_PER_EVENT = 200;

export const events = {
  /** Run state, pushed on change and a few times a second while running. */
  status: SimStatus,
  /** Another machine was powered on: the host table and every series start again. */
  'machine-changed': v.strictObject({ host: v.pipe(v.string(), v.maxLength(200)), status: SimStatus }),
  /** Trace records since the last event, for a session that asked to follow the trace. */
  trace: v.strictObject({
    records: v.pipe(v.array(TraceRecordData), v.maxLength(MAX_TRACE_RECORDS_PER_EVENT)),
    dropped: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventData<E extends EventName> = v.InferOutput<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];
