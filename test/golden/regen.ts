/**
 * `npm run test:golden`: regenerates every golden file. It finds the tests that use the golden
 * helper (test/golden/golden.ts) and runs them with UPDATE_GOLDEN=1; review the diff like code.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const users = testFiles(join(root, 'test')).filter((f) => /from '[./]*golden\/golden\.ts'/.test(readFileSync(f, 'utf8')));
if (users.length === 0) {
  process.stderr.write('test:golden: no test imports test/golden/golden.ts\n');
  process.exit(2);
}
process.stderr.write(`test:golden: regenerating through ${users.map((f) => relative(root, f)).join(', ')}\n`);
const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'node', ...users.map((f) => relative(root, f))], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UPDATE_GOLDEN: '1' },
});
process.exit(r.status ?? 1);
