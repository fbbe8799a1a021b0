/**
 * Test support: a SimSession on a fresh SimRuntime, greeted, with every message it sends checked
 * by the client's own validation, and `call` that waits for a request's answer.
 */
import { afterEach } from 'vitest';
import { SimRuntime } from '../../../src-sim/host/runtime.ts';
import { SimSession } from '../../../src-sim/host/session.ts';
import { parseSimMessage, PROTOCOL_VERSION, type SimToClient } from '../../../src-shared/protocol/index.ts';

let runtime: SimRuntime | undefined;
afterEach(() => runtime?.dispose());

export type Response = Extract<SimToClient, { type: 'response' }>;

/** `patience`: 5 ms polls before `call` gives up (methods that run virtual time take longer). */
export function openSession(opts: ConstructorParameters<typeof SimRuntime>[0] = { paused: true }, patience = 200) {
  runtime = new SimRuntime(opts);
  const sent: SimToClient[] = [];
  const session = new SimSession(runtime, (m) => {
    // Everything the simulator says must pass the client's own validation.
    const checked = parseSimMessage(JSON.parse(JSON.stringify(m)));
    if (!checked.ok) throw new Error(`simulator sent an invalid message: ${checked.error.message}`);
    sent.push(m);
  });
  let id = 1;
  const call = async (method: string, params: unknown): Promise<Response> => {
    const my = ++id;
    session.handle({ type: 'request', id: my, method, params });
    for (let i = 0; i < patience; i++) {
      const r = sent.find((m) => m.type === 'response' && m.id === my);
      if (r) return r as Response;
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`no answer to ${method}`);
  };
  session.handle({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 't' } });
  return { session, sent, call, runtime };
}
