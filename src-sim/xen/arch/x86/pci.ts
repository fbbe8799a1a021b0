/**
 * Xen's own PCI configuration access (xen/arch/x86/pci.c, asm-x86/pci.h `read_pci_config*`):
 * mechanism #1 through ports 0xCF8/0xCFC, as the hypervisor does before any dom0 exists.
 */
import type { IoPortSpace } from '../../../hw/bus/ioport.ts';

export const PCI_VENDOR_ID = 0x00;
export const PCI_COMMAND = 0x04;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBORDINATE_BUS = 0x1a;
export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_STATUS = 0x06;

export class PciConf {
  constructor(private readonly io: IoPortSpace) {}

  private select(bus: number, dev: number, fn: number, reg: number): void {
    this.io.write(0xcf8, 4, (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0);
  }

  read(bus: number, dev: number, fn: number, reg: number, size: 1 | 2 | 4 = 4): number {
    this.select(bus, dev, fn, reg);
    return this.io.read(0xcfc + (reg & 3), size) >>> 0;
  }

  write(bus: number, dev: number, fn: number, reg: number, size: 1 | 2 | 4, value: number): void {
    this.select(bus, dev, fn, reg);
    this.io.write(0xcfc + (reg & 3), size, value);
  }

  /** The vendor dword says a function is there (not 0, ~0, 0x0000ffff, 0xffff0000). */
  present(bus: number, dev: number, fn: number): boolean {
    const l = this.read(bus, dev, fn, PCI_VENDOR_ID);
    return l !== 0xffffffff && l !== 0 && l !== 0x0000ffff && l !== 0xffff0000;
  }

  /** Walks the capability list for `cap` (__pci_find_next_cap, 48 hops at most). */
  findCap(bus: number, dev: number, fn: number, cap: number): number {
    if (!(this.read(bus, dev, fn, PCI_STATUS, 2) & 0x10)) return 0;
    let pos = this.read(bus, dev, fn, PCI_CAPABILITY_LIST, 1);
    for (let ttl = 48; ttl > 0 && pos >= 0x40; ttl--) {
      pos &= ~3;
      if (this.read(bus, dev, fn, pos, 1) === cap) return pos;
      pos = this.read(bus, dev, fn, pos + 1, 1);
    }
    return 0;
  }
}
