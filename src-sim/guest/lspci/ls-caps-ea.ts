/**
 * Enhanced Allocation as pciutils 3.9 `ls-caps.c` prints it (cap_ea, cap_ea_property): fixed
 * BAR-equivalent ranges that some SoCs (Cavium ThunderX, Intel's integrated endpoints)
 * declare instead of sizable BARs.
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

const PROPERTIES: Record<number, string> = {
  0x00: 'memory space, non-prefetchable',
  0x01: 'memory space, prefetchable',
  0x02: 'I/O space',
  0x03: 'VF memory space, prefetchable',
  0x04: 'VF memory space, non-prefetchable',
  0x05: 'allocation behind bridge, non-prefetchable memory',
  0x06: 'allocation behind bridge, prefetchable memory',
  0x07: 'allocation behind bridge, I/O space',
  0xfd: 'memory space resource unavailable for use',
  0xfe: 'I/O space resource unavailable for use',
};

function property(p: number, secondary: boolean): string {
  if (p === 0xff) return secondary ? 'entry unavailable for use, PrimaryProperties should be used' : 'entry unavailable for use';
  return PROPERTIES[p] ?? `[${hex(p, 2)}]`;
}

function barIndicator(bei: number): string {
  if (bei <= 5) return `BAR ${bei}`;
  if (bei >= 9 && bei <= 14) return `VF-BAR ${bei - 9}`;
  return ['resource behind function', 'not indicated', 'expansion ROM'][bei - 6] ?? 'reserved';
}

export function capEa(c: Ctx, d: LsDevice, where: number, cap: number): void {
  const count = BITS(cap, 0, 6);
  let base = where + 4;
  c.o.p(`Enhanced Allocation (EA): NumEntries=${count}`);
  if (d.headerType === 1) {
    base += 4;
    if (!d.has(where + 4, 2)) return void c.o.p('\n');
    c.o.p(`, secondary=${d.byte(where + 4)}, subordinate=${d.byte(where + 5)}`);
  }
  c.o.p('\n');
  if (c.verbose < 2) return;
  for (let entry = 0; entry < count; entry++) {
    if (!d.has(base, 4)) return;
    const header = d.long(base);
    const es = BITS(header, 0, 3);
    if (!d.has(base + 4, es * 4)) return;
    c.o.p(`\t\tEntry ${entry}: Enable${FLAG(header, 0x80000000)} Writable${FLAG(header, 0x40000000)} EntrySize=${es}\n`);
    c.o.p(`\t\t\t BAR Equivalent Indicator: ${barIndicator(BITS(header, 4, 4))}\n`);
    c.o.p(`\t\t\t PrimaryProperties: ${property(BITS(header, 8, 8), false)}\n`);
    c.o.p(`\t\t\t SecondaryProperties: ${property(BITS(header, 16, 8), true)}\n`);
    const lo = d.long(base + 4);
    const max = d.long(base + 8);
    let maxHighAt = base + 12;
    let s = '\t\t\t Base: ';
    if (lo & 2) {
      s += d.long(base + 12).toString(16);
      maxHighAt += 4;
    }
    c.o.p(`${s}${hex((lo & ~3) >>> 0, 8)}\n`);
    s = '\t\t\t MaxOffset: ';
    if (max & 2) s += d.long(maxHighAt).toString(16);
    c.o.p(`${s}${hex((max | 3) >>> 0, 8)}\n`);
    base += 4 + 4 * es;
  }
}
