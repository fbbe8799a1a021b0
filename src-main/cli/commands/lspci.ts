/**
 * `vtdw lspci --host PROFILE|DUMP`: the simulated machine in lspci's own formats (pciutils
 * 3.9 text). A dump given to --host is imported on the fly, so `vtdw lspci --host DUMP -vvv`
 * is this app's answer to `lspci -F DUMP -vvv`.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { readInput, report } from '../file-errors.ts';
import { hostArgPath, noSuchHost } from '../host-arg.ts';
import { ANY, buildPciHost, configAccess, hostFromText, HostProfileError, LspciDumpError, lspci as render, parseIdFilter, parseSlotFilter, type HostProfile } from '../../../src-sim/host/headless.ts';

/** A host as read from --host: the profile, and the text it came from (for line:col). */
export interface LoadedHost {
  profile: HostProfile;
  text: string;
}

/**
 * Reads a profile or a dump for command `cmd`; every problem is printed as
 * `vtdw CMD: FILE: line:col: …`. Returns undefined after printing them.
 */
export async function readHost(file: string, io: CliIO, cmd: string, problem = (where: string | undefined, reason: string) => report(io, cmd, file, where, reason)): Promise<LoadedHost | undefined> {
  const bytes = await readInput(io, cmd, file);
  if (!bytes) return undefined;
  const text = bytes.toString('utf8');
  try {
    return { profile: hostFromText(text, file.replace(/^.*\//, '').replace(/\.[^.]*$/, '')), text };
  } catch (e) {
    if (e instanceof LspciDumpError) problem(`${e.line}:${e.column}`, e.reason);
    else if (e instanceof HostProfileError) for (const i of e.issues) problem(i.at, i.path ? `${i.path}: ${i.message}` : i.message);
    else throw e;
    return undefined;
  }
}

export async function loadHost(file: string, io: CliIO, cmd = 'lspci'): Promise<HostProfile | undefined> {
  return (await readHost(file, io, cmd))?.profile;
}

export const lspci: Command = {
  summary: 'show the simulated host PCI devices as lspci does',
  usage: `Usage: vtdw lspci --host PROFILE|DUMP [-n|-nn] [-v|-vv|-vvv] [-t] [-x|-xxx|-xxxx] [-D]
                  [-s [[[[DOMAIN]:]BUS]:][DEV][.[FUNC]]] [-d [VENDOR]:[DEVICE][:CLASS[:PROGIF]]]

Renders the host's PCI functions in pciutils 3.9's formats. --host takes a host profile
(resources/hosts/*.json) or a real \`lspci -xxx\`/\`-xxxx\` dump, imported on the fly.
  -n, -nn      numeric IDs only / names and numbers
  -v, -vv, -vvv  verbose (capabilities from -vv)
  -t           tree of buses and bridges
  -x, -xxx, -xxxx  hex dump of 64, 256 or 4096 bytes of config space
  -D           always show the PCI domain
  -s SLOT      only devices in that domain/bus/slot/function (hex; empty or * = any)
  -d ID        only devices with that vendor/device/class (hex; empty or * = any)
Like \`lspci -F\`, nothing is shown that is not in config space (no kernel driver lines; the
IRQ is the Interrupt Line register). Names come from the PCI ID database (pci.ids) alone, as
\`lspci -O hwdb.disable=1\` prints them.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        n: { type: 'boolean', short: 'n', multiple: true },
        v: { type: 'boolean', short: 'v', multiple: true },
        x: { type: 'boolean', short: 'x', multiple: true },
        t: { type: 'boolean', short: 't' },
        D: { type: 'boolean', short: 'D' },
        s: { type: 'string', short: 's' },
        d: { type: 'string', short: 'd' },
      },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if (!values.host) throw new UsageError('--host PROFILE|DUMP is required');
    const numeric = Math.min(values.n?.length ?? 0, 2) as 0 | 1 | 2;
    const verbose = Math.min(values.v?.length ?? 0, 3);
    const hex = values.x?.length ?? 0;
    if (hex === 2 || hex > 4) throw new UsageError(`-${'x'.repeat(hex)}: use -x (64 bytes), -xxx (256) or -xxxx (4096)`);
    let filter = ANY;
    for (const [flag, parse, text] of [['-s', parseSlotFilter, values.s], ['-d', parseIdFilter, values.d]] as const) {
      if (text === undefined) continue;
      const r = parse(text, filter);
      if (!r.ok) throw new UsageError(`${flag} ${JSON.stringify(text)}: ${r.message}`);
      filter = r.filter;
    }
    const file = hostArgPath(values.host, io.cwd);
    if (!file) {
      report(io, 'lspci', values.host, undefined, noSuchHost());
      return 1;
    }
    const profile = await loadHost(file, io);
    if (!profile) return 1;
    io.out(render(configAccess(buildPciHost(profile)), { numeric, verbose, hex, tree: !!values.t, domains: !!values.D, filter }));
    return 0;
  },
};
