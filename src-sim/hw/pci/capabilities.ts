/**
 * Capability lists as data: the field layout and the software-visible semantics (writable and
 * write-1-to-clear bits) of the standard capabilities this era's devices carry — Power
 * Management (PCI PM 1.1/1.2), MSI (PCI 2.3/3.0), PCI Express (PCIe 1.1/2.0), MSI-X — and
 * the Advanced Error Reporting extended capability. The same table serves a device model's
 * `CapabilityTemplate` and a capability found in an imported host's raw config bytes.
 */
import {
  PCI_CAP_ID_EXP,
  PCI_CAP_ID_MSI,
  PCI_CAP_ID_MSIX,
  PCI_CAP_ID_PM,
  PCI_CAPABILITY_LIST,
  PCI_EXP_TYPE_DOWNSTREAM,
  PCI_EXP_TYPE_ROOT_EC,
  PCI_EXP_TYPE_ROOT_PORT,
  PCI_EXT_CAP_ID_AER,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
} from './pci-regs.ts';

/** One register of a capability, relative to the capability's start. */
export interface CapField {
  name: string;
  rel: number;
  size: 1 | 2 | 4;
  writable?: number;
  w1c?: number;
  /** The side effect of a write (config-layout's ConfigHook). */
  onWrite?: 'msiControl';
}

export const CAP_NAMES: Record<number, string> = {
  0x01: 'PM',
  0x02: 'AGP',
  0x03: 'VPD',
  0x04: 'SLOTID',
  0x05: 'MSI',
  0x06: 'CHSWP',
  0x07: 'PCIX',
  0x08: 'HT',
  0x09: 'VNDR',
  0x0a: 'DBG',
  0x0c: 'HOTPLUG',
  0x0d: 'SSVID',
  0x10: 'EXP',
  0x11: 'MSIX',
  0x12: 'SATA',
  0x13: 'AF',
};

const le = (b: ArrayLike<number>, at: number, n: number) => {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
};

/**
 * The fields of a standard capability whose first bytes (from the ID byte on) are `bytes`.
 * Unknown capabilities get no fields here; their bytes stay read-only raw data.
 */
export function capabilityFields(id: number, bytes: ArrayLike<number>): CapField[] {
  const flags = le(bytes, 2, 2);
  switch (id) {
    case PCI_CAP_ID_PM:
      return [
        { name: 'PMC', rel: 2, size: 2 },
        // Power state and PME_En are software's; PME_Status is sticky RW1C.
        { name: 'PMCSR', rel: 4, size: 2, writable: 0x0103, w1c: 0x8000 },
        { name: 'PMCSR_BSE', rel: 6, size: 1 },
        { name: 'DATA', rel: 7, size: 1 },
      ];
    case PCI_CAP_ID_MSI: {
      const is64 = (flags & 0x80) !== 0;
      const maskable = (flags & 0x100) !== 0;
      const f: CapField[] = [
        { name: 'FLAGS', rel: 2, size: 2, writable: 0x0071, onWrite: 'msiControl' },
        { name: 'ADDRESS_LO', rel: 4, size: 4, writable: 0xfffffffc },
      ];
      if (is64) f.push({ name: 'ADDRESS_HI', rel: 8, size: 4, writable: 0xffffffff });
      const data = is64 ? 0xc : 8;
      f.push({ name: 'DATA', rel: data, size: 2, writable: 0xffff });
      if (maskable) {
        f.push({ name: 'MASK', rel: data + 4, size: 4, writable: 0xffffffff });
        f.push({ name: 'PENDING', rel: data + 8, size: 4 });
      }
      return f;
    }
    case PCI_CAP_ID_EXP:
      return expressFields(flags);
    case PCI_CAP_ID_MSIX:
      return [
        { name: 'FLAGS', rel: 2, size: 2, writable: 0xc000 },
        { name: 'TABLE', rel: 4, size: 4 },
        { name: 'PBA', rel: 8, size: 4 },
      ];
    default:
      return [];
  }
}

function expressFields(flags: number): CapField[] {
  const type = (flags >> 4) & 0xf;
  const slot = (flags & 0x100) !== 0;
  const root = type === PCI_EXP_TYPE_ROOT_PORT || type === PCI_EXP_TYPE_ROOT_EC;
  const f: CapField[] = [
    { name: 'FLAGS', rel: 2, size: 2 },
    { name: 'DEVCAP', rel: 4, size: 4 },
    { name: 'DEVCTL', rel: 8, size: 2, writable: 0x7fff },
    { name: 'DEVSTA', rel: 0xa, size: 2, w1c: 0x000f },
    { name: 'LNKCAP', rel: 0xc, size: 4 },
    { name: 'LNKCTL', rel: 0x10, size: 2, writable: 0x0ffb },
    { name: 'LNKSTA', rel: 0x12, size: 2, w1c: 0xc000 },
  ];
  if (slot || root || type === PCI_EXP_TYPE_DOWNSTREAM) {
    f.push({ name: 'SLTCAP', rel: 0x14, size: 4 });
    f.push({ name: 'SLTCTL', rel: 0x18, size: 2, writable: slot ? 0x1fff : 0 });
    f.push({ name: 'SLTSTA', rel: 0x1a, size: 2, w1c: slot ? 0x011f : 0 });
  }
  if (root) {
    f.push({ name: 'RTCTL', rel: 0x1c, size: 2, writable: 0x001f });
    f.push({ name: 'RTCAP', rel: 0x1e, size: 2 });
    f.push({ name: 'RTSTA', rel: 0x20, size: 4, w1c: 0x00010000 });
  }
  if ((flags & 0xf) >= 2) {
    f.push({ name: 'DEVCAP2', rel: 0x24, size: 4 });
    f.push({ name: 'DEVCTL2', rel: 0x28, size: 2, writable: 0x07ff });
    f.push({ name: 'DEVSTA2', rel: 0x2a, size: 2 });
    f.push({ name: 'LNKCAP2', rel: 0x2c, size: 4 });
    f.push({ name: 'LNKCTL2', rel: 0x30, size: 2, writable: 0xffff });
    f.push({ name: 'LNKSTA2', rel: 0x32, size: 2 });
  }
  return f;
}

/** Fields of an extended capability after its 4-byte header (AER status registers are RW1C). */
export function extCapabilityFields(id: number): CapField[] {
  if (id !== PCI_EXT_CAP_ID_AER) return [];
  return [
    { name: 'UNCOR_STATUS', rel: 4, size: 4, w1c: 0xffffffff },
    { name: 'UNCOR_MASK', rel: 8, size: 4, writable: 0xffffffff },
    { name: 'UNCOR_SEVER', rel: 0xc, size: 4, writable: 0xffffffff },
    { name: 'COR_STATUS', rel: 0x10, size: 4, w1c: 0xffffffff },
    { name: 'COR_MASK', rel: 0x14, size: 4, writable: 0xffffffff },
    { name: 'CAP', rel: 0x18, size: 4, writable: 0x00000140 },
  ];
}

/** One entry of a capability list as software walks it. */
export interface CapabilityEntry {
  id: number;
  offset: number;
}

/**
 * Walks the standard capability list the way Linux's pci_find_capability and lspci do:
 * only if Status.CAP_LIST is set, pointers masked with ~3, at most 48 hops, stopping at a
 * loop or a pointer into the header. `read8` is any config reader (a config cycle, an image).
 */
export function walkCapabilities(read8: (offset: number) => number, read16: (offset: number) => number): CapabilityEntry[] {
  const out: CapabilityEntry[] = [];
  if (!(read16(PCI_STATUS) & PCI_STATUS_CAP_LIST)) return out;
  const seen = new Set<number>();
  let where = read8(PCI_CAPABILITY_LIST) & 0xfc;
  while (where >= 0x40 && !seen.has(where) && out.length < 48) {
    seen.add(where);
    const id = read8(where);
    if (id === 0xff) break;
    out.push({ id, offset: where });
    where = read8(where + 1) & 0xfc;
  }
  return out;
}

/** Walks the extended capability list from 0x100 (headers: id[15:0] version[19:16] next[31:20]). */
export function walkExtCapabilities(read32: (offset: number) => number, size: number): CapabilityEntry[] {
  const out: CapabilityEntry[] = [];
  const seen = new Set<number>();
  let where = 0x100;
  while (where >= 0x100 && where + 4 <= size && !seen.has(where)) {
    seen.add(where);
    const header = read32(where) >>> 0;
    if (header === 0 || header === 0xffffffff) break;
    out.push({ id: header & 0xffff, offset: where });
    where = (header >>> 20) & 0xffc;
  }
  return out;
}
