/**
 * `vtdw host import DUMP [--dmar FILE] [-o PROFILE]` builds a host profile from a real
 * machine's `lspci -xxx`/`-xxxx` dump (and its DMAR table, binary or `vtdw dmar --json`);
 * `vtdw host check PROFILE [--json]` validates one, naming where each problem is, and warns
 * about bytes no firmware would leave (BARs outside bridge windows, overlapping decoders).
 * Problems print as `vtdw host: FILE: WHERE: REASON`.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { readInput, report, writeOutput } from '../file-errors.ts';
import { importLspciDump, lineColumn, LspciDumpError, pathOffset, plausibilityWarnings, readDmarForImport, scanJson, type DmarTable } from '../../../src-sim/host/headless.ts';
import { readHost } from './lspci.ts';

const CMD = 'host';

async function importCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dmar: { type: 'string' }, o: { type: 'string', short: 'o' }, name: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}'` : 'which dump? (vtdw host import DUMP)');
  const file = positionals[0];
  const text = await readInput(io, CMD, file);
  if (!text) return 1;
  let dmar: DmarTable | null = null;
  if (values.dmar) {
    const bytes = await readInput(io, CMD, values.dmar);
    if (!bytes) return 1;
    const r = readDmarForImport(new Uint8Array(bytes));
    if (!r.ok) {
      report(io, CMD, values.dmar, r.error.at, r.error.reason);
      return 1;
    }
    for (const w of r.warnings) report(io, CMD, values.dmar, w.at, `warning: ${w.reason}`);
    dmar = r.dmar;
  }
  let json: string;
  try {
    const name = values.name ?? file.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
    json = JSON.stringify(importLspciDump(text.toString('utf8'), { name, dmar }), null, 1) + '\n';
  } catch (e) {
    if (!(e instanceof LspciDumpError)) throw e;
    report(io, CMD, file, `${e.line}:${e.column}`, e.reason);
    return 1;
  }
  if (!values.o) {
    io.out(json);
    return 0;
  }
  return (await writeOutput(io, CMD, values.o, json)) ? 0 : 1;
}

interface Finding {
  at?: string;
  path?: string;
  message: string;
}

async function checkCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument '${positionals[1]}'` : 'which profile? (vtdw host check PROFILE)');
  const file = positionals[0];
  const errors: Finding[] = [];
  const loaded = values.json ? await readHost(file, io, CMD, (at, message) => errors.push({ at, message })) : await readHost(file, io, CMD);
  if (!loaded) {
    if (values.json && errors.length) io.out(JSON.stringify({ file, ok: false, errors, warnings: [] }, null, 2) + '\n');
    return 1;
  }
  const { profile: p, text } = loaded;
  const scan = /^\s*\{/.test(text) ? scanJson(text) : undefined;
  const warnings: Finding[] = plausibilityWarnings(p).map((w) => ({ at: scan ? lineColumn(text, pathOffset(scan, w.path)) : undefined, path: w.path, message: w.message }));
  const units = p.dmar ? p.dmar.structures.filter((s) => s.type === 'DRHD').length : 0;
  if (values.json) {
    io.out(JSON.stringify({ file, ok: true, name: p.name, functions: p.pci.length, remappingUnits: p.dmar ? units : null, errors, warnings }, null, 2) + '\n');
    return 0;
  }
  for (const w of warnings) report(io, CMD, file, w.at, `warning: ${w.path}: ${w.message}`);
  const dmar = p.dmar ? `DMAR with ${units} remapping unit(s)` : 'no DMAR (no VT-d)';
  io.out(`${file}: ${p.name}: ${p.pci.length} PCI functions, ${dmar}${warnings.length ? `; ${warnings.length} warning(s)` : ''}\n`);
  return 0;
}

export const host: Command = {
  summary: 'import a host profile from an lspci dump, or check one',
  usage: `Usage: vtdw host import DUMP [--dmar FILE] [-o PROFILE] [--name NAME]
       vtdw host check PROFILE [--json]

import  builds a host profile (JSON) from \`lspci -xxx\` or \`lspci -xxxx\` output, to stdout
        or to PROFILE with -o (written whole or not at all). --dmar adds the firmware's DMAR
        table: the binary table (e.g. /sys/firmware/acpi/tables/DMAR) or
        \`vtdw dmar FILE --json\` output.
check   validates a profile (or a dump); each problem is printed as
        "vtdw host: FILE: LINE:COL: FIELD: reason" with exit status 1. Bytes no firmware
        would leave (a BAR outside its bridge's window, overlapping decoders, an IRQ line
        that is no GSI, an RMRR outside RAM) are warnings; the exit status stays 0.
        --json prints { file, ok, name, functions, remappingUnits, errors, warnings }.`,
  async run(argv: string[], io: CliIO) {
    const [sub, ...rest] = argv;
    if (sub === 'import') return importCmd(rest, io);
    if (sub === 'check') return checkCmd(rest, io);
    throw new UsageError(sub ? `unknown subcommand '${sub}' (import, check)` : 'import or check?');
  },
};
