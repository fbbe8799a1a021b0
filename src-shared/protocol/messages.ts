/**
 * Envelopes and their validation. Renderer → sim: requests. Sim → renderer: responses (to a
 * request id), events (pushed state) and series frames (batched samples of a subscription).
 * Both ends run every incoming message through `parse*`, which never throws: a bad message
 * becomes a ProtocolError naming the field.
 */
import * as v from 'valibot';
import { ProtocolError, RequestId, SeriesName } from './common.ts';
import { methods } from './methods/index.ts';
import { eventNames, events, type EventData, type EventName } from './events.ts';
import { seriesColumns } from './series-catalogue.ts';

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = v.InferOutput<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = v.InferOutput<(typeof methods)[M]['result']>;

export const methodNames = Object.keys(methods) as MethodName[];

export type Request = { [M in MethodName]: { type: 'request'; id: number; method: M; params: Params<M> } }[MethodName];

export type Response =
  | { [M in MethodName]: { type: 'response'; id: number; method: M; ok: true; result: Result<M> } }[MethodName]
  | { type: 'response'; id: number | null; ok: false; error: ProtocolError };

const RequestSchemas = Object.fromEntries(
  methodNames.map((m) => [
    m,
    v.strictObject({ type: v.literal('request'), id: RequestId, method: v.literal(m), params: methods[m].params }),
  ]),
) as unknown as Record<MethodName, v.GenericSchema<unknown, Request>>;

const OkResponseSchemas = Object.fromEntries(
  methodNames.map((m) => [
    m,
    v.strictObject({
      type: v.literal('response'),
      id: RequestId,
      method: v.literal(m),
      ok: v.literal(true),
      result: methods[m].result,
    }),
  ]),
) as unknown as Record<MethodName, v.GenericSchema<unknown, Response>>;

const ErrorResponseSchema = v.strictObject({
  type: v.literal('response'),
  id: v.nullable(RequestId),
  ok: v.literal(false),
  error: ProtocolError,
});

export type SimEvent = { [E in EventName]: { type: 'event'; event: E; data: EventData<E> } }[EventName];
export type StatusEvent = Extract<SimEvent, { event: 'status' }>;

const EventSchemas = Object.fromEntries(
  eventNames.map((e) => [e, v.strictObject({ type: v.literal('event'), event: v.literal(e), data: events[e] })]),
) as unknown as Record<EventName, v.GenericSchema<unknown, SimEvent>>;

/** A batch of samples, column-wise: exactly the series' catalogue columns, one value per sample each. */
export const SeriesFrame = v.pipe(
  v.strictObject({
    type: v.literal('series'),
    subscription: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
    series: SeriesName,
    columns: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9]*$/)), v.array(v.number())),
  }),
  v.check((f) => {
    const want = seriesColumns(f.series);
    const got = Object.keys(f.columns);
    return got.length === want.length && want.every((c) => Object.hasOwn(f.columns, c));
  }, 'columns: must be exactly the columns the series catalogue gives this series'),
  v.check((f) => {
    const lengths = new Set(Object.values(f.columns).map((c) => c.length));
    return lengths.size <= 1;
  }, 'columns: every column must have the same length'),
);

export type SeriesFrame = v.InferOutput<typeof SeriesFrame>;
export type SimToClient = Response | SimEvent | SeriesFrame;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError; id: number | null };

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): { message: string; path?: string } {
  // Report the deepest issue first: for a union the leaf says what was actually wrong.
  const issue = issues[0];
  const path = v.getDotPath(issue) ?? undefined;
  const where = path ? `${path}: ` : '';
  return { message: `${where}${issue.message}`, path };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function idOf(raw: Record<string, unknown>): number | null {
  return typeof raw.id === 'number' && Number.isSafeInteger(raw.id) && raw.id >= 0 ? raw.id : null;
}

function malformed(message: string, path: string | undefined, id: number | null): ParseResult<never> {
  return { ok: false, id, error: path === undefined ? { code: 'malformed', message } : { code: 'malformed', message, path } };
}

/** Validates a message arriving at the simulator. */
export function parseRequest(raw: unknown): ParseResult<Request> {
  if (!isRecord(raw)) return malformed('message: expected an object', 'message', null);
  const id = idOf(raw);
  if (raw.type !== 'request') return malformed(`type: expected "request", got ${JSON.stringify(raw.type)}`, 'type', id);
  if (typeof raw.method !== 'string') return malformed('method: expected a string', 'method', id);
  if (!Object.hasOwn(methods, raw.method)) {
    return { ok: false, id, error: { code: 'unknown-method', message: `method: unknown method "${raw.method.slice(0, 80)}"`, path: 'method' } };
  }
  const r = v.safeParse(RequestSchemas[raw.method as MethodName], raw);
  if (r.success) return { ok: true, value: r.output };
  const { message, path } = describeIssues(r.issues);
  return { ok: false, id, error: { code: path?.startsWith('params') ? 'bad-params' : 'malformed', message, ...(path ? { path } : {}) } };
}

/** Validates a message arriving at the renderer or CLI. */
export function parseSimMessage(raw: unknown): ParseResult<SimToClient> {
  if (!isRecord(raw)) return malformed('message: expected an object', 'message', null);
  const id = idOf(raw);
  let schema: v.GenericSchema<unknown, SimToClient>;
  switch (raw.type) {
    case 'response':
      if (raw.ok === false) schema = ErrorResponseSchema;
      else if (typeof raw.method === 'string' && Object.hasOwn(methods, raw.method)) schema = OkResponseSchemas[raw.method as MethodName];
      else return malformed(`method: unknown method ${JSON.stringify(raw.method)} in response`, 'method', id);
      break;
    case 'event':
      if (typeof raw.event === 'string' && Object.hasOwn(events, raw.event)) schema = EventSchemas[raw.event as EventName];
      else return malformed(`event: unknown event ${JSON.stringify(raw.event)?.slice(0, 80)} (known: ${eventNames.join(', ')})`, 'event', id);
      break;
    case 'series':
      schema = SeriesFrame;
      break;
    default:
      return malformed(`type: expected "response", "event" or "series", got ${JSON.stringify(raw.type)}`, 'type', id);
  }
  const r = v.safeParse(schema, raw);
  if (r.success) return { ok: true, value: r.output };
  const { message, path } = describeIssues(r.issues);
  return malformed(message, path, id);
}

/** Validates the params of an outgoing request before it leaves (catches bugs at the sender). */
export function checkParams<M extends MethodName>(method: M, params: unknown): ProtocolError | null {
  const r = v.safeParse(methods[method].params, params);
  if (r.success) return null;
  const { message, path } = describeIssues(r.issues);
  return { code: 'bad-params', message: `params.${message}`, ...(path ? { path: `params.${path}` } : {}) };
}
