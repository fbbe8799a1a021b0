/**
 * The simulator process's one run: the Simulation, its pacer, and the state shown in the status
 * bar. Sessions (one per connected window) share it; it outlives a renderer reload.
 */
import { Simulation, DEFAULT_SEED } from '../engine/simulation.ts';
import { VirtualSampler } from '../metrics/sampler.ts';
import { Pacer } from './pacer.ts';
import type { SimStatus, Speed } from '../../src-shared/protocol/index.ts';

/** The virtual sampler's period: 1 ms of simulated time. */
const SAMPLE_PERIOD_NS = 1_000_000;

export interface RuntimeOptions {
  seed?: number;
  speed?: Speed;
  /** Start paused (the CLI and tests step explicitly). */
  paused?: boolean;
}

export class SimRuntime {
  readonly sim: Simulation;
  readonly pacer: Pacer;
  readonly sampler: VirtualSampler;
  private readonly statusListeners = new Set<(s: SimStatus) => void>();

  constructor(opts: RuntimeOptions = {}) {
    this.sim = new Simulation(opts.seed ?? DEFAULT_SEED);
    this.sampler = new VirtualSampler(this.sim.engine, SAMPLE_PERIOD_NS);
    this.pacer = new Pacer(this.sim.engine);
    this.pacer.setSpeed(opts.speed ?? 1);
    if (!opts.paused) this.pacer.start();
  }

  status(): SimStatus {
    const e = this.sim.engine;
    return {
      state: this.pacer.isRunning ? 'running' : 'paused',
      virtualNs: e.now,
      speed: this.pacer.currentSpeed,
      seed: this.sim.seed,
      eventsDispatched: e.eventsDispatched,
    };
  }

  onStatusChange(l: (s: SimStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
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
  }

  private changed(): SimStatus {
    const s = this.status();
    for (const l of this.statusListeners) l(s);
    return s;
  }
}
