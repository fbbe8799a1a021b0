/**
 * Golden files for `vtdw parse` and `vtdw check` on the real example configs and the seed's
 * literal instructions. Outputs are compared exactly; regenerate deliberately with
 * `npm run test:golden` and review
 * the diff like code.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import { XEN_FIXTURES } from '../../fixtures/paths.ts';
import { expectGolden } from '../../golden/golden.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const DATA = XEN_FIXTURES;

async function vtdw(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

function golden(name: string, actual: string): void {
  expectGolden(`config/${name}`, actual);
}

const examples = readdirSync(DATA).filter((f) => !f.endsWith('.md'));

describe('vtdw parse', () => {
  it.each(examples)('%s', async (f) => {
    const text = await vtdw(['parse', f], DATA);
    const json = await vtdw(['parse', f, '--json'], DATA);
    expect([text.code, json.code, text.err + json.err]).toEqual([0, 0, '']);
    golden(`parse/${f}.txt`, text.out);
    golden(`parse/${f}.json`, json.out);
  });
});

const CHECKS: [name: string, args: string[], cwd: string, exit: number][] = [
  ['seed-mistakes', ['--hvm', 'test/golden/config/inputs/seed-mistakes.hvm.conf', '--grub', 'test/golden/config/inputs/seed-mistakes.grub.conf'], ROOT, 1],
  ['samples', ['--hvm', 'resources/samples/hvm.conf', '--grub', 'resources/samples/grub.conf'], ROOT, 0],
  ['howto-2007', ['--hvm', 'xmexample.hvm.xen-3.2.0-rc6', '--grub', 'grub.conf.vtd-howto.xen-unstable-2007-10-25'], DATA, 0],
  ['howto-3.3-as-3.4', ['--hvm', 'xmexample.hvm.xen-3.4.0-rc3', '--grub', 'grub.conf.vtd-howto.xen-3.3', '--era', '3.4'], DATA, 0],
  ['howto-3.3-in-2007', ['--grub', 'grub.conf.vtd-howto.xen-3.3'], DATA, 1],
  ['xl-4.19', ['--hvm', 'xlexample.hvm.xen-4.19.0', '--era', '4.19'], DATA, 0],
  ['xm-4.0-laptop', ['--hvm', 'xmexample.hvm.xen-4.0.0', '--era', '4.0', '--host', 'laptop-gm965-no-vtd'], DATA, 0],
  ['xmexample3-no-vmid', ['--hvm', 'test/fixtures/xm-configs/xmexample3.xen-4.0.0', '--era', '4.0'], ROOT, 1],
  ['xmexample3-vmid-1', ['--hvm', 'test/fixtures/xm-configs/xmexample3.xen-4.0.0', '--era', '4.0', '--var', 'vmid=1'], ROOT, 0],
  ['xmexample-hvm-in-4.19', ['--hvm', 'xmexample.hvm.xen-4.0.0', '--era', '4.19'], DATA, 1],
  ['xmexample-vmx-3.0', ['--hvm', 'test/fixtures/xm-configs/xmexample.vmx.xen-3.0.0', '--era', '3.0'], ROOT, 0],
  ['grub2-opensuse-4.19', ['--grub', 'test/fixtures/grub/grub.cfg.opensuse-xen-cho1', '--era', '4.19'], ROOT, 0],
  ['menu-lst-xen-3.0', ['--grub', 'test/fixtures/grub/menu.lst.debian-bug343076-xen-3.0.0', '--era', '3.0'], ROOT, 0],
  ['dom0-devices', ['--hvm', 'test/golden/config/inputs/dom0-devices.hvm.conf', '--grub', 'test/golden/config/inputs/seed-mistakes.grub.conf'], ROOT, 1],
];

const PARSES: [name: string, args: string[]][] = [
  ['xmexample2-vmid-3', ['test/fixtures/xm-configs/xmexample2.xen-3.1.0', '--var', 'vmid=3']],
  ['grub2-opensuse', ['test/fixtures/grub/grub.cfg.opensuse-xen-cho1']],
];

describe('vtdw parse of fixtures', () => {
  it.each(PARSES)('%s', async (name, args) => {
    const text = await vtdw(['parse', ...args], ROOT);
    const json = await vtdw(['parse', ...args, '--json'], ROOT);
    expect(text.err + json.err).toBe('');
    golden(`parse/${name}.txt`, text.out);
    golden(`parse/${name}.json`, json.out);
  });
  it('refuses a --var that is not NAME=VALUE', async () => {
    const r = await vtdw(['parse', 'test/fixtures/xm-configs/xmexample2.xen-3.1.0', '--var', 'vmid'], ROOT);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--var "vmid": expected NAME=VALUE/);
  });
});

describe('vtdw check', () => {
  it.each(CHECKS)('%s', async (name, args, cwd, exit) => {
    const text = await vtdw(['check', ...args], cwd);
    const json = await vtdw(['check', ...args, '--json'], cwd);
    expect([text.code, json.code, text.err + json.err]).toEqual([exit, exit, '']);
    golden(`check/${name}.txt`, text.out);
    golden(`check/${name}.json`, json.out);
  });

  it('says clearly when a file cannot be read, with exit 1', async () => {
    expect(await vtdw(['check', '--hvm', 'no/such.conf'], ROOT)).toEqual({ code: 1, out: '', err: 'vtdw check: no/such.conf: cannot read: no such file\n' });
    expect(await vtdw(['parse', 'test'], ROOT)).toEqual({ code: 1, out: '', err: 'vtdw parse: test: cannot read: is a directory\n' });
    expect((await vtdw(['check', '--hvm', 'x', '--era', '5.0'], ROOT)).code).toBe(2);
    expect((await vtdw(['parse', 'x', '--kind', 'yaml'], ROOT)).err).toMatch(/--kind "yaml": expected one of hvm, xl, grub/);
  });

  it('says where and why a file is not UTF-8 text or is binary, with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtdw-bad-'));
    writeFileSync(join(dir, 'latin1.conf'), Buffer.from("memory = 1\nname = 'caf\xe9'\n", 'latin1'));
    writeFileSync(join(dir, 'nul.conf'), Buffer.from('a = 1\0\n'));
    writeFileSync(join(dir, 'cut.conf'), Buffer.from([0x61, 0x3d, 0x27, 0xc3]));
    expect(await vtdw(['parse', 'latin1.conf'], dir)).toEqual({ code: 1, out: '', err: 'vtdw parse: latin1.conf: not UTF-8 text: byte 0xe9 at byte 22 (line 2, column 12) does not start a valid UTF-8 character; save the file as UTF-8\n' });
    expect(await vtdw(['check', '--hvm', 'nul.conf'], dir)).toEqual({ code: 1, out: '', err: 'vtdw check: nul.conf: binary file, not a text config: NUL byte at byte 5 (line 1, column 6)\n' });
    expect((await vtdw(['parse', 'cut.conf'], dir)).err).toMatch(/byte 0xc3 at byte 3 \(line 1, column 4\)/);
  });

  it('prints ints beyond 2^53 in --json with all their digits, as Python\'s json does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtdw-big-'));
    writeFileSync(join(dir, 'big.conf'), 'a = 2 ** 100\nb = 0xffffffffffffffffL\nc = 10 ** 20 / 3\nd = [-2 ** 63]\ne = 1\n');
    const r = await vtdw(['parse', 'big.conf', '--json', '--kind', 'hvm'], dir);
    expect(r.out).toContain('"a": 1267650600228229401496703205376,\n    "b": 18446744073709551615,\n    "c": 33333333333333333333,\n    "d": [\n      -9223372036854775808\n    ],\n    "e": 1\n');
  });

  it('check --json gives the grub.conf edit of a guest\'s pci-not-hidden fix, naming that file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtdw-fix-'));
    writeFileSync(join(dir, 'hvm.conf'), "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = 'qemu-dm'\nacpi = 0\napic = 0\npci = [ '02:00.0' ]\n");
    writeFileSync(join(dir, 'grub.conf'), 'title Xen\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro\n');
    const r = await vtdw(['check', '--hvm', 'hvm.conf', '--grub', 'grub.conf', '--json'], dir);
    const d = JSON.parse(r.out).diagnostics.find((x: { code: string }) => x.code === 'pci-not-hidden');
    expect(d.fixes).toEqual([{ title: 'Hide 02:00.0 from dom0 in grub.conf', edits: [{ file: 'grub.conf', line: 3, column: 32, endLine: 3, endColumn: 32, text: ' pciback.hide=(02:00.0)' }] }]);
  });
});
