/** Schemas shared by several methods and events. */
import * as v from 'valibot';
import { SERIES_NAMES } from './series-catalogue.ts';

export const RequestId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** Paced runs use a factor of real time; "max" runs as fast as the host allows. */
export const Speed = v.union([v.pipe(v.number(), v.finite(), v.minValue(0.001), v.maxValue(1_000_000)), v.literal('max')]);
export type Speed = v.InferOutput<typeof Speed>;

export const SimStatus = v.strictObject({
  state: v.picklist(['running', 'paused']),
  /** Virtual time in integer ns. */
  virtualNs: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  speed: Speed,
  seed: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  eventsDispatched: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  /** The host profile of the powered-on machine. */
  host: v.pipe(v.string(), v.maxLength(200)),
});
export type SimStatus = v.InferOutput<typeof SimStatus>;

export const SeriesName = v.picklist(SERIES_NAMES, (i) => `unknown series ${String(i.input).slice(0, 80)} (known: ${SERIES_NAMES.join(', ')})`);
export type SeriesName = v.InferOutput<typeof SeriesName>;

export const ErrorCode = v.picklist([
  'malformed',
  'unknown-method',
  'version-mismatch',
  'no-hello',
  'bad-params',
  'not-found',
  'busy',
  'timeout',
  'internal',
]);
export type ErrorCode = v.InferOutput<typeof ErrorCode>;

export const ProtocolError = v.strictObject({
  code: ErrorCode,
  message: v.string(),
  /** Dotted path of the offending field, when a schema check failed. */
  path: v.optional(v.string()),
});
export type ProtocolError = v.InferOutput<typeof ProtocolError>;
