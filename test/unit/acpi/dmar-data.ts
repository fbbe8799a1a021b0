/** The DMAR test tables of test/fixtures/dmar (README there): binaries and their oracles. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DMAR_FIXTURES } from '../../fixtures/paths.ts';

export const DMAR_DATA = DMAR_FIXTURES;

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


