/**
 * One simulated world: the Simulation (clock, streams, tracer, snapshot registry), the physical
 * PC a host profile describes, and — from the next layers — the hypervisor and its domains, all
 * built once into the same Simulation and passed down. The simulator process holds exactly one
 * (SimRuntime); powering on another host profile replaces it whole.
 */
import { Simulation, DEFAULT_SEED, type SimulationSnapshot } from '../engine/simulation.ts';
import { Pc } from '../hw/pc/pc.ts';
import type { HostProfile } from '../hw/host-profile.ts';
import { VirtualSampler } from '../metrics/sampler.ts';
import { InterruptCounters } from '../metrics/interrupt-counters.ts';
import { bootFromGrub, type XenHost } from '../toolstack/host.ts';
import { BUILD_ID, hostBuildOf, replayBuild } from '../toolstack/snapshot.ts';
import type { XenEra } from '../xen/common/version.ts';

/** The virtual sampler's period: 1 ms of simulated time. */
const SAMPLE_PERIOD_NS = 1_000_000;

export interface WorldOptions {
  seed?: number;
}

export interface WorldSnapshot {
  format: 'vtdw-world-snapshot';
  version: 1;
  profile: string;
  world: SimulationSnapshot;
}

export class World {
  readonly sim: Simulation;
  readonly pc: Pc;
  readonly sampler: VirtualSampler;
  readonly interrupts: InterruptCounters;
  /** Xen, dom0 and the toolstack, once booted here (bootXen) or rebuilt by restore. */
  xen?: XenHost;

  constructor(
    readonly profile: HostProfile,
    opts: WorldOptions = {},
  ) {
    this.sim = new Simulation(opts.seed ?? DEFAULT_SEED);
    this.pc = new Pc(profile, { sim: this.sim });
    this.interrupts = new InterruptCounters(this.pc.gsi);
    this.sim.snapshots.register('metrics.interrupts', { version: 1, save: () => this.interrupts.save(), restore: (s) => this.interrupts.restore(s) });
    this.sampler = new VirtualSampler(this.sim.engine, SAMPLE_PERIOD_NS);
  }

  /** Powers the PC on into Xen from a grub.conf's default entry (toolstack/host.ts). */
  bootXen(grub: string, era: XenEra): XenHost {
    this.xen = bootFromGrub(this, grub, era);
    return this.xen;
  }

  save(): WorldSnapshot {
    return { format: 'vtdw-world-snapshot', version: 1, profile: this.profile.name, world: this.sim.save() };
  }

  /** Restores into a world built from the same profile and seed; errors name the component. */
  restore(s: WorldSnapshot): void {
    if (s?.format !== 'vtdw-world-snapshot') throw new Error('world snapshot: format is not "vtdw-world-snapshot"');
    if (s.version !== 1) throw new Error(`world snapshot: version ${s.version}, this build reads version 1`);
    if (s.profile !== this.profile.name) throw new Error(`world snapshot is of host "${s.profile}", this world is "${this.profile.name}"`);
    // Restore by construction: a snapshot of a Xen host is rebuilt (boot, creates, destroys,
    // guest boots replayed) on this fresh world first, then every component loads its fields.
    // A snapshot refused after the rebuild leaves this world half restored: build another.
    const build = hostBuildOf(s.world?.components ?? {});
    if (build) {
      if (this.sim.snapshots.has(BUILD_ID)) throw new Error('world snapshot of a Xen host: restore it into a freshly built world, this one has booted Xen already');
      this.xen = rebootFromGrub(this, build.grub, build.era);
      replayBuild(this.xen, build.steps);
    }
    this.sim.restore(s.world);
  }
}

/** The recorded boot again; its failure names the build record it came from. */
function rebootFromGrub(world: World, grub: string, era: XenEra): XenHost {
  try {
    return bootFromGrub(world, grub, era);
  } catch (e) {
    throw new Error(`snapshot component "${BUILD_ID}": booting its grub.conf again (era ${era}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
