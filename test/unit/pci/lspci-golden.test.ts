// Golden files: every lspci format rendered from the seed host profile, and the tree, names,
// verbose and hex renders of the server, the no-VT-d laptop and the bridge desktop. Regenerate explicitly:
// npm run test:golden
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { expectGolden } from '../../golden/golden.ts';
import { buildPciHost, parseHostProfile } from '../../../src-sim/hw/host-profile.ts';
import { configAccess } from '../../../src-sim/hw/pci/pci-access.ts';
import { lspci, type LspciOptions } from '../../../src-sim/guest/lspci/lspci.ts';

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

describe('lspci of the seed host (golden files)', () => {
  const profile = load('seed-core2-q35');
  it.each(FORMATS)('lspci -%s', (name, opts) => {
    expectGolden(`lspci/seed-core2-q35.lspci-${name}.txt`, lspci(configAccess(buildPciHost(profile)), opts));
  });
});

describe.each(['server-2drhd-5520', 'laptop-gm965-no-vtd', 'desktop-q35-pci-bridge'])('lspci of %s (golden files)', (host) => {
  const profile = load(host);
  it.each(FORMATS.filter(([name]) => OTHER_HOST_FORMATS.has(name)))('lspci -%s', (name, opts) => {
    expectGolden(`lspci/${host}.lspci-${name}.txt`, lspci(configAccess(buildPciHost(profile)), opts));
  });
});
