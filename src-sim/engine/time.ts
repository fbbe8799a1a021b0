/**
 * Virtual time. The simulator counts integer nanoseconds in a JavaScript number: 2^53 ns is
 * about 104 days of simulated time, far beyond any run, and plain numbers keep the event loop
 * free of BigInt allocation. Every constant below is exact in ns.
 */
export type Ns = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

export const us = (n: number): Ns => Math.round(n * NS_PER_US);
export const ms = (n: number): Ns => Math.round(n * NS_PER_MS);
export const seconds = (n: number): Ns => Math.round(n * NS_PER_S);

/** Throws on a value that cannot be a virtual time; a wrong time is a simulator bug. */
export function assertNs(t: number, what: string): asserts t is Ns {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of ns, got ${t}`);
  }
}

/** "1.234567890 s" style rendering used in traces and the status bar. */
export function formatNs(t: Ns): string {
  const s = Math.floor(t / NS_PER_S);
  const frac = String(t % NS_PER_S).padStart(9, '0');
  return `${s}.${frac} s`;
}
