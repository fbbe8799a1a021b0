/**
 * One headless run of the seed's recipe (what `vtdw run` prints): power the host on from a
 * grub.conf, `xm create` each hvm.conf in turn, check every requested device really landed in
 * its guest's VT-d domain, and (until `destroy`) `xm destroy` them again. The result carries the
 * event log, the hypercall log and the trace hash; the same files and seed give the same hash.
 */
import type { Simulation } from '../engine/simulation.ts';
import type { Pc } from '../hw/pc/pc.ts';
import { eraRefusal, type XenEra } from '../xen/common/version.ts';
import type { HypercallRecord } from '../xen/common/hypercall-log.ts';
import { XenPanic } from '../xen/arch/x86/setup.ts';
import { BootError, bootFromGrub, type XenHost } from './host.ts';
import { EventLog } from './event-log.ts';
import type { XendDomain } from './xend/xend.ts';
import { runAttack, type AttackKind, type AttackReport } from './attack.ts';

export type RunUntil = 'create' | 'first-packet' | 'destroy';

export interface RunFile {
  name: string;
  text: string;
}

export interface RunOptions {
  era: string;
  grub: RunFile;
  hvm: RunFile[];
  until: RunUntil;
  /** Include console lines Xen's log level drops, and every trace record. */
  trace?: boolean;
  /** Run the malicious e1000 driver in the assigned guest and this attack instead of the first packet. */
  attack?: AttackKind;
}

export interface RunFailure {
  stage: 'era' | 'boot' | 'create' | 'assign' | 'first-packet' | 'attack';
  message: string;
  file?: string;
}

export interface RunResult {
  result: 'ok' | 'failed';
  failure?: RunFailure;
  virtualNs: number;
  hypercalls: HypercallRecord[];
  events: string[];
  traceHash: string;
  /** With `attack`: each attempt and its verdict, the memory hashes before and after. */
  attack?: AttackReport;
}

/** Runs on the caller's world (a fresh Simulation + Pc of the chosen host profile). */
export function runVtd(world: { sim: Simulation; pc: Pc }, opts: RunOptions): RunResult {
  const log = new EventLog(world.sim.tracer, opts.trace);
  const traceLines: string[] = [];
  const off = opts.trace ? world.sim.tracer.on((r) => traceLines.push(`${r.t} ${r.name} ${r.text}`)) : undefined;
  const state: RunState = {};
  const failure = steps(world, opts, state);
  off?.();
  log.detach();
  return {
    result: failure ? 'failed' : 'ok',
    failure,
    virtualNs: world.sim.engine.now,
    hypercalls: state.host?.xen.hypercalls.records ?? [],
    events: opts.trace ? traceLines : log.lines.map((l) => EventLog.format(l)),
    traceHash: world.sim.tracer.hash,
    ...(state.attack ? { attack: state.attack } : {}),
  };
}

interface RunState {
  host?: XenHost;
  attack?: AttackReport;
}

function steps(world: { sim: Simulation; pc: Pc }, opts: RunOptions, state: RunState): RunFailure | undefined {
  const refusal = eraRefusal(opts.era);
  if (refusal) return { stage: 'era', message: refusal };
  let host: XenHost;
  try {
    host = state.host = bootFromGrub(world, opts.grub.text, opts.era as XenEra);
  } catch (e) {
    if (e instanceof BootError || e instanceof XenPanic) return { stage: 'boot', message: e instanceof XenPanic ? `(XEN) Panic: ${e.message}` : e.message, file: opts.grub.name };
    throw e;
  }
  const created: string[] = [];
  host.xend.maliciousGuests = !!opts.attack;
  for (const f of opts.hvm) {
    const out = host.xm.create(f.name, f.text);
    // Let the new guest's vCPU run its firmware before the next step.
    world.sim.engine.runFor(GUEST_START_NS);
    if (out.exitCode !== 0) return { stage: 'create', message: out.stderr.join('\n'), file: f.name };
    const dom = [...host.xend.domains.values()].at(-1)!;
    created.push(dom.name);
    const missing = assignFailure(host, dom);
    if (missing) return { stage: 'assign', message: missing, file: f.name };
  }
  if (opts.until === 'create') return undefined;
  const outcome = opts.attack ? attack(world, host, opts.attack, state) : firstPacket(world, host);
  if (outcome) return outcome;
  for (const name of created.reverse()) host.xm.destroy(name);
  return undefined;
}

function attack(world: { sim: Simulation; pc: Pc }, host: XenHost, kind: AttackKind, state: RunState): RunFailure | undefined {
  const r = runAttack(world, host, kind);
  if (typeof r === 'string') return { stage: 'attack', message: r };
  state.attack = r;
  return r.blocked ? undefined : { stage: 'attack', message: `the ${kind} attack was not contained: ${r.attempts.filter((a) => a.outcome === 'reached').map((a) => a.tried).join('; ') || 'memory outside the attacker changed'}` };
}

/** How long the link partner's first frames may take to reach the guest's driver. */
export const FIRST_PACKET_WAIT_NS = 10_000_000;

/** The link partner sends to each assigned NIC; every guest driver must receive a frame. */
function firstPacket(world: { sim: Simulation; pc: Pc }, host: XenHost): RunFailure | undefined {
  sendFirstFrames(world.pc);
  world.sim.engine.runFor(FIRST_PACKET_WAIT_NS);
  return firstPacketFailure(host);
}

/** Each NIC's link partner sends it one small frame. */
export function sendFirstFrames(pc: Pc): void {
  for (const nic of pc.nics) nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
}

/** Why a requested device is not in the domain's VT-d domain, or undefined when all are. */
export function assignFailure(host: XenHost, dom: XendDomain): string | undefined {
  const missing = dom.pci.filter((name) => !host.xen.domain(dom.domid)?.iommu.pdevs.some((b) => name.endsWith(`${hex2(b.bus)}:${hex2(b.device)}.${b.fn}`)));
  if (!missing.length) return undefined;
  const why = dom.qemu?.log.lines.filter((l) => l.includes('Error')) ?? [];
  return `${missing.join(', ')} not in ${dom.name}'s VT-d domain${why.length ? ': ' + why.join('; ') : ' (Xen accepted the assignment but did nothing)'}`;
}

/** After the link partner's frames had their time: every guest with a device must have received one. */
export function firstPacketFailure(host: XenHost): RunFailure | undefined {
  for (const dom of host.xend.domains.values()) {
    if (!dom.pci.length) continue;
    const stats = dom.guest?.nic?.stats;
    if (!stats?.rxFrames) return { stage: 'first-packet', message: `${dom.name}: no frame reached the guest's e1000 driver within ${FIRST_PACKET_WAIT_NS / 1e6} ms (${stats ? `${stats.interrupts} interrupts, ${stats.spurious} spurious` : 'no e1000 driver bound'})` };
  }
  return undefined;
}

/** Virtual time given to a new guest's hvmloader before the run goes on. */
export const GUEST_START_NS = 1_000_000;

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
