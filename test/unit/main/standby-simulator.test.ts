/**
 * Browser mode starts a simulator before any page asks for one, so the first page does not wait
 * for a fork, a bundle load and a PC: the page gets that simulator, its clock starting at zero
 * when the page connects, and the spare stays within the cap on simulators.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../src-main/browser/host.ts';
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';

const simEntry = fileURLToPath(new URL('../../../src-sim/host/utility-entry.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vtdw-standby-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');

let host: BrowserHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function start(maxSims: number, log: string[]): Promise<BrowserHost> {
  host = await startBrowserHost({ rendererDir: root, root, maxSims, stateDir: mkdtempSync(join(tmpdir(), 'vtdw-state-')), sim: { entry: simEntry, execArgv: ['--import', 'tsx'], args: [] }, log: (l) => log.push(l) });
  return host;
}

const pidIn = (log: string[], what: RegExp) => log.map((l) => what.exec(l)?.[1]).find((p) => p !== undefined);

function page(h: BrowserHost): { ws: WebSocket; inbox: any[] } {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/t/${h.token}/sim`, { origin: `http://127.0.0.1:${h.port}` });
  const inbox: any[] = [];
  ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
  ws.on('error', () => undefined);
  return { ws, inbox };
}

describe('the standby simulator', () => {
  it('is started with the host, and the first page gets it: status at virtual time 0, then the hello answer', async () => {
    const log: string[] = [];
    const h = await start(8, log);
    await expect.poll(() => pidIn(log, /standing by for the next page \(pid (\d+)\)/), { timeout: 10_000 }).toBeDefined();
    const spare = pidIn(log, /standing by for the next page \(pid (\d+)\)/);
    expect(h.sims.size).toBe(0);
    // Long enough for a clock that ran unwatched to show it.
    await new Promise((r) => setTimeout(r, 300));
    const { ws, inbox } = page(h);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'test' } }));
    await expect.poll(() => inbox.find((m) => m.id === 1), { timeout: 10_000 }).toMatchObject({ ok: true });
    expect(inbox[0]).toMatchObject({ type: 'event', event: 'status', data: { state: 'running', virtualNs: 0 } });
    expect(pidIn(log, /simulator started \(pid (\d+)\)/)).toBe(spare);
    expect([...h.sims].map((c) => String(c.pid))).toEqual([spare]);
    ws.close();
  });

  it('counts against the cap: with one simulator allowed, the page takes the spare and a second page is refused', async () => {
    const log: string[] = [];
    const h = await start(1, log);
    const first = page(h);
    await expect.poll(() => h.sims.size, { timeout: 10_000 }).toBe(1);
    const second = page(h);
    const [code] = await new Promise<[number]>((r) => second.ws.once('close', (c) => r([c])));
    expect(code).toBe(1013);
    expect(log.filter((l) => /standing by/.test(l))).toHaveLength(1);
    first.ws.close();
  });
});
