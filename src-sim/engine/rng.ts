/**
 * Seeded, named random streams (ns-3's RngStream, keyed by name instead of an index).
 *
 * A stream's starting state is a hash of (run seed, stream name), so adding a stream or drawing
 * more from one never shifts another: `rng.stream('e1000.0.mac')` is the same sequence in every
 * run with the same seed. The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator), 128 bits of state, passes PractRand to 2^40+ bytes, and is four 32-bit words, so a
 * stream snapshots as four named integers.
 */

/** 32-bit FNV-1a over a string, with a seed mixed in; used to derive stream keys. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** splitmix32 finaliser: spreads a key into a well-mixed 32-bit word. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export interface RandomStreamState {
  name: string;
  a: number;
  b: number;
  c: number;
  d: number;
}

export class RandomStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly name: string,
    runSeed: number,
  ) {
    const k = fnv1a(name, runSeed >>> 0);
    this.a = mix32(k ^ 0x243f6a88);
    this.b = mix32(k ^ 0x85a308d3);
    this.c = mix32(k ^ 0x13198a2e);
    this.d = 1;
    // Discard the first outputs: sfc32 needs a few rounds to decorrelate close keys.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi], inclusive, without modulo bias. */
  nextInt(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (!Number.isSafeInteger(span) || span <= 0) throw new RangeError(`bad range [${lo}, ${hi}]`);
    return lo + Math.floor(this.nextFloat() * span);
  }

  /** Exponentially distributed with the given mean (inter-arrival times). */
  nextExponential(mean: number): number {
    return -mean * Math.log(1 - this.nextFloat());
  }

  save(): RandomStreamState {
    return { name: this.name, a: this.a, b: this.b, c: this.c, d: this.d };
  }

  restore(s: RandomStreamState): void {
    if (s.name !== this.name) throw new Error(`stream ${this.name} cannot restore state of ${s.name}`);
    this.a = s.a >>> 0;
    this.b = s.b >>> 0;
    this.c = s.c >>> 0;
    this.d = s.d >>> 0;
  }
}

export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`run seed must be a 32-bit unsigned integer, got ${seed}`);
    }
  }

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(name, this.seed);
      this.streams.set(name, s);
    }
    return s;
  }

  save(): RandomStreamState[] {
    return [...this.streams.values()].map((s) => s.save()).sort((x, y) => (x.name < y.name ? -1 : 1));
  }

  restore(states: RandomStreamState[]): void {
    for (const st of states) this.stream(st.name).restore(st);
  }
}
