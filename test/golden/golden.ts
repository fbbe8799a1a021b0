/**
 * The one golden-file helper. `expectGolden('lspci/seed-core2-q35.lspci-t.txt', text)` compares
 * `text` with test/golden/<path>; with UPDATE_GOLDEN=1 it (re)writes the file first, which is
 * what `npm run test:golden` does for every golden test. A missing file is a failure that says
 * how to create it, never a silent pass.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN_DIR = fileURLToPath(new URL('.', import.meta.url));
export const UPDATING_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** Absolute path of a golden file, from its path under test/golden. */
export function goldenPath(relative: string): string {
  return join(GOLDEN_DIR, relative);
}

/** Compares `actual` with the golden file (UPDATE_GOLDEN=1 rewrites it first). */
export function expectGolden(relative: string, actual: string): void {
  const file = goldenPath(relative);
  if (UPDATING_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `missing golden file test/golden/${relative}; create it with npm run test:golden`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
