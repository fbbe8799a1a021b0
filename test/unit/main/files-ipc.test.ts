/**
 * Electron main's file handlers, with Electron's modules replaced by fakes (the binary cannot
 * run here): they refuse frames that are not our app, validate arguments, and use the dialog's
 * choice as the only way to reach a new file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (e: unknown, arg?: unknown) => Promise<unknown>>();
const dialogChoice: { open?: string; save?: string } = {};

vi.mock('electron', () => ({
  ipcMain: { handle: (ch: string, fn: (e: unknown, arg?: unknown) => Promise<unknown>) => handlers.set(ch, fn) },
  dialog: {
    showOpenDialog: async () => (dialogChoice.open ? { canceled: false, filePaths: [dialogChoice.open] } : { canceled: true, filePaths: [] }),
    showSaveDialog: async () => (dialogChoice.save ? { canceled: false, filePath: dialogChoice.save } : { canceled: true }),
  },
}));

const { registerFileHandlers } = await import('../../../src-main/files-ipc.ts');
const { StateStore } = await import('../../../src-main/files/state-store.ts');

const appFrame = { senderFrame: { url: 'app://workbench/index.html', parent: null } };
const evilFrame = { senderFrame: { url: 'https://evil.example/', parent: null } };
const dir = mkdtempSync(join(tmpdir(), 'vtdw-ipc-'));
const call = (ch: string, arg?: unknown, e: unknown = appFrame) => handlers.get(ch)!(e, arg);

beforeAll(() => registerFileHandlers(() => ({}) as never, new StateStore(join(dir, 'state'))));

describe('Electron file handlers', () => {
  it('refuse a request from a frame that is not the app', async () => {
    dialogChoice.open = join(dir, 'x.conf');
    writeFileSync(dialogChoice.open, 'memory = 1\n');
    expect(await call('files:open-dialog', undefined, evilFrame)).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it('open what the dialog chose, then save over it; other paths need Save As', async () => {
    const p = join(dir, 'guest.hvm');
    writeFileSync(p, 'memory = 512\n');
    dialogChoice.open = p;
    const opened = (await call('files:open-dialog')) as { ok: boolean; value: { mtimeMs: number } };
    expect(opened).toMatchObject({ ok: true, value: { path: p, text: 'memory = 512\n' } });
    expect(await call('files:save', { path: p, text: 'memory = 1024\n', expectedMtimeMs: opened.value.mtimeMs })).toMatchObject({ ok: true });
    expect(readFileSync(p, 'utf8')).toBe('memory = 1024\n');
    expect(await call('files:save', { path: join(dir, 'other'), text: 'x' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it('name the bad field of a malformed request', async () => {
    expect(await call('files:save', { path: 7, text: 'x' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^request\.path: /) } });
    expect(await call('files:drop-backup', '../../etc')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('open a recent file only if it is on the recent list', async () => {
    expect(await call('files:open-recent', { path: '/etc/shadow' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    const recent = (await call('files:recent')) as { value: { path: string }[] };
    expect(recent.value.map((r) => r.path)).toContain(join(dir, 'guest.hvm'));
    expect(await call('files:open-recent', { path: join(dir, 'guest.hvm') })).toMatchObject({ ok: true });
  });

  it('refuse a device or a FIFO chosen in the dialog, at once, and keep a private file private on save', async () => {
    dialogChoice.open = '/dev/zero';
    expect(await call('files:open-dialog')).toMatchObject({ ok: false, error: { code: 'not-regular', message: '/dev/zero: is a character device, not a regular file' } });
    const pipe = join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    dialogChoice.open = pipe;
    expect(await call('files:open-dialog')).toMatchObject({ ok: false, error: { code: 'not-regular' } });
    const secret = join(dir, 'secret.conf');
    writeFileSync(secret, 'a = 1\n', { mode: 0o600 });
    dialogChoice.open = secret;
    await call('files:open-dialog');
    expect(await call('files:save', { path: secret, text: 'a = 2\n' })).toMatchObject({ ok: true });
    expect(statSync(secret).mode & 0o777).toBe(0o600);
  });

  it('a cancelled dialog is not an error', async () => {
    dialogChoice.save = undefined;
    expect(await call('files:save-as-dialog', { suggestedName: 'hvm.conf', text: 'x' })).toEqual({ ok: true, value: null });
  });
});
