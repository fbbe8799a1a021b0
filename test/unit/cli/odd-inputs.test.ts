/**
 * Every vtdw command that takes a file, fed /dev/zero (endless zeros, `stat` says 0 bytes), a
 * FIFO nobody writes to (a plain read blocks forever) and a file one byte over the limit: each
 * ends in one clear line naming the file and why, with exit status 1 (a bad input file), and
 * without reading more than the limit. The README's rule: 0 ok, 1 errors found or a bad input
 * file, 2 the command was called wrongly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import type { CliIO } from '../../../src-main/cli/io.ts';
import { MAX_INPUT_BYTES } from '../../../src-main/cli/file-errors.ts';
import { MAX_TEXT_FILE_BYTES } from '../../../src-shared/files/api.ts';
import { fixture } from '../../fixtures/paths.ts';

const work = mkdtempSync(join(tmpdir(), 'vtdw-odd-cli-'));
const FIFO = join(work, 'pipe');
execFileSync('mkfifo', [FIFO]);
const DUMP = fixture('lspci', 'lkml-2004-82540EM-msi.vxxx');
const SEED_GRUB = fileURLToPath(new URL('../../../resources/samples/grub.conf', import.meta.url));
const SEED_HVM = fileURLToPath(new URL('../../../resources/samples/hvm.conf', import.meta.url));
const vtdwJs = fileURLToPath(new URL('../../../src-main/cli/vtdw.js', import.meta.url));

async function vtdw(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: work };
  return { code: await main(argv, io), out, err };
}

/** Every way a file reaches a command; FILE is replaced by the odd input. */
const CALLS: string[][] = [
  ['parse', 'FILE'],
  ['check', '--hvm', 'FILE'],
  ['check', '--grub', 'FILE'],
  ['check', '--grub', 'FILE', '--hvm', 'FILE'],
  ['check', '--hvm', fixture('xen', 'xmexample.hvm.xen-3.1'), '--host', 'FILE'],
  ['dmar', 'FILE'],
  ['dmar', 'FILE', '--json'],
  ['host', 'import', 'FILE'],
  ['host', 'import', DUMP, '--dmar', 'FILE'],
  ['host', 'check', 'FILE'],
  ['host', 'check', 'FILE', '--json'],
  ['lspci', '--host', 'FILE', '-vvv'],
  ['run', '--grub', 'FILE', '--hvm', SEED_HVM, '--until', 'destroy'],
  ['run', '--grub', SEED_GRUB, '--hvm', 'FILE', '--until', 'destroy'],
  ['run', '--grub', SEED_GRUB, '--hvm', SEED_HVM, '--hvm', 'FILE', '--until', 'first-packet'],
  ['run', '--grub', SEED_GRUB, '--hvm', SEED_HVM, '--host', 'FILE', '--until', 'destroy'],
];

const withFile = (call: string[], file: string) => call.map((a) => (a === 'FILE' ? file : a));

describe('vtdw commands given what is not a regular file', () => {
  for (const [input, kind] of [
    ['/dev/zero', 'is a character device, not a regular file'],
    [FIFO, 'is a FIFO (named pipe), not a regular file'],
  ]) {
    for (const call of CALLS) {
      it(`${withFile(call, input).join(' ')}: exits 1 saying the file ${kind}`, async () => {
        const r = await vtdw(withFile(call, input));
        expect(r.code).toBe(1);
        expect(r.err.split('\n')[0]).toMatch(new RegExp(`^vtdw( \\w+)?: ${input}: cannot read: ${kind.replace(/[()]/g, '\\$&')}$`));
        expect(r.out).toBe('');
      }, 30_000);
    }
  }

  it('refuses a file one byte over the limit, naming the limit, for config files and for dumps', async () => {
    writeFileSync(join(work, 'big.conf'), Buffer.alloc(MAX_TEXT_FILE_BYTES + 1, 0x20));
    writeFileSync(join(work, 'big.dump'), Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20));
    expect(await vtdw(['parse', 'big.conf'])).toEqual({ code: 1, out: '', err: `vtdw parse: big.conf: cannot read: is larger than the ${MAX_TEXT_FILE_BYTES}-byte limit\n` });
    expect(await vtdw(['lspci', '--host', 'big.dump'])).toEqual({ code: 1, out: '', err: `vtdw lspci: big.dump: cannot read: is larger than the ${MAX_INPUT_BYTES}-byte limit\n` });
    expect(await vtdw(['run', '--grub', 'big.conf', '--hvm', SEED_HVM, '--until', 'destroy'])).toEqual({ code: 1, out: '', err: `vtdw run: big.conf: cannot read: is larger than the ${MAX_TEXT_FILE_BYTES}-byte limit\n` });
  }, 30_000);

  it('as a real process too: `vtdw parse /dev/zero` and `vtdw dmar FIFO` end with status 1 and one line', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [vtdwJs, ...args], { timeout: 60_000 }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }));
      });
    expect(await run(['parse', '/dev/zero'])).toEqual({ code: 1, stderr: 'vtdw parse: /dev/zero: cannot read: is a character device, not a regular file\n' });
    expect(await run(['dmar', FIFO])).toEqual({ code: 1, stderr: `vtdw dmar: ${FIFO}: cannot read: is a FIFO (named pipe), not a regular file\n` });
  }, 120_000);
});
