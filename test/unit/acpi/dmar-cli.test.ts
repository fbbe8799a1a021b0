/**
 * `vtdw dmar`: the readable listing of every sample table against golden files in
 * test/golden/dmar/ (regenerate explicitly: `npm run test:golden`, then review the diff), `--json` against the oracles, and
 * malformed input reported as `vtdw dmar: FILE: byte 0xNN: reason` with exit status 1.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import type { CliIO } from '../../../src-main/cli/io.ts';
import { DMAR_DATA, dmarSamples } from './dmar-data.ts';
import { DMAR_RECENT_FIXTURES as RECENT } from '../../fixtures/paths.ts';
import { expectGolden } from '../../golden/golden.ts';

async function vtdw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: DMAR_DATA };
  const code = await main(argv, io);
  return { code, out, err };
}

function golden(name: string, actual: string): void {
  expectGolden(`dmar/${name}`, actual);
}

describe('vtdw dmar', () => {
  it.each(dmarSamples().map((s) => [s.file]))('lists %s as its golden listing', async (file) => {
    const r = await vtdw('dmar', file);
    expect(r).toMatchObject({ code: 0, err: '' });
    golden(`${file}.txt`, r.out);
  });

  // Recent tables: SATC and SIDP decoded (no warning), DRHD sizes, SIDP scope flags, NUL-padded OEM ids.
  it.each(readdirSync(RECENT).filter((f) => f.endsWith('.orig.dat')))('lists dmar-recent/%s as its golden listing', async (file) => {
    const r = await vtdw('dmar', join(RECENT, file));
    expect(r).toMatchObject({ code: 0, err: '' });
    golden(`${file}.txt`, r.out);
  });

  it.each(dmarSamples().map((s) => [s.file, s.expected] as const))('prints %s --json as the issue-shaped oracle', async (file, expected) => {
    const r = await vtdw('dmar', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(expected);
    expect(Object.keys(JSON.parse(r.out))).toEqual(['revision', 'hostAddressWidth', 'flags', 'structures']);
  });

  it('reports a malformed table with its file, the offending byte and the reason, exit status 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtdw-dmar-'));
    const bytes = readFileSync(join(DMAR_DATA, 'vtdw-q35-desktop-e1000.aml'));
    bytes[0x24] ^= 1; // HAW changed, checksum now wrong
    writeFileSync(join(dir, 'bad.dat'), bytes);
    const r = await vtdw('dmar', join(dir, 'bad.dat'));
    expect(r).toEqual({ code: 1, out: '', err: `vtdw dmar: ${join(dir, 'bad.dat')}: byte 0x9: checksum mismatch: the table's bytes sum to 0xff, not 0 (checksum byte 0x42 should be 0x43)\n` });
  });

  it('rejects a text file with a located reason instead of a stack trace', async () => {
    expect(await vtdw('dmar', 'README.md')).toEqual({ code: 1, out: '', err: 'vtdw dmar: README.md: byte 0x0: signature "# DM" is not "DMAR"\n' });
  });

  it('says why a file cannot be read, and treats a missing FILE as a usage error (exit 2)', async () => {
    expect(await vtdw('dmar', 'no-such.dat')).toEqual({ code: 1, out: '', err: 'vtdw dmar: no-such.dat: cannot read: no such file or directory (ENOENT)\n' });
    expect(await vtdw('dmar')).toMatchObject({ code: 2, err: 'vtdw dmar: missing FILE (a binary DMAR table)\n' });
  });

  it('lists a structure type after SIDP as skipped, with a located warning, exit status 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtdw-dmar-'));
    const q35 = readFileSync(join(DMAR_DATA, 'vtdw-q35-desktop-e1000.aml'));
    const b = Uint8Array.from([...q35, 7, 0, 0x10, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 2, 0]);
    new DataView(b.buffer).setUint32(4, b.length, true);
    b[9] = (b[9] - b.reduce((a, x) => a + x, 0)) & 0xff;
    writeFileSync(join(dir, 'satc.dat'), b);
    const r = await vtdw('dmar', join(dir, 'satc.dat'));
    expect(r.code).toBe(0);
    expect(r.err).toBe(`vtdw dmar: ${join(dir, 'satc.dat')}: byte 0x${q35.length.toString(16)}: warning: remapping structure type 7, 0x10 bytes, is not supported: skipped (kept for round trip)\n`);
    expect(r.out).toContain('[4] type 7  16 bytes  skipped: not supported by this build\n');
    expect(r.out).toContain('2 DRHD, 2 RMRR, 0 ATSR, 0 RHSA, 0 ANDD, 1 skipped\n');
  });
});
