/**
 * Browser mode's files API and pages as a hostile or unlucky page meets them: a workspace root
 * it cannot leave (403 and a log line), a picker that can change folder, parallel opens, a
 * token URL without its slash, nosniff on every answer, and a cap on simulators per host.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_TOO_MANY_SIMS, startBrowserHost, type BrowserHost } from '../../../src-main/browser/host.ts';

const simEntry = fileURLToPath(new URL('../../../src-sim/host/utility-entry.ts', import.meta.url));
const renderer = mkdtempSync(join(tmpdir(), 'vtdw-renderer-'));
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>');
const outside = mkdtempSync(join(tmpdir(), 'vtdw-outside-'));
writeFileSync(join(outside, 'passwd'), 'root:x:0:0\n');
const root = mkdtempSync(join(tmpdir(), 'vtdw-root-'));
mkdirSync(join(root, 'guests'));
writeFileSync(join(root, 'guests', 'a.hvm'), 'memory = 256\n');
for (let i = 0; i < 10; i++) writeFileSync(join(root, `f${i}.conf`), `n = ${i}\n`);
symlinkSync(join(outside, 'passwd'), join(root, 'escape.conf'));
execFileSync('mkfifo', [join(root, 'pipe.conf')]);

let host: BrowserHost;
const log: string[] = [];

beforeAll(async () => {
  host = await startBrowserHost({ rendererDir: renderer, root, maxSims: 1, stateDir: mkdtempSync(join(tmpdir(), 'vtdw-state-')), sim: { entry: simEntry, execArgv: ['--import', 'tsx'], args: ['--paused'] }, log: (l) => log.push(l) });
});
afterAll(() => host.close());

type Reply = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

/** `body`: a value sent as JSON, or a string sent as it is. */
function call(path: string, method = 'GET', body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: `127.0.0.1:${host.port}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body === undefined || typeof body === 'string' ? body : JSON.stringify(body));
  });
}

const api = (route: string, method = 'GET', body?: unknown) => call(`/t/${host.token}/api/${route}`, method, body);

describe('the workspace root of browser mode', () => {
  it('the picker starts at the root, says so, and cannot go above it', async () => {
    const r = JSON.parse((await api('fs/list')).body);
    expect(r).toMatchObject({ dir: root, root, parent: null });
    expect(r.entries.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['guests', 'f0.conf', 'escape.conf']));
    expect(r.entries.map((e: { name: string }) => e.name)).not.toContain('pipe.conf');
  });

  it('the picker lists the folder its query names (the token check keeps the query string)', async () => {
    const r = await api(`fs/list?dir=${encodeURIComponent(join(root, 'guests'))}`);
    expect(JSON.parse(r.body)).toMatchObject({ dir: join(root, 'guests'), parent: root, entries: [{ name: 'a.hvm', kind: 'file' }] });
    expect(JSON.parse((await api('fs/list?dir=guests')).body).dir).toBe(join(root, 'guests'));
  });

  it('listing, opening or saving outside the root is refused with 403 and a log line', async () => {
    const list = await api(`fs/list?dir=${encodeURIComponent(outside)}`);
    expect(list.status).toBe(403);
    expect(JSON.parse(list.body)).toMatchObject({ code: 'not-allowed', message: expect.stringContaining('outside the workspace root') });
    for (const path of ['/etc/passwd', '../x', join(outside, 'passwd'), 'escape.conf']) {
      const r = await api('files/open', 'POST', { path });
      expect([path, r.status]).toEqual([path, 403]);
    }
    const save = await api('files/save-as', 'POST', { path: join(outside, 'authorized_keys'), text: 'ssh-rsa AAAA', overwrite: true });
    expect(save.status).toBe(403);
    expect(readdirSync(outside)).toEqual(['passwd']);
    expect(log.some((l) => l.startsWith('403 files API: ') && l.includes('escape.conf') && l.includes(`it leads to ${join(outside, 'passwd')}`))).toBe(true);
  });

  it('a request body nested 5000 deep is refused naming the limit', async () => {
    const r = await api('files/open', 'POST', '['.repeat(5000) + ']'.repeat(5000));
    expect([r.status, JSON.parse(r.body).message]).toEqual([400, 'body: nested deeper than the 64-level limit']);
  });

  it('a FIFO in the root gets a clear refusal at once, and the host keeps serving', async () => {
    const pipe = await api('files/open', 'POST', { path: 'pipe.conf' });
    expect([pipe.status, JSON.parse(pipe.body).message]).toEqual([409, `${join(root, 'pipe.conf')}: is a FIFO (named pipe), not a regular file`]);
    expect((await call(`/t/${host.token}/`)).status).toBe(200);
  });

  it('ten parallel opens all succeed, and all ten are in the recent list', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => api('files/open', 'POST', { path: `f${i}.conf` })));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
    const recent = JSON.parse((await api('files/recent')).body).map((r: { path: string }) => r.path);
    expect(recent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => join(root, `f${i}.conf`)).sort());
  });
});

describe('small things a browser relies on', () => {
  it('/t/TOKEN without its slash redirects to /t/TOKEN/ (the page loads its assets relative to it)', async () => {
    const r = await call(`/t/${host.token}`);
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`/t/${host.token}/`);
  });

  it('every answer says nosniff, refusals and misses included', async () => {
    for (const path of [`/t/${host.token}/`, `/t/${host.token}/nope.js`, '/t/wrong/', `/t/${host.token}/api/nope`, `/t/${host.token}`]) {
      expect([path, (await call(path)).headers['x-content-type-options']]).toEqual([path, 'nosniff']);
    }
  });
});

describe('simulators per host', () => {
  it('past the cap a page is told why (close 1013, the reason names the cap), with a log line', async () => {
    const url = `ws://127.0.0.1:${host.port}/t/${host.token}/sim`;
    const origin = `http://127.0.0.1:${host.port}`;
    const first = new WebSocket(url, { origin });
    await new Promise((r) => first.once('open', r));
    await expect.poll(() => host.sims.size, { timeout: 10_000 }).toBe(1);
    const second = new WebSocket(url, { origin });
    const [code, reason] = await new Promise<[number, string]>((r) => second.once('close', (c, why) => r([c, String(why)])));
    expect(code).toBe(CLOSE_TOO_MANY_SIMS);
    expect(reason).toMatch(/at most 1 simulators .*--max-sims/);
    expect(log.some((l) => l.startsWith('page refused: this host runs at most 1 simulators'))).toBe(true);
    expect(host.sims.size).toBe(1);
    first.close();
  });
});
