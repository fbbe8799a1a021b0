/**
 * `vtdw` as a user meets it: the package packed with `npm pack`, installed into an empty folder,
 * then run through the bin npm links. It proves the `bin` entry points at a file that ships, that
 * the tarball holds everything the CLI loads, and that its runtime dependencies are declared.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/paths.ts';

const ROOT = join(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'vtdw-pack-'));
const app = join(work, 'app');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
const vtdw = (...args: string[]) => execFileSync(join(app, 'node_modules/.bin/vtdw'), args, { cwd: app, encoding: 'utf8', timeout: 60_000 });

describe('the packed vtdw', () => {
  beforeAll(() => {
    const tarball = npm(['pack', '--silent', '--pack-destination', work, ROOT], work).trim().split('\n').pop()!;
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-folder', private: true }));
    // The npm cache of the machine serves the three runtime dependencies; no build is involved.
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, tarball)], app);
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('prints the package version', () => {
    expect(vtdw('--version').trim()).toBe(pkg.version);
  });

  it('lists every subcommand under --help, through npx as the README shows it', { timeout: 60_000 }, () => {
    const help = execFileSync('npx', ['--no-install', 'vtdw', '--help'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    for (const cmd of ['start', 'serve', 'dmar', 'lspci', 'host', 'parse', 'check', 'run']) expect(help).toMatch(new RegExp(`^\\s+${cmd}\\s`, 'm'));
  });

  it('decodes a real DMAR table to the same JSON as the repository copy does', () => {
    const file = fixture('dmar', 'vtdw-q35-desktop-e1000.aml');
    const decoded = JSON.parse(vtdw('dmar', file, '--json'));
    expect(decoded).toEqual(JSON.parse(readFileSync(fixture('dmar', 'vtdw-q35-desktop-e1000.expected.json'), 'utf8')));
  });

  it('shows the shipped seed host as lspci does', () => {
    expect(vtdw('lspci', '--host', 'seed-core2-q35', '-s', '02:00.0')).toBe(
      '02:00.0 Ethernet controller: Intel Corporation 82572EI Gigabit Ethernet Controller (Copper) (rev 06)\n',
    );
  });

  /**
   * Each `npx vtdw …` line of the README's command-line section, run in the empty folder with
   * the files it names put there (real ones), through the same bin npx runs (npx itself is
   * tested above). `serve` is the e2e suite's start-up path.
   */
  const README_RUNS: Record<string, { args: string[]; expect: RegExp }> = {
    '--help': { args: ['--help'], expect: /Usage: vtdw <command>/ },
    check: { args: ['check', '--hvm', 'hvm.conf', '--grub', 'grub.conf'], expect: /^$/ },
    parse: { args: ['parse', 'hvm.conf', '--json'], expect: /"builder": "hvm"/ },
    dmar: { args: ['dmar', 'table.aml', '--json'], expect: /"registerBase": "0xfed93000"/ },
    lspci: { args: ['lspci', '--host', 'seed-core2-q35', '-vvv'], expect: /^02:00\.0 Ethernet controller: Intel Corporation 82572EI[^]*Capabilities: \[e0\] Express/m },
    run: { args: ['run', '--grub', 'grub.conf', '--hvm', 'hvm.conf', '--until', 'destroy'], expect: /dom1 eth0: first frame received[^]*\ntrace hash / },
    host: { args: ['host', 'import', 'lspci-xxxx.txt', '--dmar', 'DMAR.dat', '-o', 'myhost.json'], expect: /^$/ },
  };

  it('runs every vtdw line of the README', { timeout: 120_000 }, () => {
    copyFileSync(join(ROOT, 'resources/samples/hvm.conf'), join(app, 'hvm.conf'));
    copyFileSync(join(ROOT, 'resources/samples/grub.conf'), join(app, 'grub.conf'));
    copyFileSync(fixture('dmar', 'vtdw-q35-desktop-e1000.aml'), join(app, 'table.aml'));
    copyFileSync(fixture('lspci', 'pciutils-tree-asus-p6t6-x58-ich10r.xxxx'), join(app, 'lspci-xxxx.txt'));
    copyFileSync(fixture('dmar', 'linuxhw-hp-z400-x58-2009.orig.dat'), join(app, 'DMAR.dat'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const lines = [...readme.matchAll(/^npx vtdw (\S+)/gm)].map((m) => m[1]).filter((c) => c !== 'serve');
    expect(lines.length).toBeGreaterThan(5);
    for (const sub of lines) {
      const run = README_RUNS[sub];
      expect(run, `README line 'npx vtdw ${sub}' has no run in this test`).toBeDefined();
      const out = vtdw(...run.args);
      expect(out, `npx vtdw ${run.args.join(' ')}`).toMatch(run.expect);
    }
    expect(JSON.parse(readFileSync(join(app, 'myhost.json'), 'utf8')).pci.length).toBeGreaterThan(10);
  });
});
