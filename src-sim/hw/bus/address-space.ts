/**
 * A platform address decoder (QEMU's MemoryRegion dispatch, cloud-hypervisor's vm-device
 * `Bus`): ranges of an address space each owned by one device region. A device sees only
 * `(region, offset, size)`, never the address: decoding belongs here. Two ranges may not
 * overlap; mapping one over another is refused (a wiring bug throws; a guest-programmed BAR
 * that would collide is reported back to whoever applies the move).
 */

export interface RegionHandler {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

export interface MappedRange {
  /** Who owns the range, for error messages and traces ("pci.0000:02:00.0 BAR0"). */
  name: string;
  base: number;
  length: number;
  handler: RegionHandler;
}

export type MapResult = { ok: true } | { ok: false; error: string };

export interface AddressSpaceState {
  version: 1;
  ranges: { name: string; base: string; length: number }[];
}

const hexAddr = (n: number) => '0x' + n.toString(16);

export class AddressSpace {
  /** Sorted by base; never overlapping. */
  private readonly ranges: MappedRange[] = [];
  /** An access no range claims: reads float high (all ones), writes are dropped. */
  onUnassigned?: (addr: number, size: number, write: boolean) => void;

  constructor(
    /** "I/O port" or "MMIO", for messages. */
    readonly kind: string,
    /** One past the highest address (0x10000 for x86 I/O ports). */
    readonly limit: number,
  ) {}

  /** Maps a range or says why not (overlap, outside the space, empty). */
  tryMap(name: string, base: number, length: number, handler: RegionHandler): MapResult {
    if (!Number.isInteger(base) || !Number.isInteger(length) || length <= 0 || base < 0 || base + length > this.limit) {
      return { ok: false, error: `${this.kind} range ${name} ${hexAddr(base)}+${hexAddr(length)} is outside 0..${hexAddr(this.limit - 1)}` };
    }
    const i = this.insertionIndex(base);
    const before = this.ranges[i - 1];
    const after = this.ranges[i];
    const clash = before && before.base + before.length > base ? before : after && base + length > after.base ? after : undefined;
    if (clash) {
      return {
        ok: false,
        error: `${this.kind} range ${name} ${hexAddr(base)}-${hexAddr(base + length - 1)} overlaps ${clash.name} ${hexAddr(clash.base)}-${hexAddr(clash.base + clash.length - 1)}`,
      };
    }
    this.ranges.splice(i, 0, { name, base, length, handler });
    return { ok: true };
  }

  /** Platform wiring: an overlap here is a simulator bug. */
  map(name: string, base: number, length: number, handler: RegionHandler): void {
    const r = this.tryMap(name, base, length, handler);
    if (!r.ok) throw new Error(r.error);
  }

  /** Removes the range starting at `base` owned by `name`; false if there is none. */
  unmap(name: string, base: number): boolean {
    const i = this.ranges.findIndex((r) => r.base === base && r.name === name);
    if (i < 0) return false;
    this.ranges.splice(i, 1);
    return true;
  }

  /** The range covering `addr`, if any. */
  find(addr: number): MappedRange | undefined {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.ranges[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.length) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  read(addr: number, size: 1 | 2 | 4): number {
    const r = this.find(addr);
    if (!r || addr + size > r.base + r.length) {
      this.onUnassigned?.(addr, size, false);
      return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    }
    return r.handler.read(addr - r.base, size);
  }

  write(addr: number, size: 1 | 2 | 4, value: number): void {
    const r = this.find(addr);
    if (!r || addr + size > r.base + r.length) {
      this.onUnassigned?.(addr, size, true);
      return;
    }
    r.handler.write(addr - r.base, size, value);
  }

  get mapped(): readonly MappedRange[] {
    return this.ranges;
  }

  /** The map as data (handlers are wiring, re-supplied by their owners on restore). */
  save(): AddressSpaceState {
    return { version: 1, ranges: this.ranges.map((r) => ({ name: r.name, base: hexAddr(r.base), length: r.length })) };
  }

  private insertionIndex(base: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid].base < base) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
