/**
 * Test support: the seed host as one World (the app's and the CLI's unit), booted from the seed
 * grub.conf, for world-snapshot scenarios; and what two runs of it are compared on.
 */
import { World } from '../../../src-sim/world/world.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import { SEED_GRUB, SEED_HVM } from './seed-host.ts';
import { hostProfile } from './xen-host.ts';

export const SEED_SEED = 2007;

export function seedWorld(): World {
  return new World(hostProfile('seed-core2-q35'), { seed: SEED_SEED });
}

export function bootedSeedWorld(grub = SEED_GRUB, era: XenEra = '2007'): World {
  const w = seedWorld();
  w.bootXen(grub, era);
  return w;
}

/** `xm create` of the seed hvm.conf, 1 ms for the guest to boot, then the link partner starts a stream of 1000-byte frames to it. */
export function guestReceiving(frames: number, w = bootedSeedWorld(), hvm = SEED_HVM): World {
  w.xen!.xm.create('/etc/xen/hvm.conf', hvm);
  w.sim.engine.runFor(1_000_000);
  const nic = w.pc.nics[0];
  nic.partner.startStream({ dst: nic.nic.macAddress, count: frames, payloadBytes: 1000 });
  return w;
}

/** The seed host with the guest receiving a 200-frame stream through VT-d, caught between two frames. */
export function guestMidTransfer(): World {
  const w = guestReceiving(200);
  w.sim.engine.runFor(317_113);
  return w;
}

/** Armed timers' names, in firing order. */
export function armedTimers(w: World): string[] {
  return w.sim.engine.save().timers.map((t) => t.name);
}

/** What must be identical between a run and its restored copy after the same virtual time. */
export interface RunView {
  now: number;
  traceHash: string;
  traceCount: number;
  /** Each guest's e1000 receive counters, by domain name. */
  rx: Record<string, { rxFrames: number; rxBytes: number; interrupts: number }>;
  hypercalls: string[];
}

export function runView(w: World): RunView {
  const host = w.xen!;
  const rx: RunView['rx'] = {};
  for (const d of host.xend.domains.values()) {
    const s = d.guest?.nic?.stats;
    if (s) rx[d.name] = { rxFrames: s.rxFrames, rxBytes: s.rxBytes, interrupts: s.interrupts };
  }
  return {
    now: w.sim.engine.now,
    traceHash: w.sim.tracer.hash,
    traceCount: w.sim.tracer.recordCount,
    rx,
    hypercalls: host.xen.hypercalls.records.map((r) => `${r.t} d${r.caller} ${r.op}(${r.domain}) = ${r.errno}`),
  };
}

/** What a domain could leave behind: components, timers, IRQ bindings, domains, owned devices. */
export interface Leftovers {
  components: string[];
  timers: string[];
  boundIrqs: number[];
  xenDomains: number[];
  xendDomains: string[];
  dom0Devices: string[];
  freePages: number;
}

export function leftovers(w: World): Leftovers {
  const host = w.xen!;
  return {
    components: w.sim.snapshots.ids,
    timers: armedTimers(w).filter((n) => /^d[1-9]/.test(n)),
    boundIrqs: host.xen.irqs.bound().map((d) => d.irq),
    xenDomains: [...host.xen.domains.keys()],
    xendDomains: [...host.xend.domains.values()].map((d) => d.name),
    dom0Devices: host.xen.dom0.iommu.pdevs.map((b) => `${b.bus}:${b.device}.${b.fn}`),
    freePages: host.xen.heap.freePages,
  };
}
