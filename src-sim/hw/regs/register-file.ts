/**
 * A device's register file, declared as data (QEMU's vtd_define_long / PCIDevice wmask/w1cmask,
 * in one mechanism for PCI config space, E1000, DMAR, 8259A and I/O APIC registers).
 *
 * Each register row gives its spec name, offset, width, reset value and masks: `writable` bits
 * take what the guest writes, `w1c` bits are cleared by writing 1, `writeOnly` bits read as 0,
 * `readClear` registers reset to 0 after a guest read (E1000 ICR and statistics). Values are
 * stored little-endian in a byte array, so any aligned 1/2/4-byte guest access inside a register
 * works as on hardware; 8-byte registers are accessed as two dwords, as the VT-d spec allows.
 *
 * Guest accesses go through `read`/`write`, which apply the masks and then call the hooks the
 * row names (`onWrite`, `onRead`, `afterRead`): side effects are declared on the row where the
 * hardware has them, and the device supplies the named functions once (`bindHooks`), which checks
 * that every name a row uses has a function and every function is used. An 8-byte register may
 * be written whole (`write64`): both dwords land, then its hook runs once.
 * The device model itself uses `get`/`set`, which bypass the masks: hardware may change
 * read-only bits (status, fault records) that software cannot. An access that hits no register
 * is reported through `onUnassigned` and reads as 0. Rows of fidelity `forward` are not held
 * here at all: a pass-through model hands them to the real device (`forward`).
 */
import { bytesToHex, hexToBytes } from '../../../src-shared/units/bytes.ts';

/**
 * How faithfully a row is modelled: `full`; `partial` (held, not acted on); `unimplemented`;
 * `forward` — a pass-through model hands the access to real hardware (qemu-dm's pt_* handlers).
 */
export type Fidelity = 'full' | 'partial' | 'unimplemented' | 'forward';

export interface RegisterDef {
  /** The name the specification uses (GCMD_REG, ICR, COMMAND, …). */
  name: string;
  offset: number;
  size: 1 | 2 | 4 | 8;
  reset?: number;
  /** Bits the guest can write; default none (read-only). For 8-byte registers give lo and hi. */
  writable?: number | readonly [number, number];
  w1c?: number | readonly [number, number];
  writeOnly?: number | readonly [number, number];
  /** For 8-byte registers whose reset does not fit 32 bits: the high dword. */
  resetHi?: number;
  readClear?: boolean;
  /**
   * Another register a guest read of this one also clears: the high dword of a 64-bit counter
   * clears both halves (E1000 GORCH/GORCL), while reading the low dword alone clears nothing.
   */
  readClearAlso?: string;
  fidelity?: Fidelity;
  /** The write hook this row's side effect is (a name in the device's hook table). */
  onWrite?: string;
  /** Called before a guest read is answered (to refresh a live value). */
  onRead?: string;
  /** Called after a guest read (read side effects: ICR auto-mask, clearing a counter pair). */
  afterRead?: string;
}

/** `old`/`value` are the register's values before and after (low dword for 8-byte registers). */
export type WriteHook = (reg: RegisterDef, old: number, value: number, offsetInReg: number, size: 1 | 2 | 4 | 8) => void;
export type ReadHook = (reg: RegisterDef, offset: number, size: 1 | 2 | 4) => void;

export interface RowHooks {
  write?: Record<string, WriteHook>;
  read?: Record<string, ReadHook>;
}

/** Where rows of fidelity `forward` go: the real device behind a pass-through model. */
export interface ForwardTarget {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

export interface AccessHooks {
  /** Called after a guest write lands; `old` and `value` are the register's full values (low dword for 8-byte). */
  onWrite?: (reg: RegisterDef, old: number, value: number, offsetInReg: number) => void;
  /** Called before a guest read is answered (to refresh a live value). */
  onRead?: (reg: RegisterDef) => void;
  /** An access that hits no register, or a register marked partial/unimplemented. */
  onUnassigned?: (offset: number, size: number, write: boolean, reg?: RegisterDef) => void;
}

function lo(m: number | readonly [number, number] | undefined): number {
  return m === undefined ? 0 : typeof m === 'number' ? m >>> 0 : m[0] >>> 0;
}
function hi(m: number | readonly [number, number] | undefined): number {
  return m === undefined || typeof m === 'number' ? 0 : m[1] >>> 0;
}

/**
 * A row compiled for the access path: one shape for every row (the declared rows are object
 * literals of many shapes, which would make every property read on the hot path megamorphic),
 * with its hooks bound and its `readClearAlso` partner resolved to an offset once.
 */
class Row {
  /** Modelled in full (no partial/unimplemented/forward fidelity): no unassigned report. */
  readonly full: boolean;
  readonly forward: boolean;
  /** Bytes compared for `old`/`now` around a write (the low dword of an 8-byte register). */
  readonly valueSize: 1 | 2 | 4;
  readonly readClear: boolean;
  /** The partner a read also clears (`readClearAlso`), or -1. */
  alsoOffset = -1;
  alsoSize = 0;
  onWrite: WriteHook | undefined = undefined;
  onRead: ReadHook | undefined = undefined;
  afterRead: ReadHook | undefined = undefined;

  constructor(
    readonly def: RegisterDef,
    readonly offset: number,
    readonly size: 1 | 2 | 4 | 8,
  ) {
    this.full = def.fidelity === undefined || def.fidelity === 'full';
    this.forward = def.fidelity === 'forward';
    this.valueSize = size === 8 ? 4 : size;
    this.readClear = def.readClear === true;
  }
}

export interface RegisterFileState {
  version: 1;
  /**
   * Register contents as hex, keyed by name: only registers that differ from their reset value
   * (restore starts from reset), so a 4 KiB config space of read-only bytes saves almost nothing.
   */
  values: Record<string, string>;
}

export class RegisterFile {
  readonly bytes: Uint8Array;
  private readonly wmask: Uint8Array;
  private readonly w1cmask: Uint8Array;
  private readonly womask: Uint8Array;
  private readonly view: DataView;
  private readonly wview: DataView;
  private readonly w1cview: DataView;
  private readonly woview: DataView;
  /** Index into `defs` of the register covering each byte, or -1. */
  private readonly owner: Int32Array;
  private readonly defs: RegisterDef[];
  private readonly byName = new Map<string, RegisterDef>();
  private readonly rows: Row[];
  hooks: AccessHooks = {};
  /** Where `forward` rows go; unset, such an access is unassigned (reads 0). */
  forward: ForwardTarget | undefined;

  constructor(
    readonly size: number,
    defs: readonly RegisterDef[],
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.wmask = new Uint8Array(size);
    this.w1cmask = new Uint8Array(size);
    this.womask = new Uint8Array(size);
    this.wview = new DataView(this.wmask.buffer);
    this.w1cview = new DataView(this.w1cmask.buffer);
    this.woview = new DataView(this.womask.buffer);
    this.owner = new Int32Array(size).fill(-1);
    this.defs = [...defs];
    this.defs.forEach((d, i) => this.declare(d, i));
    this.rows = this.defs.map((d) => new Row(d, d.offset, d.size));
    for (const row of this.rows) {
      if (row.def.readClearAlso === undefined) continue;
      const also = this.def(row.def.readClearAlso);
      row.alsoOffset = also.offset;
      row.alsoSize = also.size;
    }
    this.reset();
  }

  private declare(d: RegisterDef, index: number): void {
    if (d.offset < 0 || d.offset + d.size > this.size || d.offset % Math.min(d.size, 4) !== 0) {
      throw new Error(`register ${d.name} at 0x${d.offset.toString(16)} (size ${d.size}) does not fit or is misaligned`);
    }
    if (this.byName.has(d.name)) throw new Error(`register ${d.name} declared twice`);
    for (let i = 0; i < d.size; i++) {
      if (this.owner[d.offset + i] !== -1) throw new Error(`register ${d.name} overlaps ${this.defs[this.owner[d.offset + i]].name}`);
      this.owner[d.offset + i] = index;
    }
    this.byName.set(d.name, d);
    const put = (v: DataView, m: number | readonly [number, number] | undefined) => {
      if (m === undefined || m === 0) return; // the masks start all zero
      if (d.size === 8) {
        v.setUint32(d.offset, lo(m), true);
        v.setUint32(d.offset + 4, hi(m), true);
      } else this.putN(v, d.offset, d.size, lo(m));
    };
    put(this.wview, d.writable);
    put(this.w1cview, d.w1c);
    put(this.woview, d.writeOnly);
  }

  private putN(v: DataView, off: number, size: number, value: number): void {
    if (size === 1) v.setUint8(off, value & 0xff);
    else if (size === 2) v.setUint16(off, value & 0xffff, true);
    else v.setUint32(off, value >>> 0, true);
  }

  private getN(v: DataView, off: number, size: number): number {
    return size === 1 ? v.getUint8(off) : size === 2 ? v.getUint16(off, true) : v.getUint32(off, true);
  }

  /** The bytes after reset, kept to save only what changed. */
  private resetImage: Uint8Array | undefined;

  /** Replays every register's reset value (reset values exist only in the table). */
  reset(): void {
    if (this.resetImage) {
      this.bytes.set(this.resetImage);
      return;
    }
    this.bytes.fill(0);
    for (const d of this.defs) {
      if (d.size === 8) {
        this.view.setUint32(d.offset, (d.reset ?? 0) >>> 0, true);
        this.view.setUint32(d.offset + 4, (d.resetHi ?? 0) >>> 0, true);
      } else this.putN(this.view, d.offset, d.size, d.reset ?? 0);
    }
    this.resetImage = this.bytes.slice();
  }

  /**
   * Supplies the functions the rows name. A row naming a hook the table lacks is a wiring bug:
   * it throws, naming both. (A table may hold hooks for rows a variant leaves out: PMEN, IQT.)
   */
  bindHooks(hooks: RowHooks): void {
    const pick = <H>(table: Record<string, H> | undefined, name: string | undefined, reg: string, kind: string): H | undefined => {
      if (name === undefined) return undefined;
      const h = table?.[name];
      if (!h) throw new Error(`register ${reg} names ${kind} hook "${name}", which the device does not supply`);
      return h;
    };
    // Resolved kind by kind over all rows, so the first missing write hook is the one reported.
    const writes = this.rows.map((r) => pick(hooks.write, r.def.onWrite, r.def.name, 'write'));
    const reads = this.rows.map((r) => pick(hooks.read, r.def.onRead, r.def.name, 'read'));
    const afterReads = this.rows.map((r) => pick(hooks.read, r.def.afterRead, r.def.name, 'read'));
    this.rows.forEach((row, i) => {
      row.onWrite = writes[i];
      row.onRead = reads[i];
      row.afterRead = afterReads[i];
    });
  }

  def(name: string): RegisterDef {
    const d = this.byName.get(name);
    if (!d) throw new Error(`no register named ${name}`);
    return d;
  }

  registerAt(offset: number): RegisterDef | undefined {
    const i = offset >= 0 && offset < this.size ? this.owner[offset] : -1;
    return i >= 0 ? this.defs[i] : undefined;
  }

  get registers(): readonly RegisterDef[] {
    return this.defs;
  }

  // ---- guest side -------------------------------------------------------------------------

  /** A guest read of 1, 2 or 4 bytes at `offset`. */
  read(offset: number, size: 1 | 2 | 4): number {
    const row = this.rowAt(offset);
    if (row === undefined || !row.full) {
      if (row?.forward && this.forward) return this.forward.read(offset, size) >>> 0;
      this.hooks.onUnassigned?.(offset, size, false, row?.def);
      if (row === undefined) return 0;
    }
    if (offset + size > this.size) return 0;
    const reg = row.def;
    if (this.hooks.onRead) this.hooks.onRead(reg);
    if (row.onRead) row.onRead(reg, offset, size);
    const value = this.getN(this.view, offset, size) & ~this.getN(this.woview, offset, size);
    if (row.readClear) this.clearRange(row.offset, row.size);
    if (row.alsoOffset >= 0) this.clearRange(row.alsoOffset, row.alsoSize);
    if (row.afterRead) row.afterRead(reg, offset, size);
    return value >>> 0;
  }

  /** A guest write: keeps read-only bits, takes writable bits, clears W1C bits written as 1. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const row = this.rowAt(offset);
    if (row === undefined || !row.full) {
      if (row?.forward && this.forward) return this.forward.write(offset, size, value);
      this.hooks.onUnassigned?.(offset, size, true, row?.def);
      if (row === undefined) return;
    }
    if (offset + size > this.size) return;
    const old = this.getN(this.view, row.offset, row.valueSize);
    this.land(offset, size, value);
    const now = this.getN(this.view, row.offset, row.valueSize);
    this.hooks.onWrite?.(row.def, old, now, offset - row.offset);
    if (row.onWrite) row.onWrite(row.def, old, now, offset - row.offset, size);
  }

  private rowAt(offset: number): Row | undefined {
    const i = offset >= 0 && offset < this.size ? this.owner[offset] : -1;
    return i >= 0 ? this.rows[i] : undefined;
  }

  /**
   * A guest write of a whole 8-byte register (a 64-bit MMIO store): both dwords take their
   * masks, then the row's hook runs once, seeing the whole new value.
   */
  write64(offset: number, lo: number, hi: number): void {
    const row = this.rowAt(offset);
    if (!row || row.size !== 8 || row.offset !== offset) {
      throw new RangeError(`write64 at 0x${offset.toString(16)}: ${row ? `${row.def.name} is not an 8-byte register starting there` : 'no register'}`);
    }
    if (!row.full) this.hooks.onUnassigned?.(offset, 8, true, row.def);
    const old = this.view.getUint32(offset, true);
    this.land(offset, 4, lo);
    this.land(offset + 4, 4, hi);
    const now = this.view.getUint32(offset, true);
    this.hooks.onWrite?.(row.def, old, now, 0);
    if (row.onWrite) row.onWrite(row.def, old, now, 0, 8);
  }

  /** Keeps read-only bits, takes writable bits, clears W1C bits written as 1. */
  private land(offset: number, size: 1 | 2 | 4, value: number): void {
    const v = this.view;
    const cur = this.getN(v, offset, size);
    const wm = this.getN(this.wview, offset, size);
    const w1c = this.getN(this.w1cview, offset, size);
    this.putN(v, offset, size, ((cur & ~wm) | (value & wm)) & ~(value & w1c));
  }

  // ---- hardware side ----------------------------------------------------------------------

  /** The register's value (low dword for 8-byte registers), without side effects. */
  get(name: string): number {
    const d = this.def(name);
    return this.getN(this.view, d.offset, d.size === 8 ? 4 : d.size);
  }

  /** High dword of an 8-byte register. */
  getHi(name: string): number {
    const d = this.def(name);
    if (d.size !== 8) throw new Error(`${name} is not an 8-byte register`);
    return this.view.getUint32(d.offset + 4, true);
  }

  /** An 8-byte register as a number (exact below 2^53, which every address we model is). */
  get64(name: string): number {
    return this.getHi(name) * 0x1_0000_0000 + this.get(name);
  }

  set(name: string, value: number): void {
    const d = this.def(name);
    this.putN(this.view, d.offset, d.size === 8 ? 4 : d.size, value);
  }

  setHi(name: string, value: number): void {
    const d = this.def(name);
    if (d.size !== 8) throw new Error(`${name} is not an 8-byte register`);
    this.view.setUint32(d.offset + 4, value >>> 0, true);
  }

  set64(name: string, value: number): void {
    this.set(name, value % 0x1_0000_0000);
    this.setHi(name, Math.floor(value / 0x1_0000_0000));
  }

  /** Sets and clears bits of a register from the hardware side (vtd_set_clear_mask_long). */
  setClear(name: string, setBits: number, clearBits: number): void {
    this.set(name, ((this.get(name) & ~clearBits) | setBits) >>> 0);
  }

  /** Raw dword at any offset, for table-like regions (fault records, RA array). */
  raw32(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  setRaw32(offset: number, value: number): void {
    this.view.setUint32(offset, value >>> 0, true);
  }

  private clearRange(offset: number, size: number): void {
    this.bytes.fill(0, offset, offset + size);
  }

  // ---- snapshot ---------------------------------------------------------------------------

  save(): RegisterFileState {
    const values: Record<string, string> = {};
    const reset = this.resetImage!;
    for (const d of this.defs) {
      let changed = false;
      for (let i = d.offset; i < d.offset + d.size && !changed; i++) changed = this.bytes[i] !== reset[i];
      if (changed) values[d.name] = bytesToHex(this.bytes.subarray(d.offset, d.offset + d.size));
    }
    return { version: 1, values };
  }

  restore(s: RegisterFileState): void {
    if (s.version !== 1) throw new Error(`register file snapshot version ${s.version} is not 1`);
    this.reset();
    for (const [name, hexBytes] of Object.entries(s.values)) {
      const d = this.def(name);
      this.bytes.set(hexToBytes(hexBytes, `register snapshot of ${name}`, d.size), d.offset);
    }
  }
}
