import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../../src-sim/engine/index.ts';

const draw = (s: { nextUint32(): number }, n: number) => Array.from({ length: n }, () => s.nextUint32());

describe('seeded named random streams', () => {
  it('reproduce the same sequence for the same seed and name', () => {
    expect(draw(new RandomStreams(7).stream('e1000.0.mac'), 100)).toEqual(draw(new RandomStreams(7).stream('e1000.0.mac'), 100));
  });

  it('differ between seeds and between names', () => {
    const a = draw(new RandomStreams(7).stream('x'), 8);
    expect(draw(new RandomStreams(8).stream('x'), 8)).not.toEqual(a);
    expect(draw(new RandomStreams(7).stream('y'), 8)).not.toEqual(a);
  });

  it('adding a stream or drawing from one never shifts another', () => {
    const alone = new RandomStreams(42);
    const expected = draw(alone.stream('link.jitter'), 50);
    const busy = new RandomStreams(42);
    draw(busy.stream('other'), 1000);
    busy.stream('third');
    expect(draw(busy.stream('link.jitter'), 50)).toEqual(expected);
  });

  it('gives uniform floats in [0, 1) and unbiased bounded integers', () => {
    const s = new RandomStreams(1).stream('u');
    const buckets = new Array(10).fill(0);
    // One assertion for the 100,000 draws: an expect() per draw costs seconds on a busy machine.
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = s.nextFloat();
      if (!(f >= 0 && f < 1)) outside++;
      else buckets[Math.floor(f * 10)]++;
    }
    expect(outside).toBe(0);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const n = s.nextInt(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
  });

  it('a saved stream continues from where it was saved', () => {
    const rs = new RandomStreams(9);
    draw(rs.stream('a'), 17);
    const saved = JSON.parse(JSON.stringify(rs.save()));
    const expected = draw(rs.stream('a'), 20);
    const again = new RandomStreams(9);
    again.restore(saved);
    expect(draw(again.stream('a'), 20)).toEqual(expected);
  });

  it('refuses a seed that is not a 32-bit unsigned integer', () => {
    expect(() => new RandomStreams(-1)).toThrow(/32-bit/);
    expect(() => new RandomStreams(1.5)).toThrow(/32-bit/);
  });
});
