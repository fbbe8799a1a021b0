/** The DMAR test tables of /work/shared/data/dmar (README there): binaries and their oracles. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DMAR_DATA = '/work/shared/data/dmar';

export interface DmarSample {
  /** File name, e.g. "linuxhw-hp-dc7800-q35-2007.orig.dat". */
  file: string;
  /** Table name shared by its .dsl/.expected.json. */
  name: string;
  bytes: Uint8Array;
  expected: unknown;
}

/** Every binary table (`.aml` compiled by iASL, `.orig.dat` as dumped on the machine). */
export function dmarSamples(): DmarSample[] {
  return readdirSync(DMAR_DATA)
    .filter((f) => f.endsWith('.aml') || f.endsWith('.orig.dat'))
    .sort()
    .map((file) => {
      const name = file.replace(/\.(aml|orig\.dat)$/, '');
      return { file, name, bytes: new Uint8Array(readFileSync(join(DMAR_DATA, file))), expected: JSON.parse(readFileSync(join(DMAR_DATA, `${name}.expected.json`), 'utf8')) };
    });
}

/**
 * The oracle in the issue's shape. The data folder's oracles name an RHSA's register base
 * "baseAddress"; issue 5 names the register base address field "registerBase" (as for DRHD),
 * and the issue wins.
 */
export function inIssueShape(expected: unknown): unknown {
  const e = structuredClone(expected) as { structures: Record<string, unknown>[] };
  for (const s of e.structures) {
    if (s.type === 'RHSA' && 'baseAddress' in s) {
      s.registerBase = s.baseAddress;
      delete s.baseAddress;
    }
  }
  return e;
}
