/**
 * The event table: everything the simulator pushes without being asked, each with the schema
 * of its data, as the method table does for requests. Types and validation derive from here.
 */
import * as v from 'valibot';
import { SimStatus } from './common.ts';
import { EventLine, HypercallEntry } from './methods/xen.ts';
import { HostDevice } from './methods/host.ts';

/** One trace record as the event log shows it. */
export const TraceRecordData = v.strictObject({
  t: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  source: v.optional(v.pipe(v.string(), v.maxLength(200))),
  name: v.pipe(v.string(), v.maxLength(200)),
  text: v.pipe(v.string(), v.maxLength(2000)),
});

/** Records per trace event at most; the rest of a busy tick is counted in `dropped`. */
export const MAX_TRACE_RECORDS_PER_EVENT = 200;

/** Event-log lines or hypercalls per event at most; a busy moment sends several events. */
export const MAX_LOG_ENTRIES_PER_EVENT = 500;

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
  /** New event-log lines (Xen console, kernels, xend, xm, qemu-dm, hypercalls) in order; `first` is the index of the first. */
  events: v.strictObject({ first: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), lines: v.pipe(v.array(EventLine), v.maxLength(MAX_LOG_ENTRIES_PER_EVENT)) }),
  /** New hypercall-log records in order; `first` is the index of the first. */
  hypercalls: v.strictObject({ first: v.pipe(v.number(), v.safeInteger(), v.minValue(0)), records: v.pipe(v.array(HypercallEntry), v.maxLength(MAX_LOG_ENTRIES_PER_EVENT)) }),
  /** Who holds a device changed (boot, create, destroy): the Host panel's table as it is now. */
  ownership: v.strictObject({ host: v.pipe(v.string(), v.maxLength(200)), devices: v.pipe(v.array(HostDevice), v.maxLength(1024)) }),
} as const;

export type EventName = keyof typeof events;
export type EventData<E extends EventName> = v.InferOutput<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];
