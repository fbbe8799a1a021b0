import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveAppRequest } from '../../../src-main/app-protocol.ts';

const root = mkdtempSync(join(tmpdir(), 'vtdw-app-'));
mkdirSync(join(root, 'renderer'));
writeFileSync(join(root, 'renderer', 'index.html'), '<title>app</title>');
writeFileSync(join(root, 'secret.txt'), 'secret');
const renderer = join(root, 'renderer');

describe('the app:// protocol handler', () => {
  it('serves the renderer with the CSP header', async () => {
    const r = await serveAppRequest(renderer, 'app://workbench/');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('<title>app</title>');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('never serves a file outside the renderer folder: a refusal (403) or not found (404), never an error', async () => {
    // The URL parser resolves "..": those requests ask for /secret.txt inside the folder, which is not there.
    for (const u of ['app://workbench/../secret.txt', 'app://workbench/%2e%2e/secret.txt']) {
      const r = await serveAppRequest(renderer, u);
      expect(r.status, u).toBe(404);
      expect(await r.text(), u).not.toContain('secret');
    }
    // An encoded slash survives parsing and would climb out: refused outright.
    const climb = await serveAppRequest(renderer, 'app://workbench/..%2fsecret.txt');
    expect(climb.status).toBe(403);
    expect(await climb.text()).not.toContain('secret');
  });

  it('answers 404 for a missing file', async () => {
    expect((await serveAppRequest(renderer, 'app://workbench/nope.js')).status).toBe(404);
  });
});
