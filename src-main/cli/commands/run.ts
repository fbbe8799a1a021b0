/**
 * `vtdw run --grub FILE --hvm FILE… --until first-packet|destroy`: the seed's recipe without a
 * window. The simulated host powers on from the grub.conf, `xm create`s each hvm.conf, waits
 * for the link partner's first frame to reach every assigned guest, and (until destroy) `xm
 * destroy`s them. Prints the event log; on a failure, what failed as the real tool printed it.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { report } from '../file-errors.ts';
import { hostArgPath, noSuchHost } from '../host-arg.ts';
import { ATTACKS, attackText, DEFAULT_SEED, eraRefusal, runVtd, World, XEN_ERAS, type AttackKind, type HostProfile, type RunFile, type RunResult, type RunUntil } from '../../../src-sim/host/headless.ts';
import { DEFAULT_ERA } from '../../../src-shared/config/era.ts';
import { readConfig } from './parse.ts';
import { readHost } from './lspci.ts';
import { DEFAULT_HOST_PROFILE } from './check.ts';

const UNTIL: readonly RunUntil[] = ['first-packet', 'destroy'];

async function loadProfile(arg: string | undefined, io: CliIO): Promise<HostProfile | undefined> {
  const name = arg ?? DEFAULT_HOST_PROFILE;
  const file = hostArgPath(name, io.cwd);
  if (!file) {
    report(io, 'run', name, undefined, noSuchHost());
    return undefined;
  }
  return (await readHost(file, io, 'run'))?.profile;
}

async function readAll(files: string[], io: CliIO): Promise<RunFile[] | undefined> {
  const out: RunFile[] = [];
  for (const name of files) {
    const text = await readConfig(name, io, 'run');
    if (text === undefined) return undefined;
    out.push({ name, text });
  }
  return out;
}

/** The JSON document `--json` prints: the run's result as runVtd returns it. */
export function runJson(r: RunResult): string {
  const doc = { result: r.result, failure: r.failure ?? null, virtualNs: r.virtualNs, hypercalls: r.hypercalls, events: r.events, traceHash: r.traceHash, ...(r.attack ? { attack: r.attack } : {}) };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** What the failing tool printed (xm's `Error: …`, Xen's panic), then where it happened. */
function failureText(r: RunResult): string {
  const f = r.failure!;
  return `${f.message}\nvtdw run: ${f.file ? `${f.file}: ` : ''}${f.stage} failed\n`;
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEED;
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--seed ${JSON.stringify(text)}: expected a non-negative integer`);
  return Number(text);
}

export const run: Command = {
  summary: 'boot the simulated host, xm create the guests, run to the first packet or destroy',
  usage: `Usage: vtdw run --grub FILE --hvm FILE [--hvm FILE]... [--host PROFILE] [--era E]
                --until first-packet|destroy [--seed N] [--trace] [--json]
                [--attack dma|ioport|bar]

Powers the simulated host on from grub.conf's default entry (Xen, dom0 and its pciback.hide),
runs \`xm create\` for each hvm.conf in turn, lets the link partner send one frame to each
assigned NIC and waits until every guest's e1000 driver received it; with --until destroy it
then runs \`xm destroy\` for each guest. Prints the event log: Xen's console, dom0's and the
guests' kernel messages, xend, xm, qemu-dm and every hypercall, each with its virtual time.
  --host PROFILE  host profile file or name in resources/hosts/ (default ${DEFAULT_HOST_PROFILE})
  --era E         Xen of ${XEN_ERAS.join(', ')} (default ${DEFAULT_ERA}); other eras are not modelled
  --seed N        the simulation's seed (default ${DEFAULT_SEED}): the same files and seed give
                  the same trace hash
  --trace         every trace record (hardware, interrupts, DMA) instead of the log lines alone
  --json          print { "result", "failure", "virtualNs", "hypercalls", "events", "traceHash" }
                  (and "attack" with --attack)
  --attack KIND   the guest holding the assigned NIC runs a malicious driver instead of e1000:
                  dma (receive DMA aimed at Xen's, dom0's and other guests' pages and past its
                  RAM), ioport (machine ports it was not given), bar (foreign BARs mapped or
                  touched); prints each attempt with the VT-d fault record or Xen's refusal and
                  the hashes of all other memory before and after. --until defaults to destroy.
Exit status: 0 the run reached --until (with --attack: every attempt blocked, no other memory
changed), 1 boot, create, assignment or the first packet failed
(the failing tool's own message is printed on stderr) or an input file is bad, 2 the command was
called wrongly (including an era the simulator does not model).`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { attack: { type: 'string' }, grub: { type: 'string' }, hvm: { type: 'string', multiple: true }, host: { type: 'string' }, era: { type: 'string' }, until: { type: 'string' }, seed: { type: 'string' }, trace: { type: 'boolean' }, json: { type: 'boolean' } },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (give files with --grub and --hvm)`);
    if (!values.grub) throw new UsageError('--grub FILE is required: the host boots from it');
    if (!values.hvm?.length) throw new UsageError('--hvm FILE is required: the guest to xm create');
    if (values.attack !== undefined && !(ATTACKS as readonly string[]).includes(values.attack)) throw new UsageError(`--attack ${JSON.stringify(values.attack)}: expected one of ${ATTACKS.join(', ')}`);
    if (values.until === undefined && values.attack) values.until = 'destroy';
    if (values.until === undefined) throw new UsageError(`--until is required: one of ${UNTIL.join(', ')}`);
    if (!(UNTIL as readonly string[]).includes(values.until)) throw new UsageError(`--until ${JSON.stringify(values.until)}: expected one of ${UNTIL.join(', ')}`);
    const era = values.era ?? DEFAULT_ERA;
    const refusal = eraRefusal(era);
    if (refusal) throw new UsageError(`--era ${era}: ${refusal}`);
    const seed = parseSeed(values.seed);
    const profile = await loadProfile(values.host, io);
    if (!profile) return 1;
    const grub = (await readAll([values.grub], io))?.[0];
    if (!grub) return 1;
    const hvm = await readAll(values.hvm, io);
    if (!hvm) return 1;
    const world = new World(profile, { seed });
    const r = runVtd(world, { era, grub, hvm, until: values.until as RunUntil, trace: values.trace, attack: values.attack as AttackKind | undefined });
    if (values.json) io.out(runJson(r));
    else io.out(r.events.map((l) => l + '\n').join('') + (r.attack ? attackText(r.attack) : '') + `trace hash ${r.traceHash}, ${r.virtualNs} ns virtual\n`);
    if (r.failure) io.err(failureText(r));
    return r.failure ? 1 : 0;
  },
};
