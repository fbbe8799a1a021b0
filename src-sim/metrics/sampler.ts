/**
 * The virtual-time sampler: a timer that fires every `periodNs` of simulated time so that series
 * which must be exact in virtual time (throughput per bucket, interrupt rates) are sampled at the
 * same instants in every run, whatever the wall-clock pacing.
 */
import type { Engine, Timer } from '../engine/engine.ts';
import type { Ns } from '../engine/time.ts';

export type SampleProbe = (now: Ns) => void;

export class VirtualSampler {
  private readonly timer: Timer;
  private readonly probes = new Set<SampleProbe>();
  private samples = 0;

  constructor(
    engine: Engine,
    readonly periodNs: Ns,
  ) {
    this.timer = engine.timer('metrics.sample', (now) => this.fire(now));
    this.timer.armAt(engine.now + periodNs);
  }

  get sampleCount(): number {
    return this.samples;
  }

  addProbe(p: SampleProbe): () => void {
    this.probes.add(p);
    return () => this.probes.delete(p);
  }

  private fire(now: Ns): void {
    this.samples++;
    for (const p of this.probes) p(now);
    this.timer.armAt(now + this.periodNs);
  }
}
