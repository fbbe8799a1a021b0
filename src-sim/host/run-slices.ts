/**
 * Runs virtual time for a method that answers when it has run: in wall slices of at most
 * RUN_SLICE_MS, yielding to I/O between them so other sessions and pings stay served.
 */
import type { SimRuntime } from './runtime.ts';

/** Wall ms one slice may take before yielding. */
const RUN_SLICE_MS = 20;

/** Runs `ns` of virtual time; false when another machine was powered on meanwhile. */
export async function runInSlices(rt: SimRuntime, ns: number): Promise<boolean> {
  const engine = rt.sim.engine;
  const until = engine.now + ns;
  while (engine.now < until) {
    const sliceStart = performance.now();
    while (engine.now < until && performance.now() - sliceStart < RUN_SLICE_MS) engine.runUntil(until, 4096);
    if (engine.now < until) await new Promise<void>((r) => setImmediate(r));
    if (rt.sim.engine !== engine) return false;
  }
  return true;
}
