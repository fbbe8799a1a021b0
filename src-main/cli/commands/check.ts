/**
 * `vtdw check --hvm FILE --grub FILE [--host PROFILE] [--era E] [--json]`: the editor's checks on
 * the command line. Guest configs (hvm.conf or xl.cfg, `--hvm` may repeat: guests checked together
 * must not share a device) and the boot config are checked together against a host profile —
 * by default the seed's, resources/hosts/seed-core2-q35.json — and an era (default 2007).
 * Prints `file:line:col: severity code: message`; exits 1 when any error is found.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { hostArgPath, noSuchHost } from '../host-arg.ts';
import { checkFiles, DEFAULT_ERA, ERAS, isEra, SEED_HOST, type HostFacts } from '../../../src-shared/config/index.ts';
import { hostFactsFromProfile } from '../../../src-shared/config/host-facts.ts';
import { diagnosticJson, diagnosticLine, parseVars, readConfig } from './parse.ts';
import { readHost } from './lspci.ts';

export const DEFAULT_HOST_PROFILE = 'seed-core2-q35';

/** `--host` as a file, or as the name of a profile in resources/hosts/. */
async function resolveHost(arg: string | undefined, io: CliIO): Promise<HostFacts | undefined | null> {
  const name = arg ?? DEFAULT_HOST_PROFILE;
  const file = hostArgPath(name, io.cwd);
  if (!file) {
    if (arg === undefined) return SEED_HOST; // bundled profile missing: the built-in copy of it
    io.err(`vtdw check: --host ${arg}: ${noSuchHost()}\n`);
    return null;
  }
  // The one reader of profiles and dumps: problems print as `vtdw check: FILE: line:col: …`.
  const loaded = await readHost(file, io, 'check');
  return loaded ? hostFactsFromProfile(loaded.profile) : null;
}

export const check: Command = {
  summary: 'check hvm.conf / xl.cfg and grub.conf against a host and an era',
  usage: `Usage: vtdw check [--hvm FILE]... [--grub FILE] [--host PROFILE] [--era E] [--var NAME=VALUE]... [--json]

Checks guest configs (hvm.conf for xm, or xl.cfg) and the boot loader config together, as
xm/xend, xl, GRUB, Xen and dom0 Linux of the era would treat them. The grub.conf's
pciback.hide= tells which devices the guests may take; repeated --hvm files must not share one.
  --host PROFILE  host profile file or name in resources/hosts/ (default ${DEFAULT_HOST_PROFILE})
  --era E         one of ${ERAS.join(', ')} (default ${DEFAULT_ERA})
  --var NAME=VALUE  an xm command-line variable (xm create FILE vmid=1) for xm_vars configs
  --json          print { "diagnostics": [ { file, line, column, endLine, endColumn,
                  severity, code, message, fixes } ] }
Exit status: 0 no errors, 1 errors found or an input file is bad (unreadable, not a regular
file, binary, over 4 MiB), 2 the command was called wrongly.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { hvm: { type: 'string', multiple: true }, grub: { type: 'string' }, host: { type: 'string' }, era: { type: 'string' }, json: { type: 'boolean' }, var: { type: 'string', multiple: true } },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (give files with --hvm and --grub)`);
    const hvm = values.hvm ?? [];
    if (!hvm.length && !values.grub) throw new UsageError('nothing to check: give --hvm FILE and/or --grub FILE');
    if (values.era !== undefined && !isEra(values.era)) throw new UsageError(`--era ${JSON.stringify(values.era)}: expected one of ${ERAS.join(', ')}`);
    const era = values.era && isEra(values.era) ? values.era : DEFAULT_ERA;
    const host = await resolveHost(values.host, io);
    if (host === null) return 1;
    const guests = [];
    for (const f of hvm) {
      const text = await readConfig(f, io, 'check');
      if (text === undefined) return 1;
      guests.push({ name: f, text });
    }
    let grub;
    if (values.grub) {
      const text = await readConfig(values.grub, io, 'check');
      if (text === undefined) return 1;
      grub = { name: values.grub, text };
    }
    const results = checkFiles({ guests, grub }, { era, host, vars: parseVars(values.var) });
    // Command-line order: guests first, then the boot config.
    results.sort((a, b) => (a.kind === 'grub' ? 1 : 0) - (b.kind === 'grub' ? 1 : 0));
    const all = results.flatMap((r) => r.diagnostics.map((d) => ({ file: r.name, d })));
    if (values.json) io.out(JSON.stringify({ diagnostics: all.map(({ file, d }) => diagnosticJson(file, d)) }, null, 2) + '\n');
    else for (const { file, d } of all) io.out(diagnosticLine(file, d) + '\n');
    return all.some(({ d }) => d.severity === 'error') ? 1 : 0;
  },
};
