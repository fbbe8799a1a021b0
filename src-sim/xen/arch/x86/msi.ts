/**
 * Machine MSI of a PCI function as Xen 3.3/3.4 programs it (xen/arch/x86/msi.c): the message
 * Xen composes for a vector (msi_compose_msg), written into the function's own MSI capability
 * through Xen's config cycles (msi_capability_init, setup_msi_irq → write_msi_msg), and the
 * enable bit cleared again when the vector is torn down (pci_disable_msi). Only plain MSI:
 * MSI-X tables are not modelled.
 *
 * The message is what the 3.4 default "flat" APIC driver gives: logical destination mode,
 * lowest-priority delivery to every online CPU (TARGET_CPUS as a flat logical mask), edge
 * trigger, level assert.
 */
import { PCI_CAP_ID_MSI } from '../../../hw/pci/pci-regs.ts';
import { ENODEV } from '../../common/errno.ts';
import type { Xen } from '../../xen.ts';

export const MSI_ADDR_BASE_LO = 0xfee00000;
const MSI_ADDR_DESTMODE_LOGIC = 1 << 2;
const MSI_ADDR_REDIRECTION_LOWPRI = 1 << 3;
const MSI_TARGET_CPU_SHIFT = 12;
const MSI_DATA_LEVEL_ASSERT = 1 << 14;
const MSI_DATA_DELIVERY_LOWPRI = 1 << 8;
export const PCI_MSI_FLAGS_ENABLE = 0x0001;
export const PCI_MSI_FLAGS_64BIT = 0x0080;
const PCI_MSI_FLAGS_MASKBIT = 0x0100;

export interface MsiMsg {
  addressLo: number;
  addressHi: number;
  data: number;
}

/** A function's MSI as Xen set it up for a vector (struct msi_desc). */
export interface MsiDesc {
  bus: number;
  devfn: number;
  /** Offset of the MSI capability in the function's config space. */
  pos: number;
  vector: number;
  is64: boolean;
}

/** msi_compose_msg for `vector` on a machine with `cpus` online CPUs. */
export function msiComposeMsg(vector: number, cpus: number): MsiMsg {
  const dest = ((1 << Math.min(cpus, 8)) - 1) & 0xff;
  return {
    addressLo: (MSI_ADDR_BASE_LO | MSI_ADDR_DESTMODE_LOGIC | MSI_ADDR_REDIRECTION_LOWPRI | (dest << MSI_TARGET_CPU_SHIFT)) >>> 0,
    addressHi: 0,
    data: MSI_DATA_LEVEL_ASSERT | MSI_DATA_DELIVERY_LOWPRI | (vector & 0xff),
  };
}

const slot = (devfn: number) => devfn >> 3;
const fn = (devfn: number) => devfn & 7;

/**
 * pci_enable_msi → msi_capability_init + setup_msi_irq: disable MSI while setting it up, mask
 * every vector when the function can, write the message, restore the control word the function
 * had. Returns the descriptor, or -ENODEV (as a negative number) when the function has no MSI.
 */
export function pciEnableMsi(xen: Xen, bus: number, devfn: number, vector: number): MsiDesc | number {
  const pos = xen.pci.findCap(bus, slot(devfn), fn(devfn), PCI_CAP_ID_MSI);
  if (!pos) return -ENODEV;
  const rd = (off: number, size: 2 | 4) => xen.pci.read(bus, slot(devfn), fn(devfn), pos + off, size);
  const wr = (off: number, size: 2 | 4, v: number) => xen.pci.write(bus, slot(devfn), fn(devfn), pos + off, size, v);
  const control = rd(2, 2);
  const is64 = (control & PCI_MSI_FLAGS_64BIT) !== 0;
  wr(2, 2, control & ~PCI_MSI_FLAGS_ENABLE);
  if (control & PCI_MSI_FLAGS_MASKBIT) {
    const maskAt = is64 ? 0x10 : 0x0c;
    const cap = 1 << ((control >> 1) & 7);
    wr(maskAt, 4, rd(maskAt, 4) | ((cap - 1) & ~cap) | 1);
  }
  const msg = msiComposeMsg(vector, xen.world.pc.profile.cpu?.cores ?? 1);
  wr(4, 4, msg.addressLo);
  if (is64) wr(8, 4, msg.addressHi);
  wr(is64 ? 0x0c : 0x08, 2, msg.data);
  wr(2, 2, control);
  return { bus, devfn, pos, vector, is64 };
}

/** pci_disable_msi: the function stops signalling (MSI enable cleared). */
export function pciDisableMsi(xen: Xen, m: MsiDesc): void {
  const at = m.pos + 2;
  const control = xen.pci.read(m.bus, slot(m.devfn), fn(m.devfn), at, 2);
  xen.pci.write(m.bus, slot(m.devfn), fn(m.devfn), at, 2, control & ~PCI_MSI_FLAGS_ENABLE);
}
