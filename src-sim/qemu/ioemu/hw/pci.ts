/**
 * The guest's emulated PCI bus in qemu-dm (tools/ioemu/hw/pci.c, qemu 0.8-era): devices
 * registered in pc_init1's order take the first free slot; each has a 256-byte config space,
 * I/O regions declared by size and type, and read/write handlers (the defaults below, or a
 * pass-through device's own). `pci_default_write_config` honours BAR writes only as dwords,
 * masks them by the region size (so write ~0 / read back sizes a BAR), and any write touching
 * COMMAND or a BAR re-evaluates the mappings: a region whose address changes to a valid one gets
 * its map callback (pt_iomem_map / pt_ioport_map for pass-through); turning decoding off calls
 * nothing, as in qemu.
 */
export const PT_VIRT_DEVFN_AUTO = -1;
export const PCI_ADDRESS_SPACE_MEM = 0x00;
export const PCI_ADDRESS_SPACE_IO = 0x01;
export const PCI_ADDRESS_SPACE_MEM_PREFETCH = 0x08;
export const PCI_ROM_SLOT = 6;

export type MapFunc = (region: PciIoRegion, addr: number) => void;

export interface PciIoRegion {
  index: number;
  size: number;
  type: number;
  /** Current guest address, or -1 when not decoded. */
  addr: number;
  map?: MapFunc;
}

export interface EmulatedPciDevice {
  name: string;
  devfn: number;
  config: Uint8Array;
  regions: PciIoRegion[];
  readConfig(addr: number, len: 1 | 2 | 4): number;
  writeConfig(addr: number, value: number, len: 1 | 2 | 4): void;
}

export interface PciDeviceIds {
  vendor: number;
  device: number;
  classCode: number;
  revision?: number;
  headerType?: number;
  interruptPin?: number;
  subsystemVendor?: number;
  subsystem?: number;
}

export function configFromIds(ids: PciDeviceIds): Uint8Array {
  const c = new Uint8Array(256);
  const dv = new DataView(c.buffer);
  dv.setUint16(0, ids.vendor, true);
  dv.setUint16(2, ids.device, true);
  c[8] = ids.revision ?? 0;
  c[9] = ids.classCode & 0xff;
  c[10] = (ids.classCode >> 8) & 0xff;
  c[11] = (ids.classCode >> 16) & 0xff;
  c[0x0e] = ids.headerType ?? 0;
  c[0x3d] = ids.interruptPin ?? 0;
  dv.setUint16(0x2c, ids.subsystemVendor ?? 0, true);
  dv.setUint16(0x2e, ids.subsystem ?? 0, true);
  return c;
}

const barOffset = (i: number) => (i === PCI_ROM_SLOT ? 0x30 : 0x10 + 4 * i);

export function readLe(c: Uint8Array, addr: number, len: number): number {
  let v = 0;
  for (let i = len - 1; i >= 0; i--) v = v * 256 + (c[addr + i] ?? 0);
  return v >>> 0;
}

export function writeLe(c: Uint8Array, addr: number, len: number, value: number): void {
  for (let i = 0; i < len; i++) c[addr + i] = (value >>> (8 * i)) & 0xff;
}

/** A device with qemu's default config handlers. */
export class PciDevice implements EmulatedPciDevice {
  readonly regions: PciIoRegion[] = [];

  constructor(
    readonly name: string,
    public devfn: number,
    readonly config: Uint8Array,
  ) {}

  /** pci_register_io_region. */
  registerRegion(index: number, size: number, type: number, map?: MapFunc): PciIoRegion {
    const r: PciIoRegion = { index, size, type, addr: -1, map };
    this.regions.push(r);
    writeLe(this.config, barOffset(index), 4, type);
    return r;
  }

  readConfig(addr: number, len: 1 | 2 | 4): number {
    return readLe(this.config, addr, len);
  }

  writeConfig(addr: number, value: number, len: 1 | 2 | 4): void {
    pciDefaultWriteConfig(this, addr, value, len);
  }
}

/** pci_default_write_config (header type 0). */
export function pciDefaultWriteConfig(d: EmulatedPciDevice, addr: number, value: number, len: 1 | 2 | 4): void {
  if (len === 4 && ((addr >= 0x10 && addr < 0x28) || addr === 0x30)) {
    const index = addr === 0x30 ? PCI_ROM_SLOT : (addr - 0x10) >> 2;
    const r = d.regions.find((x) => x.index === index);
    if (!r) return;
    const mask = index === PCI_ROM_SLOT ? ~(r.size - 1) | 1 : ~(r.size - 1);
    writeLe(d.config, addr, 4, ((value & mask) | (index === PCI_ROM_SLOT ? 0 : r.type)) >>> 0);
    pciUpdateMappings(d);
    return;
  }
  for (let i = 0; i < len; i++) {
    const a = addr + i;
    if (!writableByte(a)) continue;
    let b = (value >>> (8 * i)) & 0xff;
    if (a === 0x05) b &= 0x07; // COMMAND bits 15:11 reserved
    d.config[a] = b;
  }
  if (addr <= 0x05 && addr + len > 0x04) pciUpdateMappings(d);
}

/** Bytes the guest may change in a type-0 header (everything else is read-only in the copy). */
function writableByte(a: number): boolean {
  if (a < 0x04 || (a >= 0x06 && a < 0x0c) || a === 0x0e) return false;
  return !((a >= 0x10 && a < 0x28) || (a >= 0x2c && a < 0x34) || a === 0x3d);
}

/** pci_update_mappings: new address per region from COMMAND and the BAR; map callbacks on change. */
export function pciUpdateMappings(d: EmulatedPciDevice): void {
  const cmd = readLe(d.config, 0x04, 2);
  for (const r of d.regions) {
    const bar = readLe(d.config, barOffset(r.index), 4);
    let addr = -1;
    if (r.type & PCI_ADDRESS_SPACE_IO) {
      if (cmd & 1) {
        const a = (bar & ~(r.size - 1)) >>> 0;
        const last = a + r.size - 1;
        addr = last <= a || a === 0 || last >= 0x10000 ? -1 : a;
      }
    } else if (cmd & 2 && (r.index !== PCI_ROM_SLOT || bar & 1)) {
      // The sizing value (all ones) ends at 0xffffffff: qemu treats that as "not mapped".
      const a = (bar & ~(r.size - 1)) >>> 0;
      const last = a + r.size - 1;
      addr = last <= a || a === 0 || last >= 0xffffffff ? -1 : a;
    }
    if (addr === r.addr) continue;
    // Turning decoding off is only remembered: no callback, the old mapping stays (qemu 0.8).
    if (addr === -1) {
      r.addr = -1;
      continue;
    }
    r.map?.(r, addr);
    r.addr = addr;
  }
}

export class PciBus {
  readonly devices: EmulatedPciDevice[] = [];

  /** pci_register_device: `devfn` auto picks the next free slot's function 0; undefined when taken or full. */
  register<T extends EmulatedPciDevice>(make: (devfn: number) => T, devfn: number = PT_VIRT_DEVFN_AUTO): T | undefined {
    if (devfn < 0) {
      devfn = 0;
      while (devfn < 256 && this.devices.some((d) => d.devfn === devfn)) devfn += 8;
      if (devfn >= 256) return undefined;
    } else if (this.devices.some((d) => d.devfn === devfn)) return undefined;
    const dev = make(devfn);
    this.devices.push(dev);
    return dev;
  }

  device(devfn: number): EmulatedPciDevice | undefined {
    return this.devices.find((d) => d.devfn === devfn);
  }

  slotOf(name: string): number | undefined {
    const d = this.devices.find((x) => x.name === name);
    return d ? d.devfn >> 3 : undefined;
  }
}
