/**
 * `vtdw host import DUMP [--dmar FILE] [-o PROFILE]` builds a host profile from a real
 * machine's `lspci -xxx`/`-xxxx` dump (and its DMAR table, binary or `vtdw dmar --json`);
 * `vtdw host check PROFILE` validates one, naming the field path of each problem.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { importLspciDump, LspciDumpError, readDmarForImport } from '../../../src-sim/host/headless.ts';
import { loadHost } from './lspci.ts';

function readFile(file: string, io: CliIO): Buffer | undefined {
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (e) {
    io.err(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return undefined;
  }
}

async function importCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dmar: { type: 'string' }, o: { type: 'string', short: 'o' }, name: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}'` : 'which dump? (vtdw host import DUMP)');
  const file = positionals[0];
  const text = readFile(file, io);
  if (!text) return 1;
  let dmar = null;
  if (values.dmar) {
    const bytes = readFile(values.dmar, io);
    if (!bytes) return 1;
    const r = readDmarForImport(new Uint8Array(bytes));
    if (!r.ok) {
      io.err(`${values.dmar}: ${r.error}\n`);
      return 1;
    }
    dmar = r.dmar;
  }
  try {
    const name = values.name ?? file.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
    const json = JSON.stringify(importLspciDump(text.toString('utf8'), { name, dmar }), null, 1) + '\n';
    if (values.o) writeFileSync(resolve(io.cwd, values.o), json);
    else io.out(json);
    return 0;
  } catch (e) {
    if (!(e instanceof LspciDumpError)) throw e;
    io.err(`${file}:${e.line}: ${e.reason}\n`);
    return 1;
  }
}

export const host: Command = {
  summary: 'import a host profile from an lspci dump, or check one',
  usage: `Usage: vtdw host import DUMP [--dmar FILE] [-o PROFILE] [--name NAME]
       vtdw host check PROFILE

import  builds a host profile (JSON) from \`lspci -xxx\` or \`lspci -xxxx\` output, to stdout
        or to PROFILE with -o. --dmar adds the firmware's DMAR table: the binary table
        (e.g. /sys/firmware/acpi/tables/DMAR) or \`vtdw dmar FILE --json\` output.
check   validates a profile; each problem is printed with its field path.`,
  async run(argv: string[], io: CliIO) {
    const [sub, ...rest] = argv;
    if (sub === 'import') return importCmd(rest, io);
    if (sub === 'check') {
      if (rest.length !== 1) throw new UsageError('which profile? (vtdw host check PROFILE)');
      const p = loadHost(rest[0], io);
      if (!p) return 1;
      io.out(`${rest[0]}: ${p.name}: ${p.pci.length} PCI functions, ${p.dmar ? `DMAR with ${p.dmar.structures.filter((s) => s.type === 'DRHD').length} remapping unit(s)` : 'no DMAR (no VT-d)'}\n`);
      return 0;
    }
    throw new UsageError(sub ? `unknown subcommand '${sub}' (import, check)` : 'import or check?');
  },
};
