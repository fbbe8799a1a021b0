import { afterEach, describe, expect, it } from 'vitest';
import { SimRuntime } from '../../../src-sim/host/runtime.ts';
import { SimSession } from '../../../src-sim/host/session.ts';
import { PROTOCOL_VERSION, type SimToClient } from '../../../src-shared/protocol/index.ts';

let runtime: SimRuntime | undefined;

function open() {
  runtime = new SimRuntime({ paused: true });
  const sent: SimToClient[] = [];
  const session = new SimSession(runtime, (m) => sent.push(m));
  const last = () => sent[sent.length - 1];
  return { session, sent, last, runtime };
}

afterEach(() => runtime?.dispose());

describe('a simulator session', () => {
  it('announces the run status as soon as it opens', () => {
    const { sent } = open();
    expect(sent[0]).toMatchObject({ type: 'event', event: 'status', data: { state: 'paused', virtualNs: 0, seed: 2007 } });
  });

  it('refuses requests before hello, naming the method', () => {
    const { session, last } = open();
    session.handle({ type: 'request', id: 1, method: 'sim.status', params: {} });
    expect(last()).toMatchObject({ type: 'response', id: 1, ok: false, error: { code: 'no-hello' } });
  });

  it('refuses a client that speaks another protocol version, saying both versions', () => {
    const { session, last } = open();
    session.handle({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION + 1, client: 't' } });
    const r = last();
    expect(r).toMatchObject({ ok: false, error: { code: 'version-mismatch' } });
    if (r.type === 'response' && !r.ok) expect(r.error.message).toContain(`v${PROTOCOL_VERSION + 1}`);
  });

  it('after hello, answers run control and reports the new state', () => {
    const { session, last, sent } = open();
    session.handle({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 't' } });
    expect(last()).toMatchObject({ id: 1, ok: true, result: { protocolVersion: PROTOCOL_VERSION } });
    session.handle({ type: 'request', id: 2, method: 'sim.setSpeed', params: { speed: 10 } });
    expect(sent.some((m) => m.type === 'response' && m.id === 2 && m.ok && 'speed' in m.result && m.result.speed === 10)).toBe(true);
    session.handle({ type: 'request', id: 3, method: 'sim.resume', params: {} });
    expect(runtime!.status().state).toBe('running');
    session.handle({ type: 'request', id: 4, method: 'sim.pause', params: {} });
    expect(runtime!.status().state).toBe('paused');
  });

  it('answers a malformed message with an error naming the field and keeps working', () => {
    const { session, last } = open();
    session.handle({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 't' } });
    session.handle({ type: 'request', id: 2, method: 'sim.setSpeed', params: { speed: -3 } });
    expect(last()).toMatchObject({ id: 2, ok: false, error: { code: 'bad-params', path: 'params.speed' } });
    session.handle('garbage');
    expect(last()).toMatchObject({ id: null, ok: false, error: { code: 'malformed' } });
    session.handle({ type: 'request', id: 3, method: 'sim.status', params: {} });
    expect(last()).toMatchObject({ id: 3, ok: true });
  });

  it('unsubscribing an unknown subscription is a not-found error', () => {
    const { session, last } = open();
    session.handle({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 't' } });
    session.handle({ type: 'request', id: 2, method: 'series.unsubscribe', params: { subscription: 99 } });
    expect(last()).toMatchObject({ id: 2, ok: false, error: { code: 'not-found', path: 'params.subscription' } });
  });
});
