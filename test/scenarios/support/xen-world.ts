/**
 * Test support: the seed host as one World (the app's and the CLI's unit), booted from the seed
 * grub.conf, for world-snapshot scenarios; and what two runs of it are compared on.
 */
import { World } from '../../../src-sim/world/world.ts';
import { SEED_GRUB } from './seed-host.ts';
import { hostProfile } from './xen-host.ts';

export const SEED_SEED = 2007;

export function seedWorld(): World {
  return new World(hostProfile('seed-core2-q35'), { seed: SEED_SEED });
}

export function bootedSeedWorld(): World {
  const w = seedWorld();
  w.bootXen(SEED_GRUB, '2007');
  return w;
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
