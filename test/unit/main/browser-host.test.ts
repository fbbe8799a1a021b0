/**
 * The browser-mode host is a server on 127.0.0.1 that any page in the user's browser could
 * reach: it must serve only requests carrying its token, for its own Host, from its own Origin.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PortInUseError, startBrowserHost, type BrowserHost } from '../../../src-main/browser/host.ts';
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';

const simEntry = fileURLToPath(new URL('../../../src-sim/host/utility-entry.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vtdw-host-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(tmpdir(), 'vtdw-secret.txt'), 'secret');

let host: BrowserHost;
const log: string[] = [];

beforeAll(async () => {
  host = await startBrowserHost({ rendererDir: root, stateDir: mkdtempSync(join(tmpdir(), 'vtdw-state-')), root, sim: { entry: simEntry, execArgv: ['--import', 'tsx'], args: ['--paused'] }, log: (l) => log.push(l) });
});
afterAll(() => host.close());

function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function openSocket(path: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('the browser-mode host', () => {
  it('prints a 127.0.0.1 URL carrying a random token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/t/[A-Za-z0-9_-]{20,}/$`));
  });

  it('serves the renderer with its CSP to requests that carry the token', async () => {
    const r = await get(`/t/${host.token}/`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>t</title>');
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('refuses a request without the token, with a 403 and a log line', async () => {
    const r = await get('/index.html');
    expect(r.status).toBe(403);
    expect(log.some((l) => l.startsWith('403 GET /index.html'))).toBe(true);
  });

  it('refuses a wrong token of the same length', async () => {
    const wrong = host.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await get(`/t/${wrong}/`)).status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(`/t/${host.token}/`, { Host: `attacker.example:${host.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/Host header/);
  });

  it('refuses a foreign Origin', async () => {
    const r = await get(`/t/${host.token}/`, { Origin: 'http://attacker.example' });
    expect(r.status).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await get(`/t/${host.token}/../vtdw-secret.txt`)).status).not.toBe(200);
    expect((await get(`/t/${host.token}/%2e%2e/vtdw-secret.txt`)).status).not.toBe(200);
  });

  it('refuses a WebSocket from another origin (cross-site WebSocket hijacking) or without the token', async () => {
    await expect(openSocket(`/t/${host.token}/sim`, 'http://attacker.example')).rejects.toThrow(/403/);
    await expect(openSocket('/sim', `http://127.0.0.1:${host.port}`)).rejects.toThrow(/403/);
    expect(log.some((l) => l.startsWith('403 WebSocket'))).toBe(true);
  });

  it('bridges a page to its own simulator, answers malformed frames, and stops the sim when the page goes', async () => {
    const ws = await openSocket(`/t/${host.token}/sim`, `http://127.0.0.1:${host.port}`);
    const inbox: any[] = [];
    ws.on('message', (d) => inbox.push(JSON.parse(String(d))));
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'test' } }));
    await expect.poll(() => inbox.find((m) => m.id === 1), { timeout: 10_000 }).toMatchObject({ ok: true });
    expect(inbox.find((m) => m.id === null)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(host.sims.size).toBe(1);
    const [child] = host.sims;
    const gone = new Promise((r) => child.once('exit', r));
    ws.close();
    await gone;
    expect(host.sims.size).toBe(0);
  });

  it('closes the page socket with the reason when its simulator dies', async () => {
    const ws = await openSocket(`/t/${host.token}/sim`, `http://127.0.0.1:${host.port}`);
    await expect.poll(() => host.sims.size, { timeout: 10_000 }).toBe(1);
    const closed = new Promise<[number, string]>((r) => ws.once('close', (code, reason) => r([code, String(reason)])));
    [...host.sims][0].kill('SIGKILL');
    const [code, reason] = await closed;
    expect(code).toBe(4001);
    expect(reason).toBe('simulator killed by SIGKILL');
  });

  it('file API: refuses to save a file nobody opened, and names the bad field of a request', async () => {
    const json = { 'Content-Type': 'application/json' };
    const save = await get(`/t/${host.token}/api/files/save`, json, 'POST', JSON.stringify({ path: join(root, 'index.html'), text: 'pwned' }));
    expect(save.status).toBe(403);
    expect(JSON.parse(save.body)).toMatchObject({ code: 'not-allowed' });
    const bad = await get(`/t/${host.token}/api/files/open`, json, 'POST', JSON.stringify({ path: 42 }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/^body\.path: /);
    const notJson = await get(`/t/${host.token}/api/files/open`, { 'Content-Type': 'text/plain' }, 'POST', 'path=/etc/passwd');
    expect(notJson.status).toBe(400);
    const listing = JSON.parse((await get(`/t/${host.token}/api/fs/list`)).body);
    expect(listing.entries.map((e: { name: string }) => e.name)).toContain('index.html');
    expect((await get('/api/fs/list')).status).toBe(403);
  });

  it('says clearly when the port is already in use', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      await expect(startBrowserHost({ port, rendererDir: root, sim: { entry: simEntry, execArgv: [], args: [] } })).rejects.toThrow(PortInUseError);
      await expect(startBrowserHost({ port, rendererDir: root, sim: { entry: simEntry, execArgv: [], args: [] } })).rejects.toThrow(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
