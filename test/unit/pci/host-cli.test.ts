/**
 * `vtdw host` and `vtdw lspci --host` with bad input of every kind: each problem is one line
 * `vtdw CMD: FILE: WHERE: REASON` (line:col in text and JSON, byte 0x… in binary), exit status
 * 1, never a stack trace; a mistake in the call is exit status 2.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import type { CliIO } from '../../../src-main/cli/io.ts';

const LSPCI = new URL('../../fixtures/lspci/', import.meta.url).pathname;
const DMAR = new URL('../../fixtures/dmar/', import.meta.url).pathname;
const HOSTS = new URL('../../../resources/hosts/', import.meta.url).pathname;
const DUMP = join(LSPCI, 'lkml-2004-82540EM-msi.vxxx');

async function vtdw(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: HOSTS };
  const code = await main(argv, io);
  return { code, out, err };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'vtdw-host-'));
const seed = () => JSON.parse(readFileSync(join(HOSTS, 'seed-core2-q35.json'), 'utf8'));

describe('vtdw host import -o', () => {
  it('writes the profile whole, leaving no temporary file behind', async () => {
    const dir = scratch();
    expect(await vtdw('host', 'import', DUMP, '-o', join(dir, 'p.json'))).toEqual({ code: 0, out: '', err: '' });
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')).pci).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(['p.json']);
  });

  it('says which path and why when the directory does not exist', async () => {
    const r = await vtdw('host', 'import', DUMP, '-o', '/nonexistent-dir/x.json');
    expect(r).toEqual({ code: 1, out: '', err: 'vtdw host: /nonexistent-dir/x.json: cannot write: directory /nonexistent-dir: no such file or directory (ENOENT)\n' });
  });

  it('refuses a directory as the output file', async () => {
    const dir = scratch();
    expect(await vtdw('host', 'import', DUMP, '-o', dir)).toEqual({ code: 1, out: '', err: `vtdw host: ${dir}: cannot write: is a directory (EISDIR)\n` });
  });

  it('reports an unwritable place without a stack trace and keeps the old file', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'old.json'), 'old');
    chmodSync(dir, 0o500);
    try {
      const r = await vtdw('host', 'import', DUMP, '-o', join(dir, 'old.json'));
      if (process.getuid?.() === 0) return; // root writes anyway
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^vtdw host: ${join(dir, 'old.json')}: cannot write: cannot create a temporary file in ${dir}: permission denied \\(EACCES\\)\\n$`));
      expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('old');
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

describe('vtdw host check', () => {
  it('names an unknown option (exit 2) and supports --json', async () => {
    expect(await vtdw('host', 'check', '--bogus')).toMatchObject({ code: 2, err: expect.stringContaining("'--bogus'") });
    const r = await vtdw('host', 'check', 'server-2drhd-5520.json', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ file: 'server-2drhd-5520.json', ok: true, name: 'server-2drhd-5520', functions: 26, remappingUnits: 2, errors: [], warnings: [] });
  });

  it('rejects a model this build does not have, naming the field and listing the known ones', async () => {
    const dir = scratch();
    const p = seed();
    p.pci[12].model = 'e1000:bogus';
    writeFileSync(join(dir, 'm.json'), JSON.stringify(p, null, 1));
    const r = await vtdw('host', 'check', join(dir, 'm.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^vtdw host: \S+m\.json: \d+:\d+: pci\[12\]\.model: "e1000:bogus" is not a device model this build has \(known: e1000:82572EI-desktop, e1000:82572EI-server, e1000:82571EB-dual, e1000:82540EM-desktop\)\n$/);
  });

  it('points at the bridge whose bus numbers would loop, by line:col, field and offset', async () => {
    const dir = scratch();
    const p = seed();
    const rp = p.pci.findIndex((f: { bdf: string }) => f.bdf === '0000:00:1c.0');
    p.pci[rp].config[1] = p.pci[rp].config[1].replace(/^((?:\S\S ){8})00 02 02/, '$101 00 02');
    writeFileSync(join(dir, 'b.json'), JSON.stringify(p, null, 1));
    const r = await vtdw('host', 'check', join(dir, 'b.json'));
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^vtdw host: \S+b\.json: \d+:\d+: pci\[3\]\.config\[1\]: bridge 0000:00:1c\.0: primary bus \(offset 0x18\) is 01, but the bridge sits on bus 00$/);
    expect(lines[1]).toMatch(/secondary bus \(offset 0x19\) 00 is not above the bridge's own bus 00, so config cycles would loop$/);
  });

  it('warns (exit 0) about a BAR its bridge does not forward, with the field', async () => {
    const dir = scratch();
    const p = seed();
    const rp = p.pci.findIndex((f: { bdf: string }) => f.bdf === '0000:00:1c.0');
    p.pci[rp].config[2] = '00 f0 00 f0' + p.pci[rp].config[2].slice(11); // memory window f0000000-f00fffff
    writeFileSync(join(dir, 'w.json'), JSON.stringify(p, null, 1));
    const r = await vtdw('host', 'check', join(dir, 'w.json'));
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: pci[12].config[1]: 0000:02:00.0 BAR0 memory fe8e0000-fe8fffff is outside the memory windows of bridge 0000:00:1c.0 above it (f0000000-f00fffff): unreachable');
    expect(r.out).toMatch(/; 2 warning\(s\)\n$/);
  });

  it('calls [] and null bad profiles, not lspci dumps', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.json'), '[]\n');
    writeFileSync(join(dir, 'n.json'), 'null');
    expect(await vtdw('host', 'check', join(dir, 'a.json'))).toEqual({ code: 1, out: '', err: `vtdw host: ${join(dir, 'a.json')}: 1:1: a host profile must be a JSON object { … }, not a list\n` });
    expect((await vtdw('lspci', '--host', join(dir, 'n.json'))).err).toBe(`vtdw lspci: ${join(dir, 'n.json')}: 1:1: a host profile must be a JSON object { … }, not null\n`);
  });

  it('says in plain words what is wrong with a field', async () => {
    const dir = scratch();
    const p = seed();
    p.profileVersion = 99;
    delete p.cpu;
    writeFileSync(join(dir, 'v.json'), JSON.stringify(p, null, 1));
    const r = await vtdw('host', 'check', join(dir, 'v.json'));
    expect(r.err).toContain(': 2:20: profileVersion: profile version 99 is newer than this build reads (1)\n');
    expect(r.err).toContain(': 1:1: cpu: missing field\n');
  });
});

describe('one error format for host, lspci and dmar', () => {
  it('reads errors in words, prefixed with the command', async () => {
    expect(await vtdw('lspci', '--host', 'no-such.json')).toEqual({
      code: 1,
      out: '',
      err: 'vtdw lspci: no-such.json: no such file, and no host profile of that name (shipped: desktop-q35-pci-bridge, laptop-gm965-no-vtd, seed-core2-q35, server-2drhd-5520)\n',
    });
    expect((await vtdw('host', 'check', LSPCI)).err).toBe(`vtdw host: ${LSPCI}: cannot read: is a directory (EISDIR)\n`);
  });

  it('locates a malformed dump by line:col', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'd.txt'), readFileSync(DUMP, 'utf8').replace(/^00: /m, '100: '));
    expect(await vtdw('lspci', '--host', join(dir, 'd.txt'))).toMatchObject({ code: 1, out: '', err: expect.stringMatching(/^vtdw lspci: \S+d\.txt: 1:1: device 0000:02:0c\.0 has no complete header row/) });
    writeFileSync(join(dir, 'b.txt'), readFileSync(DUMP, 'utf8').replace(/^0000:02:0c\.0/m, '100:0c.0'));
    expect((await vtdw('host', 'import', join(dir, 'b.txt'))).err).toMatch(/^vtdw host: \S+b\.txt: 1:1: "100:0c\.0" is not a PCI address: the bus must be 2 hex digits \(00-ff\)\n$/);
  });

  it('locates --dmar problems: byte 0x… in a binary table, line:col in JSON', async () => {
    const dir = scratch();
    const bin = readFileSync(join(DMAR, 'vtdw-q35-desktop-e1000.aml'));
    bin[0x24] ^= 1;
    writeFileSync(join(dir, 'bad.aml'), bin);
    expect((await vtdw('host', 'import', DUMP, '--dmar', join(dir, 'bad.aml'))).err).toMatch(/^vtdw host: \S+bad\.aml: byte 0x9: checksum mismatch/);
    writeFileSync(join(dir, 'syntax.json'), '{\n  "revision": 1,\n  "flags": }');
    expect((await vtdw('host', 'import', DUMP, '--dmar', join(dir, 'syntax.json'))).err).toMatch(/^vtdw host: \S+syntax\.json: 3:12: neither a binary DMAR table/);
    writeFileSync(join(dir, 'field.json'), '{\n "revision": 1,\n "hostAddressWidth": "wide",\n "flags": 0,\n "structures": []\n}');
    expect((await vtdw('host', 'import', DUMP, '--dmar', join(dir, 'field.json'))).err).toBe(`vtdw host: ${join(dir, 'field.json')}: 3:22: hostAddressWidth: must be a number, found "wide"\n`);
    expect(existsSync(join(dir, 'field'))).toBe(false);
  });
});
