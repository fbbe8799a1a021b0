// Golden files: every lspci format rendered from the seed host profile, and the tree, names,
// verbose and hex renders of the server and the no-VT-d laptop. Regenerate explicitly:
// UPDATE_GOLDEN=1 npx vitest run --project node test/unit/pci/lspci-golden.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPciHost, parseHostProfile } from '../../../src-sim/hw/host-profile.ts';
import { configAccess } from '../../../src-sim/hw/pci/pci-access.ts';
import { lspci, type LspciOptions } from '../../../src-sim/guest/lspci/lspci.ts';

const GOLDEN = new URL('../../golden/lspci/', import.meta.url);
const load = (name: string) => parseHostProfile(readFileSync(new URL(`../../../resources/hosts/${name}.json`, import.meta.url), 'utf8'));

const FORMATS: [string, LspciOptions][] = [
  ['default', {}],
  ['n', { numeric: 1 }],
  ['nn', { numeric: 2 }],
  ['v', { verbose: 1 }],
  ['vv', { verbose: 2 }],
  ['vvv', { verbose: 3 }],
  ['t', { tree: true }],
  ['tv', { tree: true, verbose: 1 }],
  ['x', { hex: 1 }],
  ['xxx', { hex: 3 }],
  ['xxxx', { hex: 4 }],
  ['vvv-nn-xxx', { verbose: 3, numeric: 2, hex: 3 }],
];
const OTHER_HOST_FORMATS = new Set(['nn', 'vvv', 't', 'tv', 'xxx']);

function golden(file: URL, got: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, got);
  }
  expect(existsSync(file), `missing golden file ${file.pathname}; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(got).toBe(readFileSync(file, 'utf8'));
}

describe('lspci of the seed host (golden files)', () => {
  const profile = load('seed-core2-q35');
  it.each(FORMATS)('lspci -%s', (name, opts) => {
    golden(new URL(`seed-core2-q35.lspci-${name}.txt`, GOLDEN), lspci(configAccess(buildPciHost(profile)), opts));
  });
});

describe.each(['server-2drhd-5520', 'laptop-gm965-no-vtd'])('lspci of %s (golden files)', (host) => {
  const profile = load(host);
  it.each(FORMATS.filter(([name]) => OTHER_HOST_FORMATS.has(name)))('lspci -%s', (name, opts) => {
    golden(new URL(`${host}.lspci-${name}.txt`, GOLDEN), lspci(configAccess(buildPciHost(profile)), opts));
  });
});
