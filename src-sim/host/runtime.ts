/**
 * The simulator process's one run: the one World (Simulation + the PC of the chosen host
 * profile, later the hypervisor), its pacer, and the state shown in the status bar. Sessions
 * (one per connected window) share it; it outlives a renderer reload. Powering on another host
 * profile replaces the world whole, with the same seed, and tells every session.
 */
import { DEFAULT_SEED, type Simulation } from '../engine/simulation.ts';
import { World } from '../world/world.ts';
import { Pacer } from './pacer.ts';
import { DEFAULT_HOST, shippedHost } from './host-profiles.ts';
import type { SimStatus, Speed } from '../../src-shared/protocol/index.ts';

export interface RuntimeOptions {
  seed?: number;
  speed?: Speed;
  /** Start paused (the CLI and tests step explicitly). */
  paused?: boolean;
  /** The shipped host profile to power on (default the seed's). */
  host?: string;
}

export class SimRuntime {
  private current: World;
  readonly pacer: Pacer;
  private readonly seed: number;
  private readonly statusListeners = new Set<(s: SimStatus) => void>();
  private readonly machineListeners = new Set<(w: World) => void>();

  constructor(opts: RuntimeOptions = {}) {
    this.seed = opts.seed ?? DEFAULT_SEED;
    this.current = new World(shippedHost(opts.host ?? DEFAULT_HOST), { seed: this.seed });
    this.pacer = new Pacer(this.current.sim.engine);
    this.pacer.setSpeed(opts.speed ?? 1);
    if (!opts.paused) this.pacer.start();
  }

  get world(): World {
    return this.current;
  }

  get sim(): Simulation {
    return this.current.sim;
  }

  status(): SimStatus {
    const e = this.sim.engine;
    return {
      state: this.pacer.isRunning ? 'running' : 'paused',
      virtualNs: e.now,
      speed: this.pacer.currentSpeed,
      seed: this.sim.seed,
      eventsDispatched: e.eventsDispatched,
      host: this.current.profile.name,
    };
  }

  onStatusChange(l: (s: SimStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  /** Told when another machine is powered on (sessions re-read the host, series restart). */
  onMachineChange(l: (w: World) => void): () => void {
    this.machineListeners.add(l);
    return () => this.machineListeners.delete(l);
  }

  /**
   * Powers on the shipped host profile `name` in place of the running machine: a fresh world
   * at virtual time 0 with the run's seed, running or paused as before. Powering on the machine
   * already running is a no-op (the app sends it at start).
   */
  powerOn(name: string): SimStatus {
    if (name === this.current.profile.name) return this.status();
    return this.install(new World(shippedHost(name), { seed: this.seed }));
  }

  /** Powers the running machine off and on again: a fresh world of the same profile (Xen boots once per power-on). */
  powerCycle(): SimStatus {
    return this.install(new World(this.current.profile, { seed: this.seed }));
  }

  private install(next: World): SimStatus {
    this.current = next;
    this.pacer.retarget(next.sim.engine);
    for (const l of this.machineListeners) l(next);
    return this.changed();
  }

  setSpeed(speed: Speed): SimStatus {
    this.pacer.setSpeed(speed);
    return this.changed();
  }

  pause(): SimStatus {
    this.pacer.stop();
    return this.changed();
  }

  resume(): SimStatus {
    this.pacer.start();
    return this.changed();
  }

  dispose(): void {
    this.pacer.stop();
    this.statusListeners.clear();
    this.machineListeners.clear();
  }

  private changed(): SimStatus {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
    return s;
  }
}
