/**
 * PCI configuration mechanism #1 as the guest kernel uses it (arch/i386/pci/direct.c,
 * pci_conf1_read/write): the address dword to 0xCF8, the data through 0xCFC+(reg & 3). In an HVM
 * guest qemu-dm answers these cycles, so everything read here is qemu-dm's view — emulated
 * PIIX3/i440FX devices and the assigned device's virtualised header — never the host's.
 */
import type { Bdf } from '../../../../../../src-shared/units/bdf.ts';
import type { PciAccess } from '../../../../lspci/ls-device.ts';

/** The guest's port path (in/out instructions, trapped by Xen, forwarded to qemu-dm). */
export interface PortIo {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
}

const address = (bus: number, devfn: number, reg: number): number => (0x80000000 | (bus << 16) | (devfn << 8) | (reg & 0xfc)) >>> 0;

export function conf1Read(io: PortIo, bus: number, devfn: number, reg: number, size: 1 | 2 | 4): number {
  io.portWrite(0xcf8, 4, address(bus, devfn, reg));
  return io.portRead(0xcfc + (reg & 3), size) >>> 0;
}

export function conf1Write(io: PortIo, bus: number, devfn: number, reg: number, size: 1 | 2 | 4, value: number): void {
  io.portWrite(0xcf8, 4, address(bus, devfn, reg));
  io.portWrite(0xcfc + (reg & 3), size, value);
}

/**
 * lspci's view of the guest bus through conf1 (what `lspci -A intel-conf1` does, and what sysfs
 * `config` returns on this kernel): bus 0 scanned as pciutils' generic scan does — function 0 of
 * each slot, the other functions only when header type bit 7 says multi-function. qemu-dm of 2007
 * emulates no bridge, so bus 0 is the whole tree. Region sizes are not reported: finding them
 * would mean writing ~0 to live BARs, which for the assigned device reaches Xen's memory mapping.
 */
export class GuestConf1Access implements PciAccess {
  constructor(private readonly io: PortIo) {}

  devices(): Bdf[] {
    const found: Bdf[] = [];
    for (let device = 0; device < 32; device++) {
      for (let fn = 0; fn < 8; fn++) {
        const id = conf1Read(this.io, 0, (device << 3) | fn, 0, 4);
        const vendor = id & 0xffff;
        if (vendor === 0xffff || vendor === 0) {
          if (fn === 0) break;
          continue;
        }
        found.push({ segment: 0, bus: 0, device, fn });
        if (fn === 0 && !(conf1Read(this.io, 0, device << 3, 0x0e, 1) & 0x80)) break;
      }
    }
    return found;
  }

  configSize(): number {
    return 256;
  }

  read(b: Bdf, offset: number, size: 1 | 2 | 4): number {
    return conf1Read(this.io, b.bus, (b.device << 3) | b.fn, offset, size);
  }
}
