/**
 * The simulator entry run as a Node child process, as browser mode runs it: it answers hello and
 * streams the heartbeat series over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSimMessage, PROTOCOL_VERSION, type SimToClient } from '../../../src-shared/protocol/index.ts';

const entry = fileURLToPath(new URL('../../../src-sim/host/utility-entry.ts', import.meta.url));
let child: ChildProcess | undefined;

function start(args: string[] = []) {
  const c = fork(entry, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child = c;
  const inbox: SimToClient[] = [];
  const waiters: (() => void)[] = [];
  c.on('message', (m) => {
    const p = parseSimMessage(m);
    if (!p.ok) throw new Error(`invalid message from the simulator: ${p.error.message}`);
    inbox.push(p.value);
    waiters.splice(0).forEach((w) => w());
  });
  async function until<T extends SimToClient>(pred: (m: SimToClient) => m is T, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = inbox.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error('timed out waiting for the simulator');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
  return { c, inbox, until };
}

afterEach(() => {
  child?.kill();
  child = undefined;
});

describe('the simulator entry as a Node child process', () => {
  it('answers hello, then streams heartbeat frames whose virtual time advances', async () => {
    const { c, until } = start(['--seed', '99']);
    await until((m): m is SimToClient => m.type === 'event');
    c.send({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'test' } });
    const hello = await until((m): m is Extract<SimToClient, { type: 'response' }> => m.type === 'response' && m.id === 1);
    expect(hello).toMatchObject({ ok: true, result: { protocolVersion: PROTOCOL_VERSION, status: { seed: 99 } } });

    c.send({ type: 'request', id: 2, method: 'series.subscribe', params: { series: 'heartbeat', maxRateHz: 20 } });
    const sub = await until((m): m is Extract<SimToClient, { type: 'response' }> => m.type === 'response' && m.id === 2);
    expect(sub.ok).toBe(true);
    const frames: Extract<SimToClient, { type: 'series' }>[] = [];
    const isFrame = (m: SimToClient): m is Extract<SimToClient, { type: 'series' }> => m.type === 'series' && !frames.includes(m as never);
    frames.push(await until(isFrame));
    frames.push(await until(isFrame));
    const vt = frames.flatMap((f) => f.columns.virtualNs);
    expect(vt.length).toBeGreaterThan(1);
    expect(vt[vt.length - 1]).toBeGreaterThan(vt[0]);
    expect(frames[0].columns).toHaveProperty('eventsPerSecond');
  });

  it('exits when its parent disconnects', async () => {
    const { c, until } = start();
    await until((m): m is SimToClient => m.type === 'event');
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    c.disconnect();
    expect(await exited).toBe(0);
  });
});
