// Every real dump in test/fixtures/lspci and test/fixtures/lspci-recent, imported as a host,
// renders line for line as pciutils 3.9 did (renders made with `-O hwdb.disable=1`: names from
// pci.ids alone, see the folders' READMEs).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importLspciDump } from '../../../src-sim/hw/host-import.ts';
import { buildPciHost } from '../../../src-sim/hw/host-profile.ts';
import { configAccess } from '../../../src-sim/hw/pci/pci-access.ts';
import { parseLspciDump } from '../../../src-sim/hw/pci/lspci-dump.ts';
import { lspci } from '../../../src-sim/guest/lspci/lspci.ts';
import { LSPCI_FIXTURES, LSPCI_RECENT_FIXTURES } from '../../fixtures/paths.ts';
import { pathToFileURL } from 'node:url';

const DIRS = [LSPCI_FIXTURES, LSPCI_RECENT_FIXTURES].map((d) => pathToFileURL(d + '/'));
const dumps = DIRS.flatMap((dir) => readdirSync(dir).filter((f) => !f.endsWith('.txt') && !f.endsWith('.md')).map((name) => ({ name, dir, toString: () => name })));

/** Lines where our render and the real one differ (expected: none). */
function differences(got: string, want: string): string[] {
  const a = got.split('\n');
  const b = want.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(`line ${i + 1}: got ${JSON.stringify(a[i])} want ${JSON.stringify(b[i])}`);
  return out;
}

/** Known, accepted differences per dump and format — none today; a new one fails the test. */
const KNOWN_DIFFERENCES: Record<string, string[]> = {};

describe.each(dumps)('%s', ({ name, dir: DIR }) => {
  const text = readFileSync(new URL(name, DIR), 'utf8');
  const access = configAccess(buildPciHost(importLspciDump(text, { name })));
  const oracle = (fmt: string) => readFileSync(new URL(`${name}.lspci-${fmt}.txt`, DIR), 'utf8');

  it.each([
    ['vvv', { verbose: 3 }],
    ['nn', { numeric: 2 as const }],
    ['xxx', { hex: 3 }],
    ['tv', { tree: true, verbose: 1 }],
  ])('lspci -%s matches the real lspci render', (fmt, opts) => {
    expect(differences(lspci(access, opts), oracle(fmt))).toEqual(KNOWN_DIFFERENCES[`${name} -${fmt}`] ?? []);
  });

  it('round-trips: -xxxx of the imported host gives every dumped byte back', () => {
    const again = parseLspciDump(lspci(access, { hex: 4 }));
    const orig = parseLspciDump(text);
    expect(again.map((d) => d.bdf)).toEqual(orig.map((d) => d.bdf));
    orig.forEach((d, i) => {
      // lspci prints 64, 256 or 4096 bytes: whatever the dump held, at those boundaries.
      const shown = d.bytes.length >= 4096 ? 4096 : d.bytes.length >= 256 ? 256 : 64;
      expect(Array.from(again[i].bytes.subarray(0, shown))).toEqual(Array.from(d.bytes.subarray(0, shown)));
    });
  });
});
