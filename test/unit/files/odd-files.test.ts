/**
 * The editor's files meet odd and hostile things: devices, FIFOs, huge files, private files,
 * symlinks, paths outside browser mode's workspace root, and many requests at once. Each ends
 * in a clear answer and nothing on disk is damaged or lost.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccess } from '../../../src-main/files/file-access.ts';
import { StateStore } from '../../../src-main/files/state-store.ts';
import { WorkspaceRoot } from '../../../src-main/files/workspace-root.ts';
import { MAX_TEXT_FILE_BYTES } from '../../../src-shared/files/api.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'vtdw-odd-'));
const fifo = (path: string) => (execFileSync('mkfifo', [path]), path);
const tmpFiles = (d: string) => readdirSync(d).filter((n) => n.endsWith('.tmp'));

describe('opening what is not a regular text file', () => {
  it('refuses /dev/zero as a character device, without reading it', async () => {
    expect(await new FileAccess().open('/dev/zero')).toEqual({ ok: false, error: { code: 'not-regular', message: '/dev/zero: is a character device, not a regular file', path: '/dev/zero' } });
  });

  it('refuses a FIFO at once, even with nobody writing to it, and four at a time', async () => {
    const p = fifo(join(dir(), 'pipe.conf'));
    const results = await Promise.all([1, 2, 3, 4].map(() => new FileAccess().open(p)));
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: 'not-regular', message: `${p}: is a FIFO (named pipe), not a regular file` } });
  });

  it('reads a file of exactly the limit and refuses one byte more', async () => {
    const d = dir();
    writeFileSync(join(d, 'max.conf'), Buffer.alloc(MAX_TEXT_FILE_BYTES, 0x61));
    writeFileSync(join(d, 'over.conf'), Buffer.alloc(MAX_TEXT_FILE_BYTES + 1, 0x61));
    expect((await new FileAccess().open(join(d, 'max.conf'))).ok).toBe(true);
    expect(await new FileAccess().open(join(d, 'over.conf'))).toMatchObject({ ok: false, error: { code: 'too-large', message: expect.stringContaining(`more than the ${MAX_TEXT_FILE_BYTES} bytes`) } });
  });

  it('will not save over a FIFO chosen in Save As', async () => {
    const p = fifo(join(dir(), 'pipe'));
    expect(await new FileAccess().saveAs(p, 'x', true)).toMatchObject({ ok: false, error: { code: 'not-regular' } });
    expect(statSync(p).isFIFO()).toBe(true);
  });
});

describe('saving keeps what the file was', () => {
  it('keeps mode 0600 of a private file, with no moment where a world-readable copy exists', async () => {
    const d = dir();
    const p = join(d, 'secret.conf');
    writeFileSync(p, 'a = 1\n');
    chmodSync(p, 0o600);
    const fa = new FileAccess();
    await fa.open(p);
    expect(await fa.save(p, 'a = 2\n')).toMatchObject({ ok: true });
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readFileSync(p, 'utf8')).toBe('a = 2\n');
    expect(tmpFiles(d)).toEqual([]);
  });

  it('keeps an executable bit and an unusual mode', async () => {
    const p = join(dir(), 'run.sh');
    writeFileSync(p, '#!/bin/sh\n');
    chmodSync(p, 0o750);
    const fa = new FileAccess();
    await fa.open(p);
    await fa.save(p, '#!/bin/sh\necho hi\n');
    expect(statSync(p).mode & 0o777).toBe(0o750);
  });

  it.runIf(process.getuid?.() === 0)("keeps the file's owner and group where the OS permits (here: running as root)", async () => {
    const p = join(dir(), 'owned.conf');
    writeFileSync(p, 'x\n');
    chownSync(p, 4242, 4343);
    const fa = new FileAccess();
    await fa.open(p);
    await fa.save(p, 'y\n');
    expect([statSync(p).uid, statSync(p).gid]).toEqual([4242, 4343]);
  });

  it('saves through a symlink: the link stays a link and its target gets the text', async () => {
    const d = dir();
    mkdirSync(join(d, 'real'));
    const target = join(d, 'real', 'guest.hvm');
    writeFileSync(target, 'memory = 256\n');
    const link = join(d, 'guest.hvm');
    symlinkSync('real/guest.hvm', link);
    const fa = new FileAccess();
    const opened = await fa.open(link);
    expect(opened).toMatchObject({ ok: true, value: { path: link, text: 'memory = 256\n' } });
    expect(await fa.save(link, 'memory = 512\n', opened.ok ? opened.value.mtimeMs : 0)).toMatchObject({ ok: true, value: { path: link } });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real/guest.hvm');
    expect(readFileSync(target, 'utf8')).toBe('memory = 512\n');
    expect([...tmpFiles(d), ...tmpFiles(join(d, 'real'))]).toEqual([]);
  });

  it('saves as through a dangling symlink by creating its target', async () => {
    const d = dir();
    symlinkSync('made.conf', join(d, 'link.conf'));
    expect(await new FileAccess().saveAs(join(d, 'link.conf'), 'new\n', true)).toMatchObject({ ok: true });
    expect(readFileSync(join(d, 'made.conf'), 'utf8')).toBe('new\n');
    expect(lstatSync(join(d, 'link.conf')).isSymbolicLink()).toBe(true);
  });
});

describe("browser mode's workspace root", () => {
  async function rooted() {
    const outside = dir();
    writeFileSync(join(outside, 'passwd'), 'root:x:0:0\n');
    const root = dir();
    writeFileSync(join(root, 'hvm.conf'), 'memory = 256\n');
    mkdirSync(join(root, 'sub'));
    symlinkSync(join(outside, 'passwd'), join(root, 'escape.conf'));
    symlinkSync(outside, join(root, 'sub', 'out'));
    symlinkSync(join(outside, 'new-key'), join(root, 'dangling'));
    return { root, outside, fa: new FileAccess({ root: await WorkspaceRoot.open(root) }) };
  }

  it('resolves relative paths against the root', async () => {
    const { root, fa } = await rooted();
    expect(await fa.open('hvm.conf')).toMatchObject({ ok: true, value: { path: join(root, 'hvm.conf') } });
  });

  it('refuses paths outside it, by .. or absolute', async () => {
    const { outside, fa } = await rooted();
    for (const p of ['../' + 'x', join(outside, 'passwd'), '/etc/passwd']) {
      expect(await fa.open(p)).toMatchObject({ ok: false, error: { code: 'not-allowed', message: expect.stringContaining('outside the workspace root') } });
    }
  });

  it('refuses symlinks that lead outside it, at the end or on the way, and says where they lead', async () => {
    const { outside, fa } = await rooted();
    expect(await fa.open('escape.conf')).toMatchObject({ ok: false, error: { code: 'not-allowed', message: expect.stringContaining(`(it leads to ${join(outside, 'passwd')})`) } });
    expect(await fa.open('sub/out/passwd')).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it('will not create or replace a file outside it with Save As, through a dangling link either', async () => {
    const { root, outside, fa } = await rooted();
    expect(await fa.saveAs(join(outside, 'authorized_keys'), 'ssh-rsa AAAA\n', true)).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await fa.saveAs('dangling', 'ssh-rsa AAAA\n', true)).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await fa.saveAs('escape.conf', 'pwned\n', true)).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(readdirSync(outside)).toEqual(['passwd']);
    expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    expect(await fa.saveAs('sub/new.conf', 'ok\n', false)).toMatchObject({ ok: true, value: { path: join(root, 'sub', 'new.conf') } });
  });
});

describe('many requests at once', () => {
  it('ten parallel saves of one file all succeed and leave one whole text, no temporary files', async () => {
    const d = dir();
    const p = join(d, 'busy.conf');
    writeFileSync(p, 'start\n');
    const fa = new FileAccess();
    await fa.open(p);
    const texts = Array.from({ length: 10 }, (_, i) => `version = ${i}\n`.repeat(1000));
    const results = await Promise.all(texts.map((t) => fa.save(p, t)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(texts).toContain(readFileSync(p, 'utf8'));
    expect(tmpFiles(d)).toEqual([]);
  });

  it('ten parallel recent-file updates keep all ten entries', async () => {
    const s = new StateStore(dir());
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.touchRecent(`/f${i}`, i)));
    expect((await s.recent()).map((r) => r.path).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/f${i}`).sort());
  });

  it('a recent list or a backup that became a FIFO is reported and skipped, not waited on', async () => {
    const d = dir();
    fifo(join(d, 'recent.json'));
    mkdirSync(join(d, 'backups'));
    fifo(join(d, 'backups', 'x.json'));
    const warnings: string[] = [];
    const s = new StateStore(d, (w) => warnings.push(w));
    expect(await s.recent()).toEqual([]);
    expect(await s.backups()).toEqual([]);
    expect(warnings).toEqual([`${join(d, 'recent.json')}: cannot read (is a FIFO (named pipe), not a regular file); the recent list is empty`, 'x.json: unreadable backup (is a FIFO (named pipe), not a regular file); ignored']);
  });

  it('parallel backups with one id all succeed; the last one written wins', async () => {
    const d = dir();
    const s = new StateStore(d);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.putBackup({ id: 'same', path: null, title: 't', language: 'hvm-conf', text: `v${i}`, savedAt: i })));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await s.backups()).toMatchObject([{ id: 'same', text: 'v9' }]);
    expect(tmpFiles(join(d, 'backups'))).toEqual([]);
  });
});
