/**
 * What lspci knows of one function: its address, the config bytes it could read (as many as
 * the access method returns — 64, 256, 4096, or a dump's length) and, on a live system, the
 * BAR sizes the OS reports. The `PciAccess` interface is how the guest reaches the simulated
 * machine (config cycles, like sysfs `config` files); lspci never touches device objects.
 */
import type { Bdf } from '../../../src-shared/units/bdf.ts';

export interface PciAccess {
  /** Every function present (in any order; lspci sorts). */
  devices(): Bdf[];
  /** How many config bytes can be read (the size of sysfs `config`, or a dump's length). */
  configSize(b: Bdf): number;
  read(b: Bdf, offset: number, size: 1 | 2 | 4): number;
  /** Region sizes as the OS reports them (sysfs `resource`); undefined when unknown. */
  sizes?(b: Bdf): { bars: number[]; rom: number } | undefined;
}

export class LsDevice {
  readonly cfg: Uint8Array;

  constructor(
    readonly bdf: Bdf,
    /** Readable bytes (0xff beyond). */
    readonly size: number,
    cfg: Uint8Array,
    readonly sizes?: { bars: number[]; rom: number },
  ) {
    this.cfg = new Uint8Array(4096).fill(0xff);
    this.cfg.set(cfg.subarray(0, Math.min(size, 4096)));
  }

  /** config_fetch: are bytes [pos, pos+len) readable? */
  has(pos: number, len: number): boolean {
    return pos >= 0 && pos + len <= this.size;
  }

  byte(pos: number): number {
    return this.cfg[pos] ?? 0xff;
  }

  word(pos: number): number {
    return this.byte(pos) | (this.byte(pos + 1) << 8);
  }

  long(pos: number): number {
    return (this.word(pos) | (this.word(pos + 2) << 16)) >>> 0;
  }

  get vendorId(): number {
    return this.word(0);
  }
  get deviceId(): number {
    return this.word(2);
  }
  get deviceClass(): number {
    return this.word(0x0a);
  }
  get headerType(): number {
    return this.byte(0x0e) & 0x7f;
  }
}

/** Reads every present function's bytes through the access port (as lspci's scan does). */
export function loadDevices(access: PciAccess): LsDevice[] {
  return access
    .devices()
    .map((b) => {
      const size = Math.min(4096, Math.max(64, access.configSize(b)));
      const bytes = new Uint8Array(size);
      for (let off = 0; off < size; off += 4) {
        const v = access.read(b, off, 4);
        bytes[off] = v & 0xff;
        bytes[off + 1] = (v >>> 8) & 0xff;
        bytes[off + 2] = (v >>> 16) & 0xff;
        bytes[off + 3] = (v >>> 24) & 0xff;
      }
      return new LsDevice(b, size, bytes, access.sizes?.(b));
    })
    .sort((x, y) => x.bdf.segment - y.bdf.segment || x.bdf.bus - y.bdf.bus || x.bdf.device - y.bdf.device || x.bdf.fn - y.bdf.fn);
}

export const FLAG = (x: number, y: number): string => ((x & y) !== 0 ? '+' : '-');
export const BITS = (x: number, at: number, width: number): number => Math.floor(x / 2 ** at) % 2 ** width;
export const hex = (n: number, w: number): string => (n >>> 0).toString(16).padStart(w, '0');
