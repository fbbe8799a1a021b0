/**
 * Golden files for `vtdw parse` and `vtdw check` on the real example configs and the seed's
 * literal instructions. Outputs are compared exactly; regenerate deliberately with
 * `UPDATE_GOLDEN=1 npx vitest run --project node test/unit/config/cli-golden.test.ts` and review
 * the diff like code.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const DATA = '/work/shared/data/xen';
const GOLDEN = join(ROOT, 'test/golden/config');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function vtdw(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`missing golden ${name}; create it with UPDATE_GOLDEN=1`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
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
];

describe('vtdw check', () => {
  it.each(CHECKS)('%s', async (name, args, cwd, exit) => {
    const text = await vtdw(['check', ...args], cwd);
    const json = await vtdw(['check', ...args, '--json'], cwd);
    expect([text.code, json.code, text.err + json.err]).toEqual([exit, exit, '']);
    golden(`check/${name}.txt`, text.out);
    golden(`check/${name}.json`, json.out);
  });

  it('says clearly when a file cannot be read, with exit 2', async () => {
    expect(await vtdw(['check', '--hvm', 'no/such.conf'], ROOT)).toEqual({ code: 2, out: '', err: 'vtdw: no/such.conf: cannot read: no such file\n' });
    expect(await vtdw(['parse', 'test'], ROOT)).toEqual({ code: 2, out: '', err: 'vtdw: test: cannot read: is a directory\n' });
    expect((await vtdw(['check', '--hvm', 'x', '--era', '5.0'], ROOT)).code).toBe(2);
    expect((await vtdw(['parse', 'x', '--kind', 'yaml'], ROOT)).err).toMatch(/--kind "yaml": expected one of hvm, xl, grub/);
  });
});
