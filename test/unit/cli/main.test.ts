import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import type { CliIO } from '../../../src-main/cli/io.ts';
import pkg from '../../../package.json' with { type: 'json' };

function run(argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() };
  return main(argv, io).then((code) => ({ code, out, err }));
}

describe('vtdw', () => {
  it('--version prints the package version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('--help lists the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: vtdw <command>/);
    expect(r.out).toMatch(/^ {2}serve +serve the app to a local browser/m);
    expect(r.out).toMatch(/^ {2}start /m);
  });

  it('an unknown command is a usage error (exit 2) that suggests the nearest one', async () => {
    const r = await run(['serv']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("vtdw: unknown command 'serv' (did you mean 'serve'?); see 'vtdw --help'\n");
  });

  it('serve --help prints its usage', async () => {
    const r = await run(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--port N/);
  });

  it('a bad port, root, simulator cap or an unknown option says which and why (exit 2)', async () => {
    expect(await run(['serve', '--port', '70000'])).toMatchObject({ code: 2, err: 'vtdw serve: --port "70000": expected a TCP port number from 1 to 65535\n' });
    expect(await run(['serve', '--root', '/no/such/folder'])).toMatchObject({ code: 2, err: 'vtdw serve: --root "/no/such/folder": no such folder\n' });
    expect(await run(['start', '--root', 'package.json'])).toMatchObject({ code: 2, err: 'vtdw start: --root "package.json": not a folder\n' });
    expect(await run(['serve', '--max-sims', '0'])).toMatchObject({ code: 2, err: 'vtdw serve: --max-sims "0": expected a number of simulators from 1 to 256\n' });
    const r = await run(['serve', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vtdw serve: Unknown option '--frobnicate'/);
  });
});
