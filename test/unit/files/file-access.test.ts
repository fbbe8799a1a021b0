import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccess } from '../../../src-main/files/file-access.ts';
import { StateStore } from '../../../src-main/files/state-store.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'vtdw-fa-'));

describe('file access for the editor', () => {
  it('opens a text file and then may save over it, leaving no temporary file', async () => {
    const d = dir();
    const p = join(d, 'hvm.conf');
    writeFileSync(p, 'memory = 512\n');
    const fa = new FileAccess();
    const opened = await fa.open(p);
    expect(opened).toMatchObject({ ok: true, value: { path: p, text: 'memory = 512\n' } });
    if (!opened.ok) return;
    const saved = await fa.save(p, 'memory = 1024\n', opened.value.mtimeMs);
    expect(saved.ok).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe('memory = 1024\n');
    expect(readdirSync(d)).toEqual(['hvm.conf']);
  });

  it('refuses to save a path the user never opened or chose', async () => {
    const d = dir();
    const r = await new FileAccess().save(join(d, 'etc-passwd'), 'x');
    expect(r).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(readdirSync(d)).toEqual([]);
  });

  it('refuses to overwrite a file changed on disk since it was read', async () => {
    const d = dir();
    const p = join(d, 'a.conf');
    writeFileSync(p, 'one\n');
    const fa = new FileAccess();
    const opened = await fa.open(p);
    if (!opened.ok) throw new Error('open failed');
    writeFileSync(p, 'two\n');
    utimesSync(p, new Date(), new Date(Date.now() + 10_000));
    const r = await fa.save(p, 'mine\n', opened.value.mtimeMs);
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(readFileSync(p, 'utf8')).toBe('two\n');
  });

  it('says why a file cannot be opened: missing, a folder, binary, not UTF-8', async () => {
    const d = dir();
    const fa = new FileAccess();
    writeFileSync(join(d, 'bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    writeFileSync(join(d, 'latin1'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    mkdirSync(join(d, 'sub'));
    expect(await fa.open(join(d, 'nope'))).toMatchObject({ ok: false, error: { code: 'not-found', message: `${join(d, 'nope')}: no such file` } });
    expect(await fa.open(join(d, 'sub'))).toMatchObject({ ok: false, error: { code: 'is-directory' } });
    expect(await fa.open(join(d, 'bin'))).toMatchObject({ ok: false, error: { code: 'not-text', message: expect.stringContaining('NUL bytes') } });
    expect(await fa.open(join(d, 'latin1'))).toMatchObject({ ok: false, error: { code: 'not-text', message: expect.stringContaining('UTF-8') } });
  });

  it('save as refuses to replace an existing file unless confirmed', async () => {
    const d = dir();
    const p = join(d, 'x.conf');
    writeFileSync(p, 'old\n');
    const fa = new FileAccess();
    expect(await fa.saveAs(p, 'new\n', false)).toMatchObject({ ok: false, error: { code: 'exists' } });
    expect(await fa.saveAs(p, 'new\n', true)).toMatchObject({ ok: true });
    expect(readFileSync(p, 'utf8')).toBe('new\n');
    expect(fa.isAllowed(p)).toBe(true);
  });
});

describe('the state store', () => {
  it('keeps the ten most recent files, newest first, without duplicates', async () => {
    const s = new StateStore(dir());
    for (let i = 0; i < 12; i++) await s.touchRecent(`/f${i}`, i);
    await s.touchRecent('/f5', 100);
    const list = await s.recent();
    expect(list.map((r) => r.path)).toEqual(['/f5', '/f11', '/f10', '/f9', '/f8', '/f7', '/f6', '/f4', '/f3', '/f2']);
  });

  it('sets a corrupt recent list aside with a warning instead of failing', async () => {
    const d = dir();
    writeFileSync(join(d, 'recent.json'), '{broken');
    const warnings: string[] = [];
    const s = new StateStore(d, (w) => warnings.push(w));
    expect(await s.recent()).toEqual([]);
    expect(warnings[0]).toMatch(/recent\.json: unreadable/);
    expect(readdirSync(d)).toContain('recent.json.corrupt');
  });

  it('stores, lists and drops backups of unsaved text', async () => {
    const s = new StateStore(dir());
    await s.putBackup({ id: 'sample-hvm', path: null, title: 'hvm.conf', language: 'hvm-conf', text: 'x', savedAt: 1 });
    expect(await s.backups()).toHaveLength(1);
    await s.dropBackup('sample-hvm');
    expect(await s.backups()).toEqual([]);
  });
});
