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
} as const;
