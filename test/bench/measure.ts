/** Helpers for measuring figures: repeat until a minimum wall time, report the best rate. */
import { performance } from 'node:perf_hooks';

export type Figures = Record<string, () => number | Promise<number>>;

/**
 * Runs `batch` (which does `n` operations and returns n) repeatedly for at least `minMs`, after a
 * warm-up, and returns operations per second from the fastest of several rounds (the least
 * disturbed by the other process on a 2-core machine).
 */
export function opsPerSecond(batch: () => number, opts: { rounds?: number; minMs?: number } = {}): number {
  const fixed = fixedBatches();
  if (fixed !== undefined) return fixedWork(batch, fixed);
  const rounds = opts.rounds ?? 5;
  const minMs = opts.minMs ?? 200;
  batch();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      ops += batch();
      t = performance.now();
    }
    best = Math.max(best, (ops * 1000) / (t - t0));
  }
  return best;
}

/** Median of several async timings, in ms. */
export async function medianMs(run: () => Promise<number>, rounds = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < rounds; i++) xs.push(await run());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

/**
 * `BENCH_FIXED_BATCHES=N`: every rate figure runs its batch exactly N times (no warm-up, no
 * timing rounds), so a run under `valgrind --tool=callgrind` counts the instructions of a fixed
 * amount of work — a figure that does not depend on how loaded the machine is.
 */
function fixedBatches(): number | undefined {
  const text = process.env.BENCH_FIXED_BATCHES;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`BENCH_FIXED_BATCHES=${JSON.stringify(text)}: expected a whole number of batches`);
  return Number(text);
}

function fixedWork(batch: () => number, n: number): number {
  let ops = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ops += batch();
  process.stderr.write(`bench: ${ops} operations in ${n} batches\n`);
  return (ops * 1000) / Math.max(performance.now() - t0, 1e-3);
}
