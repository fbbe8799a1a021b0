/**
 * Physical memory's byte copies: within one page (the DMA hot path, small and large), across a
 * page boundary, and from pages never written (zero) — each reads back exactly what was written.
 */
import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function roundTrip(mem: PhysicalMemory, addr: number, len: number): Uint8Array {
  mem.write(addr, pattern(len, len));
  const out = new Uint8Array(len);
  mem.read(addr, out);
  return out;
}

describe('physical memory copies', () => {
  it.each([
    ['a 16-byte descriptor inside a page', 0x1010, 16],
    ['a 32-byte read, the byte-by-byte limit', 0x2000, 32],
    ['a 1518-byte frame inside a page', 0x3100, 1518],
    ['a frame across a page boundary', 0x4f00, 1518],
    ['three pages at once', 0x5ffe, 0x2004],
  ])('%s reads back what was written', (_what, addr, len) => {
    const mem = new PhysicalMemory(1 << 20);
    expect(roundTrip(mem, addr, len)).toEqual(pattern(len, len));
  });

  it('reads zeros from pages never written, small or large, and leaves them unpopulated', () => {
    const mem = new PhysicalMemory(1 << 20);
    const small = new Uint8Array(8).fill(0xaa);
    const large = new Uint8Array(600).fill(0xaa);
    mem.read(0x8004, small);
    mem.read(0x9100, large);
    expect([...small].every((b) => b === 0)).toBe(true);
    expect([...large].every((b) => b === 0)).toBe(true);
    expect(Object.keys(mem.save().pages)).toEqual([]);
  });

  it('refuses a copy that runs past the end of RAM, naming the range', () => {
    const mem = new PhysicalMemory(0x2000);
    expect(() => mem.read(0x1ff8, new Uint8Array(16))).toThrow(/physical access \[0x1ff8, \+16\) is outside RAM/);
  });
});
