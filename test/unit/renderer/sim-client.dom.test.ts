/**
 * The renderer's SimClient against a fake transport: handshake, validation of what arrives,
 * reconnecting after the simulator dies, and subscriptions that survive the reconnect.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SimClient, type ConnectionState } from '../../../src-renderer/sim-client/client.ts';
import type { Connector, TransportEvents } from '../../../src-renderer/sim-client/transport.ts';
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';

const status = { state: 'running', virtualNs: 5, speed: 1, seed: 1, eventsDispatched: 0, host: 'seed-core2-q35' } as const;

/** A pretend simulator: answers hello and subscribe, records what it was sent. */
function fakeSim(opts: { version?: number; hello?: 'error' | 'silent'; statusAs?: string } = {}) {
  const connections: { events: TransportEvents; sent: any[] }[] = [];
  let nextSub = 1;
  const connector: Connector = async (events) => {
    const conn = { events, sent: [] as any[] };
    connections.push(conn);
    return {
      kind: 'websocket',
      close: () => undefined,
      send: (m: any) => {
        conn.sent.push(m);
        queueMicrotask(() => {
          if (m.method === 'hello' && opts.hello === 'silent') return;
          if (m.method === 'hello' && opts.hello === 'error') {
            events.onMessage({ type: 'response', id: m.id, ok: false, error: { code: 'internal', message: 'hello: the simulator is still starting' } });
          } else if (m.method === 'sim.status' && opts.statusAs) {
            events.onMessage({ type: 'response', id: m.id, method: opts.statusAs, ok: true, result: status });
          } else if (m.method === 'hello') {
            if (opts.version && opts.version !== m.params.protocolVersion) {
              events.onMessage({ type: 'response', id: m.id, ok: false, error: { code: 'version-mismatch', message: 'client v1, sim v2' } });
            } else events.onMessage({ type: 'response', id: m.id, method: 'hello', ok: true, result: { protocolVersion: PROTOCOL_VERSION, simVersion: 'x', status } });
          } else if (m.method === 'series.subscribe') {
            events.onMessage({ type: 'response', id: m.id, method: m.method, ok: true, result: { subscription: nextSub++ } });
          }
        });
      },
    };
  };
  return { connector, connections };
}

let client: SimClient | undefined;
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  client?.stop();
  vi.useRealTimers();
});

describe('the renderer sim client', () => {
  it('connects, says hello with our protocol version, and reports connected', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector);
    const states: ConnectionState[] = [];
    client.onState((s) => states.push(s));
    client.start();
    await vi.runAllTimersAsync();
    expect(sim.connections[0].sent[0]).toMatchObject({ type: 'request', method: 'hello', params: { protocolVersion: PROTOCOL_VERSION } });
    expect(states.at(-1)).toMatchObject({ phase: 'connected', protocolVersion: PROTOCOL_VERSION });
  });

  it('stops and says why on a protocol version mismatch', async () => {
    const sim = fakeSim({ version: PROTOCOL_VERSION + 1 });
    client = new SimClient(sim.connector);
    client.start();
    await vi.runAllTimersAsync();
    expect(client.state).toEqual({ phase: 'incompatible', message: 'client v1, sim v2' });
    expect(sim.connections).toHaveLength(1);
  });

  it('drops an invalid message, reports it, and keeps going', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector);
    const invalid: string[] = [];
    client.onInvalidMessage((e) => invalid.push(e.message));
    client.start();
    await vi.runAllTimersAsync();
    sim.connections[0].events.onMessage({ type: 'event', event: 'status', data: { ...status, virtualNs: 'soon' } });
    expect(invalid).toEqual(['data.virtualNs: Invalid type: Expected number but received "soon"']);
    expect(client.state.phase).toBe('connected');
  });

  it('after the simulator dies, reconnects with backoff and re-subscribes the series', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector);
    const frames: number[][] = [];
    client.subscribe('heartbeat', (cols) => frames.push(cols.wallMs));
    client.start();
    await vi.runAllTimersAsync();
    sim.connections[0].events.onMessage({ type: 'series', subscription: 1, series: 'heartbeat', columns: { wallMs: [1], virtualNs: [1], eventsPerSecond: [1], achievedSpeed: [1] } });

    sim.connections[0].events.onClose('simulator killed by SIGKILL');
    expect(client.state).toMatchObject({ phase: 'lost', reason: 'simulator killed by SIGKILL', retryInMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    expect(client.state.phase).toBe('connected');
    expect(sim.connections[1].sent.map((m) => m.method)).toEqual(['hello', 'series.subscribe']);
    sim.connections[1].events.onMessage({ type: 'series', subscription: 2, series: 'heartbeat', columns: { wallMs: [2], virtualNs: [2], eventsPerSecond: [1], achievedSpeed: [1] } });
    expect(frames).toEqual([[1], [2]]);
  });

  it('fails pending calls when the connection drops instead of leaving them hanging', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector);
    client.start();
    await vi.runAllTimersAsync();
    const p = client.call('sim.status', {});
    sim.connections[0].events.onClose('gone');
    await expect(p).rejects.toThrow('sim.status: gone');
  });

  it('refuses to send params that break the protocol, naming the field', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector);
    client.start();
    await vi.runAllTimersAsync();
    await expect(client.call('sim.setSpeed', { speed: -1 } as never)).rejects.toThrow(/params\.speed/);
  });

  it('refuses a reply that answers another method than the request asked', async () => {
    const sim = fakeSim({ statusAs: 'sim.pause' });
    client = new SimClient(sim.connector);
    const invalid: string[] = [];
    client.onInvalidMessage((e) => invalid.push(e.message));
    client.start();
    await vi.runAllTimersAsync();
    await expect(client.call('sim.status', {})).rejects.toThrow('response 2 answers sim.pause, but request 2 was sim.status');
    expect(invalid).toHaveLength(1);
  });

  it('times a request out when the simulator never answers', async () => {
    const sim = fakeSim();
    client = new SimClient(sim.connector, { timeoutMs: 1000 });
    client.start();
    await vi.runAllTimersAsync();
    const p = client.call('host.devices', {});
    const check = expect(p).rejects.toThrow('host.devices: no answer from the simulator within 1000 ms');
    await vi.advanceTimersByTimeAsync(1001);
    await check;
  });

  it.each([
    ['an error reply', 'error', 'the simulator did not complete the handshake: hello: the simulator is still starting'],
    ['no reply at all', 'silent', 'the simulator did not complete the handshake: hello: no answer from the simulator within 1000 ms'],
  ] as const)('leaves "connecting" with the reason when hello gets %s, and tries again', async (_what, hello, reason) => {
    const sim = fakeSim({ hello });
    client = new SimClient(sim.connector, { timeoutMs: 1000 });
    const states: ConnectionState[] = [];
    client.onState((s) => states.push(s));
    client.start();
    await vi.advanceTimersByTimeAsync(1100);
    expect(states.find((s) => s.phase === 'lost')).toMatchObject({ phase: 'lost', reason });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sim.connections.length).toBeGreaterThan(1);
  });
});
