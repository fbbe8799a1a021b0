/**
 * Fuzzing the DMAR parser with random and mutated tables (seeded, so a failure reproduces):
 * it never throws, every rejection names a byte inside the input (or its end), and every table
 * it accepts is schema-valid and survives emit → parse unchanged.
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { dmarTableSchema, emitDmar, fixChecksum, isDmarParseError, parseDmar } from '../../../src-sim/hw/acpi/index.ts';
import { dmarSamples } from './dmar-data.ts';

/** xorshift32: deterministic, seeded. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const INTERESTING = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x14, 0x18, 0x1f, 0x20, 0x7f, 0x80, 0xfe, 0xff];

/** Header length field and checksum made consistent, so mutations reach the structure parser. */
function seal(b: Uint8Array): Uint8Array {
  if (b.length >= 10) {
    if (b.length >= 8) new DataView(b.buffer, b.byteOffset).setUint32(4, b.length, true);
    fixChecksum(b);
  }
  return b;
}

function mutate(seedTable: Uint8Array, r: () => number): Uint8Array {
  let b = seedTable.slice();
  const n = 1 + Math.floor(r() * 6);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    const what = Math.floor(r() * 6);
    if (what === 0) b[at] ^= 1 << Math.floor(r() * 8);
    else if (what === 1) b[at] = INTERESTING[Math.floor(r() * INTERESTING.length)];
    else if (what === 2) b = b.slice(0, at);
    else if (what === 3) b = Uint8Array.from([...b, ...Array.from({ length: Math.floor(r() * 24) }, () => Math.floor(r() * 256))]);
    else if (what === 4 && b.length > 52) new DataView(b.buffer).setUint16(48 + Math.floor(r() * (b.length - 50)), Math.floor(r() * 0x40), true);
    else b = Uint8Array.from([...b.slice(0, at), ...b.slice(at + Math.floor(r() * 8))]);
  }
  return r() < 0.8 ? seal(b) : b;
}

function randomTable(r: () => number): Uint8Array {
  const b = Uint8Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256));
  if (b.length >= 4 && r() < 0.7) b.set([0x44, 0x4d, 0x41, 0x52], 0);
  return r() < 0.7 ? seal(b) : b;
}

describe('DMAR parser fuzzing', () => {
  it('survives 12,000 random and mutated inputs with only located rejections, in a few seconds', () => {
    const seeds = dmarSamples().map((s) => s.bytes);
    const r = rng(2007);
    const t0 = Date.now();
    let accepted = 0;
    const reasons = new Set<string>();
    for (let i = 0; i < 12_000; i++) {
      const input = i % 3 === 0 ? randomTable(r) : mutate(seeds[i % seeds.length], r);
      const result = parseDmar(input);
      if (isDmarParseError(result)) {
        expect(Number.isInteger(result.offset) && result.offset >= 0 && result.offset <= input.length).toBe(true);
        expect(result.reason.length).toBeGreaterThan(5);
        reasons.add(result.reason.replace(/0x[0-9a-f]+|\d+/g, 'N'));
        continue;
      }
      accepted++;
      expect(v.safeParse(dmarTableSchema, result).success).toBe(true);
      expect(parseDmar(emitDmar(result))).toEqual(result);
    }
    const elapsed = Date.now() - t0;
    expect(accepted).toBeGreaterThan(100); // mutations that keep a table valid exercise the emitter too
    expect(reasons.size).toBeGreaterThan(10); // and rejections come from many different checks
    expect(elapsed).toBeLessThan(10_000);
  });
});
