/**
 * The emulated PC of an HVM guest (tools/ioemu/hw/pc.c pc_init1, piix_pci.c, ide.c, cirrus_vga.c,
 * xen_platform.c, rtl8139.c / ne2000.c): the devices' identities and I/O regions as the guest's
 * firmware finds them. Emulated regions are registered without map callbacks: qemu serves them
 * through ioreqs wherever the guest puts them. The PIIX3's PCI link registers (0x60–0x63) are
 * forwarded to Xen, which routes passthrough INTx by them.
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { RTL8139_IDS } from './rtl8139.ts';
import { RTL8139_IO_SIZE } from './rtl8139_regs.ts';
import { PCI_ADDRESS_SPACE_IO, PCI_ADDRESS_SPACE_MEM, PCI_ADDRESS_SPACE_MEM_PREFETCH, PciDevice, configFromIds, pciDefaultWriteConfig, type PciDeviceIds } from './pci.ts';

interface Model {
  name: string;
  ids: PciDeviceIds;
  regions: [index: number, size: number, type: number][];
}

export const I440FX: Model = { name: 'i440FX', ids: { vendor: 0x8086, device: 0x1237, classCode: 0x060000, revision: 0x02 }, regions: [] };
export const PIIX3: Model = { name: 'PIIX3', ids: { vendor: 0x8086, device: 0x7000, classCode: 0x060100, headerType: 0x80 }, regions: [] };
export const PIIX3_IDE: Model = { name: 'PIIX3 IDE', ids: { vendor: 0x8086, device: 0x7010, classCode: 0x010180 }, regions: [[4, 0x10, PCI_ADDRESS_SPACE_IO]] };
export const CIRRUS_VGA: Model = {
  name: 'Cirrus VGA',
  ids: { vendor: 0x1013, device: 0x00b8, classCode: 0x030000 },
  regions: [
    [0, 0x2000000, PCI_ADDRESS_SPACE_MEM_PREFETCH],
    [1, 0x1000, PCI_ADDRESS_SPACE_MEM],
  ],
};
export const XEN_PLATFORM: Model = {
  name: 'xen-platform',
  ids: { vendor: 0x5853, device: 0x0001, classCode: 0xff8000, revision: 1, interruptPin: 1, subsystemVendor: 0x5853, subsystem: 0x0001 },
  regions: [
    [0, 0x100, PCI_ADDRESS_SPACE_IO],
    [1, 0x1000000, PCI_ADDRESS_SPACE_MEM_PREFETCH],
  ],
};
export const RTL8139: Model = {
  name: 'rtl8139',
  ids: RTL8139_IDS,
  regions: [
    [0, RTL8139_IO_SIZE, PCI_ADDRESS_SPACE_IO],
    [1, RTL8139_IO_SIZE, PCI_ADDRESS_SPACE_MEM],
  ],
};
export const NE2K_PCI: Model = { name: 'ne2k_pci', ids: { vendor: 0x10ec, device: 0x8029, classCode: 0x020000, interruptPin: 1 }, regions: [[0, 0x100, PCI_ADDRESS_SPACE_IO]] };

export function emulated(model: Model, devfn: number): PciDevice {
  const d = new PciDevice(model.name, devfn, configFromIds(model.ids));
  for (const [i, size, type] of model.regions) d.registerRegion(i, size, type);
  return d;
}

/** PIIX3 function 0, whose PIRQ route registers are mirrored into Xen. */
export class Piix3 extends PciDevice {
  constructor(
    devfn: number,
    private readonly xc: XcHandle,
    private readonly domid: number,
  ) {
    super(PIIX3.name, devfn, configFromIds(PIIX3.ids));
    // PIRQ routes start disabled (bit 7 set), as on the real chip.
    this.config.set([0x80, 0x80, 0x80, 0x80], 0x60);
  }

  override writeConfig(addr: number, value: number, len: 1 | 2 | 4): void {
    pciDefaultWriteConfig(this, addr, value, len);
    for (let i = 0; i < len; i++) {
      const a = addr + i;
      if (a < 0x60 || a > 0x63) continue;
      const route = this.config[a];
      // xc_hvm_set_pci_link_route with the IRQ, or 0 when the route is disabled.
      this.xc.hvmSetPciLinkRoute(this.domid, a - 0x60, route & 0x80 ? 0 : route & 0x0f);
    }
  }
}

export const NIC_MODELS: Record<string, Model> = { rtl8139: RTL8139, ne2k_pci: NE2K_PCI };
