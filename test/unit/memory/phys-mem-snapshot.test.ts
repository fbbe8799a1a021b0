/**
 * Physical memory snapshots: every non-zero page as base64, read back byte for byte; zero pages
 * (even ones written whole with zeros) are left out; a character that is not base64, a page of
 * the wrong length or beyond the machine is refused, and the memory stays as it was.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';

function patterned(): PhysicalMemory {
  const m = new PhysicalMemory(64 * PAGE_SIZE);
  const bytes = Uint8Array.from({ length: PAGE_SIZE + 5 }, (_, i) => (i * 131 + 7) & 0xff);
  m.write(3 * PAGE_SIZE - 2, bytes);
  m.write(9 * PAGE_SIZE, new Uint8Array(PAGE_SIZE));
  m.writeU32(63 * PAGE_SIZE + PAGE_SIZE - 4, 0xdeadbeef);
  return m;
}

describe('a physical memory snapshot', () => {
  it('reads back byte for byte, every touched page with its last bytes', () => {
    const m = patterned();
    const copy = new PhysicalMemory(64 * PAGE_SIZE);
    copy.restore(JSON.parse(JSON.stringify(m.save())));
    const page = (mem: PhysicalMemory, pfn: number) => {
      const out = new Uint8Array(PAGE_SIZE);
      mem.read(pfn * PAGE_SIZE, out);
      return out;
    };
    for (const pfn of [2, 3, 4, 63]) expect(page(copy, pfn)).toEqual(page(m, pfn));
    expect(copy.readU32(63 * PAGE_SIZE + PAGE_SIZE - 4)).toBe(0xdeadbeef);
  });

  it('leaves out pages that hold only zeros, even written ones', () => {
    expect(Object.keys(patterned().save().pages)).toEqual(['2', '3', '4', '3f']);
  });

  it('is 4 base64 digits per 3 bytes, the page’s last byte padded', () => {
    const page = patterned().save().pages['3'];
    expect(page).toHaveLength(4 * Math.ceil(PAGE_SIZE / 3));
    expect(page).toMatch(/^[A-Za-z0-9+/]+==$/);
  });

  it('refuses a character that is not base64, naming it and where', () => {
    const s = patterned().save();
    s.pages['3'] = s.pages['3'].slice(0, 10) + '*' + s.pages['3'].slice(11);
    const target = new PhysicalMemory(64 * PAGE_SIZE);
    target.writeU32(0x100, 0x1234_5678);
    expect(() => target.restore(s)).toThrow('memory snapshot: "*" at character 10 is not base64');
    expect(target.readU32(0x100)).toBe(0x1234_5678);
    expect(target.readU32(63 * PAGE_SIZE + PAGE_SIZE - 4)).toBe(0);
  });

  it('refuses a page of the wrong length and a page beyond this machine’s memory', () => {
    const short = patterned().save();
    short.pages['3'] = short.pages['3'].slice(4);
    expect(() => new PhysicalMemory(64 * PAGE_SIZE).restore(short)).toThrow('memory snapshot: page 3 is 5460 characters of base64, a page is 5464');
    const beyond = patterned().save();
    beyond.pages['40'] = beyond.pages['3'];
    expect(() => new PhysicalMemory(64 * PAGE_SIZE).restore(beyond)).toThrow('memory snapshot: page "40" is not a page frame of this machine');
  });
});
