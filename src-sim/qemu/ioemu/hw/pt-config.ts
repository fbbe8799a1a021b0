/**
 * The access path of qemu-dm's register-table emulation (qemu-xen 3.4 hw/pass-through.c
 * pt_config_init, pt_pci_read_config, pt_pci_write_config): the groups of pt-reg-table.ts laid
 * over one assigned function, each emulated register holding its value (`pt_reg_tbl.data`).
 *
 * A guest read takes the device's bytes, then each emulated register inside the access replaces
 * its emulated bits. A guest write merges each register's writable bits into its value and sends
 * the device the guest's bits where the register passes through and the device's own bits where
 * it emulates; outside every group the write reaches the device unchanged. Hardwired groups read
 * as 0 and drop writes. Offsets from 0xFF up, lengths other than 1/2/4 and misaligned accesses are
 * logged and ignored, as qemu does.
 */
import { PT_EMU_REG_GRP_TBL, PT_HEADER_GROUP_ID, type PtInitHook, type PtReadHook, type PtRegGroup, type PtRegInfo, type PtWriteHook } from './pt-reg-table.ts';

/** One emulated register of the device: its row, its group's base and its value. */
export interface PtRegEntry {
  reg: PtRegInfo;
  /** The group's base offset: the register sits at base + reg.offset. */
  base: number;
  data: number;
}

export interface PtGroupEntry {
  group: PtRegGroup;
  base: number;
  size: number;
  regs: PtRegEntry[];
}

export type PtReadFn = (e: PtRegEntry, value: number, validMask: number) => number;
/** Returns the value to send to the device for this register's bytes. */
export type PtWriteFn = (e: PtRegEntry, value: number, devValue: number, validMask: number) => number;

/** What the device model supplies: the named hooks, the real function, its start-up copy, the log. */
export interface PtConfigHost {
  /** The config space read from the device at registration (`dev.config`). */
  copy: Uint8Array;
  readReal(offset: number, len: 1 | 2 | 4): number;
  writeReal(offset: number, len: 1 | 2 | 4, value: number): void;
  /** The register's start-up value, or undefined when the register is not emulated (PT_INVALID_REG). */
  init(hook: PtInitHook, e: PtRegEntry, realOffset: number): number | undefined;
  read: Record<PtReadHook, PtReadFn>;
  write: Record<PtWriteHook, PtWriteFn>;
  /** A group's size read from the capability, or an error text (qemu exits on it). */
  groupSize(group: PtRegGroup, base: number): number | string;
  log(fn: string, message: string): void;
  /** `[bb:dd.f]` of the virtual function, for log lines. */
  where: string;
  /** Before a write is taken: the unused-BAR warning needs the value. */
  beforeWrite?(addr: number, value: number, len: number): void;
}

const SIZE_MASK = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

/** PT_MERGE_VALUE: `value`'s bits under `mask`, `data`'s elsewhere. */
export const merge = (value: number, data: number, mask: number): number => ((value & mask) | (data & ~mask)) >>> 0;

/** The plain emulated read (pt_byte/word/long_reg_read). */
export const plainRead: PtReadFn = (e, value, valid) => merge(value, e.data, ~(e.reg.emu & valid));

/** The plain emulated write (pt_byte/word/long_reg_write). */
export const plainWrite: PtWriteFn = (e, value, dev, valid) => {
  e.data = (merge(value, e.data, e.reg.emu & ~e.reg.ro & valid) & SIZE_MASK[e.reg.size]) >>> 0;
  return merge(value, dev, ~e.reg.emu & valid);
};

export interface PtConfigState {
  version: 1;
  /** Emulated register values by `<group>.<register>` name. */
  values: Record<string, number>;
}

export class PtConfigSpace {
  readonly groups: PtGroupEntry[] = [];

  constructor(private readonly host: PtConfigHost) {}

  /** pt_config_init: every group the function has, every register its init keeps. Returns an error text or undefined. */
  init(): string | undefined {
    for (const group of PT_EMU_REG_GRP_TBL) {
      const base = group.id === PT_HEADER_GROUP_ID ? 0 : this.findCapOffset(group.id);
      if (group.id !== PT_HEADER_GROUP_ID && !base) continue;
      const size = this.host.groupSize(group, base);
      if (typeof size === 'string') return size;
      const entry: PtGroupEntry = { group, base, size, regs: [] };
      this.groups.push(entry);
      if (group.type !== 'emu') continue;
      for (const reg of group.regs ?? []) {
        const e: PtRegEntry = { reg, base, data: 0 };
        const data = reg.initHook ? this.host.init(reg.initHook, e, base + reg.offset) : reg.init;
        if (data === undefined) continue;
        e.data = data;
        entry.regs.push(e);
      }
    }
    return undefined;
  }

  /** find_cap_offset on the real function (48 hops, a 0xFF ID ends the walk). */
  private findCapOffset(cap: number): number {
    if (!(this.host.readReal(0x06, 1) & 0x10)) return 0;
    let pos = 0x34;
    for (let hops = 48; hops > 0; hops--) {
      pos = this.host.readReal(pos, 1);
      if (pos < 0x40) break;
      pos &= ~3;
      const id = this.host.readReal(pos, 1);
      if (id === 0xff) break;
      if (id === cap) return pos;
      pos += 1;
    }
    return 0;
  }

  group(addr: number): PtGroupEntry | undefined {
    return this.groups.find((g) => g.base <= addr && g.base + g.size > addr);
  }

  /** The emulated register covering `addr`, if any. */
  reg(addr: number): PtRegEntry | undefined {
    const g = this.group(addr);
    return g?.regs.find((e) => e.base + e.reg.offset <= addr && e.base + e.reg.offset + e.reg.size > addr);
  }

  /** The emulated register named `name` (the first group holding it), if the device has it. */
  entry(name: string): PtRegEntry | undefined {
    for (const g of this.groups) for (const e of g.regs) if (e.reg.name === name) return e;
    return undefined;
  }

  private badAccess(kind: 'read' | 'write', addr: number, len: number): boolean {
    const why =
      addr >= 0xff ? 'with offset exceeding FFh' : len !== 1 && len !== 2 && len !== 4 ? 'with invalid access length' : addr & (len - 1) ? 'with invalid access size alignment' : undefined;
    if (why === undefined) return false;
    this.host.log(`pt_pci_${kind}_config`, `Error: Failed to ${kind} register ${why}. ${this.host.where}[Offset:${hex2(addr)}h][Length:${len}]`);
    return true;
  }

  /** pt_pci_read_config. */
  read(addr: number, len: 1 | 2 | 4): number {
    if (this.badAccess('read', addr, len)) return 0;
    const g = this.group(addr);
    if (g?.group.type === 'hardwired') return 0;
    const real = this.host.readReal(addr, len);
    if (!g) return real;
    const shift = (addr & 3) * 8;
    const val = this.each(g, addr, len, real * 2 ** shift, (e, slice, valid) => (e.reg.read ? this.host.read[e.reg.read] : plainRead)(e, slice, valid));
    return Math.floor(val / 2 ** shift) % 2 ** (8 * len) >>> 0;
  }

  /** pt_pci_write_config. */
  write(addr: number, value: number, len: 1 | 2 | 4): void {
    if (this.badAccess('write', addr, len)) return;
    this.host.beforeWrite?.(addr, value, len);
    const g = this.group(addr);
    if (g?.group.type === 'hardwired') {
      this.host.log('pt_pci_write_config', `Warning: Access to 0 Hardwired register. ${this.host.where}[Offset:${hex2(addr)}h][Length:${len}]`);
      return;
    }
    const dev = this.host.readReal(addr, len);
    let out = value >>> 0;
    if (g) {
      const shift = (addr & 3) * 8;
      const devShifted = dev * 2 ** shift;
      const val = this.each(g, addr, len, out * 2 ** shift, (e, slice, valid) => {
        const at = (e.base + e.reg.offset) & 3;
        const devSlice = Math.floor(devShifted / 2 ** (8 * at)) & SIZE_MASK[e.reg.size];
        return (e.reg.write ? this.host.write[e.reg.write] : plainWrite)(e, slice, devSlice, valid);
      });
      out = Math.floor(val / 2 ** shift) % 2 ** (8 * len) >>> 0;
    }
    this.host.writeReal(addr, len, out);
  }

  /**
   * The loop both paths share: walk the access byte by byte; each emulated register found gets
   * its slice of the 4-byte window and a valid mask of the bytes the access covers.
   */
  private each(g: PtGroupEntry, addr: number, len: number, window: number, fn: (e: PtRegEntry, slice: number, valid: number) => number): number {
    let val = window;
    let left = len;
    let at = addr;
    while (left > 0) {
      const e = g.regs.find((r) => r.base + r.reg.offset <= at && r.base + r.reg.offset + r.reg.size > at);
      if (!e) {
        left--;
        at++;
        continue;
      }
      const real = e.base + e.reg.offset;
      const size = e.reg.size;
      const mask = SIZE_MASK[size];
      const valid = (((0xffffffff >>> ((4 - left) * 8)) << ((at - real) * 8)) & mask) >>> 0;
      const byte = real & 3;
      const slice = Math.floor(val / 2 ** (8 * byte)) & mask;
      const next = fn(e, slice >>> 0, valid) & mask;
      val = val - slice * 2 ** (8 * byte) + (next >>> 0) * 2 ** (8 * byte);
      left -= size;
      at = real + size;
    }
    return val;
  }

  save(): PtConfigState {
    const values: Record<string, number> = {};
    for (const g of this.groups) for (const e of g.regs) values[`${g.group.name}.${e.reg.name}`] = e.data;
    return { version: 1, values };
  }

  restore(s: PtConfigState): void {
    if (s.version !== 1) throw new Error(`pass-through config snapshot version ${String(s.version)} is not 1`);
    for (const g of this.groups) {
      for (const e of g.regs) {
        const v = s.values[`${g.group.name}.${e.reg.name}`];
        if (v === undefined) throw new Error(`pass-through config snapshot lacks ${g.group.name}.${e.reg.name}`);
        e.data = v;
      }
    }
  }
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
