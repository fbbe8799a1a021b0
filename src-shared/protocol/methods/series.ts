/** Streamed series: subscribe once, receive batched columnar frames. */
import * as v from 'valibot';
import { SeriesName } from '../common.ts';
import { MAX_SERIES_UPDATES_PER_SECOND } from '../version.ts';

export const seriesMethods = {
  'series.subscribe': {
    params: v.strictObject({
      series: SeriesName,
      /** Frames per second the client wants; capped at the protocol maximum. */
      maxRateHz: v.optional(v.pipe(v.number(), v.minValue(0.1), v.maxValue(MAX_SERIES_UPDATES_PER_SECOND))),
    }),
    result: v.strictObject({ subscription: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) }),
  },
  'series.unsubscribe': {
    params: v.strictObject({ subscription: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) }),
    result: v.strictObject({}),
  },
} as const;
