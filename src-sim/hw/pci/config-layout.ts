/**
 * Builds a function's configuration space as register rows (name, offset, size, reset,
 * writable, W1C) for the shared RegisterFile — from a device model's PciConfigTemplate, or
 * from the raw bytes of an imported host's `lspci -xxx` dump. The two paths share the header
 * and capability semantics, so an imported 82573L answers a COMMAND write or a sizing probe
 * the way a modelled one does (QEMU's pci_config_alloc: config, wmask, w1cmask, cmask).
 */
import type { RegisterDef } from '../regs/register-file.ts';
import type { BarKind, ConfigHook, PciConfigTemplate } from './function-model.ts';

export type { ConfigHook } from './function-model.ts';
import { CAP_NAMES, capabilityFields, extCapabilityFields, walkCapabilities, walkExtCapabilities, type CapField } from './capabilities.ts';
import * as R from './pci-regs.ts';


/** A BAR as the platform knows it: where its register is, what it decodes, how big it is. */
export interface BarInfo {
  index: number;
  kind: BarKind;
  /** Bytes; 0 = unknown (an imported BAR without size information: its register is read-only). */
  size: number;
  prefetchable: boolean;
}

export interface ConfigLayout {
  /** Bytes a config read may reach (64, 256, 4096, or a dump's length). */
  size: number;
  defs: RegisterDef[];
  bars: BarInfo[];
  /** Expansion ROM size in bytes, 0 when absent or unknown. */
  romSize: number;
  headerType: number;
}

/** Byte-level image plus masks, turned into register rows at the end. */
export class LayoutBuilder {
  readonly image: Uint8Array;
  readonly wmask: Uint8Array;
  readonly w1c: Uint8Array;
  private readonly claimed: Uint8Array;
  private readonly defs: RegisterDef[] = [];
  private readonly names = new Set<string>();

  constructor(readonly regFileSize: number) {
    this.image = new Uint8Array(regFileSize);
    this.wmask = new Uint8Array(regFileSize);
    this.w1c = new Uint8Array(regFileSize);
    this.claimed = new Uint8Array(regFileSize);
  }

  put(offset: number, size: number, value: number, arr: Uint8Array = this.image): void {
    for (let i = 0; i < size; i++) arr[offset + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  }

  get(offset: number, size: number, arr: Uint8Array = this.image): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + arr[offset + i];
    return v;
  }

  free(offset: number, size: number): boolean {
    if (offset < 0 || offset + size > this.regFileSize || offset % size !== 0) return false;
    for (let i = 0; i < size; i++) if (this.claimed[offset + i]) return false;
    return true;
  }

  /**
   * Declares a register over bytes already in the image; false (and nothing declared) when
   * it would overlap another or fall outside — imported data may be malformed, so no throw.
   */
  reg(name: string, offset: number, size: 1 | 2 | 4, writable = 0, w1c = 0, onWrite?: ConfigHook): boolean {
    if (!this.free(offset, size)) return false;
    let unique = name;
    for (let n = 2; this.names.has(unique); n++) unique = `${name}#${n}`;
    this.names.add(unique);
    this.claimed.fill(1, offset, offset + size);
    // Unclaimed bytes have zero masks already: most rows (raw, read-only) need no mask written.
    if (writable) this.put(offset, size, writable, this.wmask);
    if (w1c) this.put(offset, size, w1c, this.w1c);
    // Reset and masks are read back from the image at finish().
    this.defs.push(onWrite ? { name: unique, offset, size, reset: 0, writable: 0, w1c: 0, onWrite } : { name: unique, offset, size, reset: 0, writable: 0, w1c: 0 });
    return true;
  }

  /** Remaining bytes become read-only raw registers holding their image bytes. */
  fillRaw(from: number, to: number): void {
    for (let off = from; off < to; ) {
      const size = this.rawSizeAt(off, to);
      if (size === 0) {
        off++;
        continue;
      }
      this.reg(`RAW_${off.toString(16).padStart(3, '0')}`, off, size);
      off += size;
    }
  }

  /** The widest free, aligned register (4, 2 or 1 bytes) that starts at `off` and ends by `to`; 0 if none. */
  private rawSizeAt(off: number, to: number): 0 | 1 | 2 | 4 {
    if (off + 4 <= to && this.free(off, 4)) return 4;
    if (off + 2 <= to && this.free(off, 2)) return 2;
    return off + 1 <= to && this.free(off, 1) ? 1 : 0;
  }

  finish(size: number, bars: BarInfo[], romSize: number): ConfigLayout {
    for (const d of this.defs) {
      d.reset = this.get(d.offset, d.size);
      d.writable = this.get(d.offset, d.size, this.wmask);
      d.w1c = this.get(d.offset, d.size, this.w1c);
    }
    const defs = this.defs.sort((a, b) => a.offset - b.offset);
    return { size, defs, bars, romSize, headerType: this.image[R.PCI_HEADER_TYPE] };
  }
}

/** Writable bits of a BAR register for a decoder of `size` bytes (cloud-hypervisor's add_pci_bar). */
export function barWritable(kind: BarKind, size: number, upper = false): number {
  if (!size) return 0;
  if (upper) return size > 2 ** 32 ? (0xffffffff - (Math.floor((size - 1) / 2 ** 32) >>> 0)) >>> 0 : 0xffffffff;
  const low = kind === 'io' ? 0x3 : 0xf;
  return (~Math.min(size - 1, 0xffffffff) & ~low) >>> 0;
}

const COMMAND_WRITABLE_PCI = 0x0757;
const COMMAND_WRITABLE_PCIE = 0x0547;

function commonHeader(b: LayoutBuilder, pcie: boolean): void {
  // Bits software has set are writable on the part, whatever the generic mask says.
  const cmdSeen = b.get(R.PCI_COMMAND, 2) & 0x07ff;
  b.reg('VENDOR_ID', R.PCI_VENDOR_ID, 2);
  b.reg('DEVICE_ID', R.PCI_DEVICE_ID, 2);
  b.reg('COMMAND', R.PCI_COMMAND, 2, (pcie ? COMMAND_WRITABLE_PCIE : COMMAND_WRITABLE_PCI) | cmdSeen, 0, 'command');
  b.reg('STATUS', R.PCI_STATUS, 2, 0, R.PCI_STATUS_W1C);
  b.reg('REVISION_ID', R.PCI_REVISION_ID, 1);
  b.reg('CLASS_PROG', R.PCI_CLASS_PROG, 1);
  b.reg('CLASS_DEVICE', R.PCI_CLASS_DEVICE, 2);
  b.reg('CACHE_LINE_SIZE', R.PCI_CACHE_LINE_SIZE, 1, 0xff);
  // Hard-wired to 0 on PCI Express functions.
  b.reg('LATENCY_TIMER', R.PCI_LATENCY_TIMER, 1, pcie ? 0 : 0xff);
  b.reg('HEADER_TYPE', R.PCI_HEADER_TYPE, 1);
  b.reg('BIST', R.PCI_BIST, 1);
  b.reg('CAPABILITY_LIST', R.PCI_CAPABILITY_LIST, 1);
  b.reg('INTERRUPT_LINE', R.PCI_INTERRUPT_LINE, 1, 0xff);
  b.reg('INTERRUPT_PIN', R.PCI_INTERRUPT_PIN, 1);
}

function barRegisters(b: LayoutBuilder, bars: BarInfo[], count: number): void {
  for (const bar of bars) {
    if (bar.index >= count || (bar.kind === 'mem64' && bar.index + 1 >= count)) continue;
    b.reg(`BAR${bar.index}`, R.PCI_BASE_ADDRESS_0 + 4 * bar.index, 4, barWritable(bar.kind, bar.size), 0, 'bar');
    if (bar.kind === 'mem64') b.reg(`BAR${bar.index + 1}`, R.PCI_BASE_ADDRESS_0 + 4 * (bar.index + 1), 4, barWritable(bar.kind, bar.size, true), 0, 'bar');
  }
  for (let i = 0; i < count; i++) b.reg(`BAR${i}`, R.PCI_BASE_ADDRESS_0 + 4 * i, 4, 0, 0, 'bar');
}

function romRegister(b: LayoutBuilder, offset: number, romSize: number): void {
  b.reg(offset === R.PCI_ROM_ADDRESS ? 'ROM_ADDRESS' : 'ROM_ADDRESS1', offset, 4, romSize ? ((~(romSize - 1) & R.PCI_ROM_ADDRESS_MASK) | 1) >>> 0 : 0);
}

function type0Header(b: LayoutBuilder, bars: BarInfo[], romSize: number, pcie: boolean): void {
  commonHeader(b, pcie);
  barRegisters(b, bars, 6);
  b.reg('CARDBUS_CIS', R.PCI_CARDBUS_CIS, 4);
  b.reg('SUBSYSTEM_VENDOR_ID', R.PCI_SUBSYSTEM_VENDOR_ID, 2);
  b.reg('SUBSYSTEM_ID', R.PCI_SUBSYSTEM_ID, 2);
  romRegister(b, R.PCI_ROM_ADDRESS, romSize);
  b.reg('MIN_GNT', R.PCI_MIN_GNT, 1);
  b.reg('MAX_LAT', R.PCI_MAX_LAT, 1);
}

function type1Header(b: LayoutBuilder, bars: BarInfo[], romSize: number, pcie: boolean): void {
  commonHeader(b, pcie);
  barRegisters(b, bars, 2);
  b.reg('PRIMARY_BUS', R.PCI_PRIMARY_BUS, 1, 0xff, 0, 'bridge');
  b.reg('SECONDARY_BUS', R.PCI_SECONDARY_BUS, 1, 0xff, 0, 'bridge');
  b.reg('SUBORDINATE_BUS', R.PCI_SUBORDINATE_BUS, 1, 0xff, 0, 'bridge');
  b.reg('SEC_LATENCY_TIMER', R.PCI_SEC_LATENCY_TIMER, 1, pcie ? 0 : 0xff);
  // The low nibble of the window registers says 16/32-bit I/O and 32/64-bit prefetchable: RO.
  b.reg('IO_BASE', R.PCI_IO_BASE, 1, 0xf0, 0, 'bridge');
  b.reg('IO_LIMIT', R.PCI_IO_LIMIT, 1, 0xf0, 0, 'bridge');
  b.reg('SEC_STATUS', R.PCI_SEC_STATUS, 2, 0, R.PCI_STATUS_W1C);
  b.reg('MEMORY_BASE', R.PCI_MEMORY_BASE, 2, 0xfff0, 0, 'bridge');
  b.reg('MEMORY_LIMIT', R.PCI_MEMORY_LIMIT, 2, 0xfff0, 0, 'bridge');
  b.reg('PREF_MEMORY_BASE', R.PCI_PREF_MEMORY_BASE, 2, 0xfff0, 0, 'bridge');
  b.reg('PREF_MEMORY_LIMIT', R.PCI_PREF_MEMORY_LIMIT, 2, 0xfff0, 0, 'bridge');
  const pref64 = (b.image[R.PCI_PREF_MEMORY_BASE] & 0xf) === 1;
  b.reg('PREF_BASE_UPPER32', R.PCI_PREF_BASE_UPPER32, 4, pref64 ? 0xffffffff : 0, 0, 'bridge');
  b.reg('PREF_LIMIT_UPPER32', R.PCI_PREF_LIMIT_UPPER32, 4, pref64 ? 0xffffffff : 0, 0, 'bridge');
  const io32 = (b.image[R.PCI_IO_BASE] & 0xf) === 1;
  b.reg('IO_BASE_UPPER16', R.PCI_IO_BASE_UPPER16, 2, io32 ? 0xffff : 0, 0, 'bridge');
  b.reg('IO_LIMIT_UPPER16', R.PCI_IO_LIMIT_UPPER16, 2, io32 ? 0xffff : 0, 0, 'bridge');
  romRegister(b, R.PCI_ROM_ADDRESS1, romSize);
  b.reg('BRIDGE_CONTROL', R.PCI_BRIDGE_CONTROL, 2, 0x0bff, 0x0400, 'bridge');
}

/** Declares a capability's fields; `masks` (from a template) override the standard semantics. */
function capabilityRegisters(b: LayoutBuilder, id: number, offset: number, fields: CapField[], masks?: { writable?: readonly number[]; w1c?: readonly number[] }): void {
  const name = CAP_NAMES[id] ?? `CAP${id.toString(16).padStart(2, '0')}`;
  const at = `${name}@${offset.toString(16)}`;
  b.reg(`${at}.ID`, offset, 1);
  b.reg(`${at}.NEXT`, offset + 1, 1);
  for (const f of fields) {
    const maskOf = (arr: readonly number[] | undefined, dflt: number) => {
      if (!masks) return dflt;
      let v = 0;
      for (let i = f.size - 1; i >= 0; i--) v = v * 256 + ((arr?.[f.rel - 2 + i] ?? 0) & 0xff);
      return v;
    };
    b.reg(`${at}.${f.name}`, offset + f.rel, f.size, maskOf(masks?.writable, f.writable ?? 0), maskOf(masks?.w1c, f.w1c ?? 0), f.onWrite);
  }
}

function extCapabilityRegisters(b: LayoutBuilder, id: number, offset: number): void {
  const at = `ECAP${id.toString(16).padStart(4, '0')}@${offset.toString(16)}`;
  b.reg(`${at}.HEADER`, offset, 4);
  for (const f of extCapabilityFields(id)) b.reg(`${at}.${f.name}`, offset + f.rel, f.size, f.writable ?? 0, f.w1c ?? 0);
}

function regFileSizeFor(size: number): number {
  return size > 256 ? 4096 : 256;
}

/** The layout of a modelled function: header from the template, capabilities chained by offset. */
export function layoutFromTemplate(t: PciConfigTemplate, options: { headerType?: number } = {}): ConfigLayout {
  const b = new LayoutBuilder(t.configSize);
  const headerType = options.headerType ?? R.PCI_HEADER_TYPE_NORMAL;
  b.put(R.PCI_VENDOR_ID, 2, t.vendorId);
  b.put(R.PCI_DEVICE_ID, 2, t.deviceId);
  b.put(R.PCI_REVISION_ID, 1, t.revision);
  b.put(R.PCI_CLASS_PROG, 3, t.classCode);
  b.put(R.PCI_HEADER_TYPE, 1, headerType);
  b.put(R.PCI_INTERRUPT_PIN, 1, t.interruptPin);
  if ((headerType & 0x7f) === R.PCI_HEADER_TYPE_NORMAL) {
    b.put(R.PCI_SUBSYSTEM_VENDOR_ID, 2, t.subsystemVendorId);
    b.put(R.PCI_SUBSYSTEM_ID, 2, t.subsystemId);
  }
  const bars: BarInfo[] = t.bars.map((x) => ({ index: x.index, kind: x.kind, size: x.size, prefetchable: !!x.prefetchable }));
  for (const bar of bars) {
    const type = bar.kind === 'io' ? R.PCI_BASE_ADDRESS_SPACE_IO : (bar.kind === 'mem64' ? R.PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) | (bar.prefetchable ? R.PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
    b.put(R.PCI_BASE_ADDRESS_0 + 4 * bar.index, 4, type);
  }
  const caps = [...t.capabilities].sort((x, y) => x.offset - y.offset);
  if (caps.length) {
    b.put(R.PCI_STATUS, 2, R.PCI_STATUS_CAP_LIST);
    b.put(R.PCI_CAPABILITY_LIST, 1, caps[0].offset);
  }
  caps.forEach((c, i) => {
    b.put(c.offset, 1, c.id);
    b.put(c.offset + 1, 1, caps[i + 1]?.offset ?? 0);
    c.body.forEach((v, j) => b.put(c.offset + 2 + j, 1, v));
  });
  const pcie = caps.some((c) => c.id === R.PCI_CAP_ID_EXP);
  if ((headerType & 0x7f) === R.PCI_HEADER_TYPE_BRIDGE) type1Header(b, bars, 0, pcie);
  else type0Header(b, bars, 0, pcie);
  for (const c of caps) {
    const fields = capabilityFields(c.id, b.image.subarray(c.offset));
    capabilityRegisters(b, c.id, c.offset, fields.filter((f) => f.rel - 2 + f.size <= c.body.length), { writable: c.writable ?? [], w1c: c.w1c ?? [] });
  }
  const ext = [...(t.extendedCapabilities ?? [])].sort((x, y) => x.offset - y.offset);
  ext.forEach((c, i) => {
    b.put(c.offset, 4, ((ext[i + 1]?.offset ?? 0) * 2 ** 20 + ((c.version & 0xf) << 16) + (c.id & 0xffff)) >>> 0);
    c.body.forEach((v, j) => b.put(c.offset + 4 + j, 1, v));
    b.reg(`ECAP${c.id.toString(16).padStart(4, '0')}@${c.offset.toString(16)}.HEADER`, c.offset, 4);
    for (let j = 0; j + 4 <= c.body.length; j += 4) {
      const mask = (arr: readonly number[] | undefined) => ((arr?.[j] ?? 0) | ((arr?.[j + 1] ?? 0) << 8) | ((arr?.[j + 2] ?? 0) << 16) | ((arr?.[j + 3] ?? 0) << 24)) >>> 0;
      b.reg(`ECAP${c.id.toString(16).padStart(4, '0')}@${c.offset.toString(16)}+${(j + 4).toString(16)}`, c.offset + 4 + j, 4, mask(c.writable), mask(c.w1c));
    }
  });
  b.fillRaw(0, t.configSize);
  return b.finish(t.configSize, bars, 0);
}

/** What an import knows beyond the bytes: BAR and ROM sizes (from sysfs or a device table). */
export interface RawFunctionInfo {
  barSizes?: Partial<Record<number, number>>;
  romSize?: number;
}

/** BARs as their low bits declare them (a 64-bit BAR claims the next register too). */
export function decodeBarKinds(image: ArrayLike<number>, count: number, sizes: Partial<Record<number, number>> = {}): BarInfo[] {
  const bars: BarInfo[] = [];
  const dword = (i: number) => le(image, R.PCI_BASE_ADDRESS_0 + 4 * i, 4);
  for (let i = 0; i < count; i++) {
    const v = dword(i);
    const size = sizes[i] ?? 0;
    if ((!v || v === 0xffffffff) && !size) continue;
    if (v & R.PCI_BASE_ADDRESS_SPACE_IO) bars.push({ index: i, kind: 'io', size, prefetchable: false });
    else {
      const is64 = (v & R.PCI_BASE_ADDRESS_MEM_TYPE_MASK) === R.PCI_BASE_ADDRESS_MEM_TYPE_64 && i + 1 < count;
      bars.push({ index: i, kind: is64 ? 'mem64' : 'mem32', size, prefetchable: (v & R.PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0 });
      if (is64) i++;
    }
  }
  return bars;
}

function le(b: ArrayLike<number>, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/**
 * The layout of an imported function: every byte as dumped, with the standard header and
 * capability semantics laid over it; bytes beyond what we understand stay read-only.
 */
export function layoutFromImage(bytes: Uint8Array, info: RawFunctionInfo = {}): ConfigLayout {
  const size = Math.max(64, Math.min(bytes.length, 4096));
  const b = new LayoutBuilder(regFileSizeFor(size));
  b.image.fill(0xff, Math.min(bytes.length, b.regFileSize));
  b.image.set(bytes.subarray(0, b.regFileSize));
  const headerType = b.image[R.PCI_HEADER_TYPE] & 0x7f;
  const read8 = (o: number) => (o < size ? b.image[o] : 0xff);
  const read16 = (o: number) => read8(o) | (read8(o + 1) << 8);
  const caps = size >= 0x41 ? walkCapabilities(read8, read16).filter((c) => c.offset + 2 <= size) : [];
  const pcie = caps.some((c) => c.id === R.PCI_CAP_ID_EXP);
  const barCount = headerType === R.PCI_HEADER_TYPE_NORMAL ? 6 : headerType === R.PCI_HEADER_TYPE_BRIDGE ? 2 : 0;
  const bars = decodeBarKinds(b.image, barCount, info.barSizes);
  const romSize = info.romSize ?? 0;
  if (headerType === R.PCI_HEADER_TYPE_BRIDGE) type1Header(b, bars, romSize, pcie);
  else if (headerType === R.PCI_HEADER_TYPE_NORMAL) type0Header(b, bars, romSize, pcie);
  else commonHeader(b, pcie);
  for (const c of caps) {
    const fields = capabilityFields(c.id, b.image.subarray(c.offset)).filter((f) => c.offset + f.rel + f.size <= size);
    capabilityRegisters(b, c.id, c.offset, fields);
  }
  if (size > 0x100) {
    const read32 = (o: number) => le(b.image, o, 4);
    for (const e of walkExtCapabilities(read32, size)) extCapabilityRegisters(b, e.id, e.offset);
  }
  b.fillRaw(0, b.regFileSize);
  return b.finish(size, bars, romSize);
}
