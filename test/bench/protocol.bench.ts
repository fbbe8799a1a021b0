/** protocol.messagesPerSecond: encode (JSON) + decode + schema validation, for a typical message mix. */
import { parseRequest, parseSimMessage, PROTOCOL_VERSION } from '../../src-shared/protocol/index.ts';
import { opsPerSecond, type Figures } from './measure.ts';

const status = { state: 'running', virtualNs: 123_456_789, speed: 1, seed: 2007, eventsDispatched: 987_654, host: 'seed-core2-q35' };
const toSim = [
  { type: 'request', id: 41, method: 'sim.setSpeed', params: { speed: 10 } },
  { type: 'request', id: 42, method: 'series.subscribe', params: { series: 'heartbeat', maxRateHz: 30 } },
  { type: 'request', id: 43, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'bench' } },
];
const toClient = [
  { type: 'event', event: 'status', data: status },
  { type: 'series', subscription: 1, series: 'heartbeat', columns: { wallMs: [1, 2, 3], virtualNs: [10, 20, 30], eventsPerSecond: [1e6, 1e6, 1e6], achievedSpeed: [1, 1, 1] } },
  { type: 'response', id: 41, method: 'sim.setSpeed', ok: true, result: status },
];

function messagesPerSecond(): number {
  return opsPerSecond(() => {
    let n = 0;
    for (let i = 0; i < 200; i++) {
      for (const m of toSim) {
        if (!parseRequest(JSON.parse(JSON.stringify(m))).ok) throw new Error('bench message rejected');
        n++;
      }
      for (const m of toClient) {
        if (!parseSimMessage(JSON.parse(JSON.stringify(m))).ok) throw new Error('bench message rejected');
        n++;
      }
    }
    return n;
  });
}

export const figures: Figures = {
  'protocol.messagesPerSecond': messagesPerSecond,
};
