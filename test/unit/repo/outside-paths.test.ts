/**
 * The repository stands alone: nothing a test, a bench or the app reads may live beside it (a
 * `shared/` folder), in a home directory or in one machine's workspace. ESLint's
 * no-restricted-syntax rule catches such paths in string literals of every source file; this
 * test proves the rule fires and checks the files ESLint does not read.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
// The lint config is plain JS; the specifier is a variable so TypeScript does not look for types.
const LINT_CONFIG = '../../../eslint.config.js';
const { OUTSIDE_PATH } = (await import(LINT_CONFIG)) as { OUTSIDE_PATH: string };
const outside = new RegExp(OUTSIDE_PATH);

describe('paths outside the repository', () => {
  it('are lint errors in string and template literals, while system files and src-shared are not', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    // The probe is lint input, not a path this test reads: its forbidden paths are put together
    // here so that this file itself names none of them.
    const up = '..', sep = '/';
    const probe = [
      `export const a = '${sep}work${sep}shared/data/xen/xmexample.hvm';`,
      `export const b = new URL('${[up, up, up, up, 'shared', 'data', 'lspci', ''].join(sep)}', import.meta.url);`,
      `export const c = \`${sep}home${sep}someone/.ssh/\${"id_rsa"}\`;`,
      "export const d = '~/.vtdw/state.json';",
      `export const e = '${sep}root${sep}.pyenv/versions/2.7.18/bin/python';`,
      "export const ok1 = '/dev/zero';",
      "export const ok2 = '../../src-shared/config/index.ts';",
      "export const ok3 = 'test/fixtures/xen/xmexample.hvm.xen-3.1';",
    ].join('\n');
    const [result] = await eslint.lintText(probe, { filePath: join(ROOT, 'test/unit/repo/probe.ts') });
    const flagged = result.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
    expect(flagged).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);

  it('appear in none of package.json, the tsconfigs and the CI script', () => {
    const files = ['package.json', '.ci/run', ...readdirSync(ROOT).filter((f) => /^tsconfig.*\.json$/.test(f))];
    const hits = files.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => line.split(/["'\s=]+/).filter((w) => outside.test(w)).map((w) => `${f}:${i + 1}: ${w}`)),
    );
    expect(hits).toEqual([]);
  });
});
