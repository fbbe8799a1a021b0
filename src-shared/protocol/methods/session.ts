/** Handshake and run control. */
import * as v from 'valibot';
import { SimStatus, Speed } from '../common.ts';

const Empty = v.strictObject({});

export const sessionMethods = {
  hello: {
    params: v.strictObject({
      protocolVersion: v.pipe(v.number(), v.safeInteger()),
      client: v.pipe(v.string(), v.maxLength(200)),
    }),
    result: v.strictObject({
      protocolVersion: v.pipe(v.number(), v.safeInteger()),
      simVersion: v.string(),
      status: SimStatus,
    }),
  },
  'sim.status': { params: Empty, result: SimStatus },
  'sim.setSpeed': { params: v.strictObject({ speed: Speed }), result: SimStatus },
  'sim.pause': { params: Empty, result: SimStatus },
  'sim.resume': { params: Empty, result: SimStatus },
  /** Runs the paused machine for `ns` of virtual time as fast as it goes, then answers. */
  'sim.runFor': { params: v.strictObject({ ns: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(60_000_000_000)) }), result: SimStatus },
  /** Whether this session receives the trace as `trace` events. */
  'trace.follow': { params: v.strictObject({ follow: v.boolean() }), result: v.strictObject({ following: v.boolean() }) },
} as const;
