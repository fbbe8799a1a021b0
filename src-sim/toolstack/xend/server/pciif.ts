/**
 * xend's PCI device controller (tools/python/xen/xend/server/pciif.py + xen/util/pci.py): for
 * each function of the guest's `pci` list, read it from dom0's sysfs, refuse it unless pciback
 * owns it, then grant the guest its I/O ports, I/O memory and IRQ (the permission domctls).
 * Error texts are xend's, raised as VmError and printed by xm as "Error: …".
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import type { XendDom0 } from '../xend.ts';

export class VmError extends Error {}

export interface PciSlot {
  domain: number;
  bus: number;
  slot: number;
  func: number;
}

export const slotName = (s: PciSlot) =>
  `${s.domain.toString(16).padStart(4, '0')}:${s.bus.toString(16).padStart(2, '0')}:${s.slot.toString(16).padStart(2, '0')}.${s.func.toString(16)}`;

export interface PciResourceLine {
  start: number;
  end: number;
  flags: number;
}

/** xen.util.pci.PciDevice: what xend learns from sysfs. */
export interface PciDeviceInfo {
  name: string;
  ioports: [number, number][];
  iomem: [number, number][];
  irq: number;
  driver: string;
}

export const SYSFS = '/sys/bus/pci/devices';

/** PciDevice.__init__: resources, irq, driver — or PciDeviceParseError / OSError as xend raises them. */
export function readPciDevice(dom0: XendDom0, s: PciSlot): PciDeviceInfo {
  const name = slotName(s);
  const base = `${SYSFS}/${name}`;
  let resource: string;
  let irq: string;
  try {
    resource = dom0.sysfsRead(`${base}/resource`);
    irq = dom0.sysfsRead(`${base}/irq`);
  } catch {
    throw new VmError(`pci: failed to locate device and parse it's resources - Error Parsing PCI Device Info: Failed to open & read ${base}/resource: No such file or directory (2)`);
  }
  let driver: string;
  try {
    driver = dom0.sysfsReadlink(`${base}/driver`).split('/').pop()!;
  } catch {
    throw new VmError(`pci: failed to locate device and parse it's resources - [Errno 2] No such file or directory: '${base}/driver'`);
  }
  const info: PciDeviceInfo = { name, ioports: [], iomem: [], irq: parseInt(irq, 10), driver };
  for (const line of resource.trim().split('\n').slice(0, 6)) {
    const [start, end, flags] = line.split(' ').map((x) => parseInt(x, 16));
    if (!start && !end) continue;
    if (flags & 0x100) info.ioports.push([start, end - start + 1]);
    else info.iomem.push([start, end - start + 1]);
  }
  return info;
}

/** pciback (4.0: or pci-stub) must own the function; 4.0 words it differently. */
export function checkOwnership(dev: PciDeviceInfo, pciStub: boolean): void {
  if (dev.driver === 'pciback' || (pciStub && dev.driver === 'pci-stub')) return;
  if (pciStub) throw new VmError(`pci: PCI Backend and pci-stub don't own device ${dev.name}`);
  throw new VmError(`pci: PCI Backend does not own device ${dev.name}\nSee the pciback.hide kernel command-line parameter or\nbind your slot/device to the PCI backend using sysfs`);
}

/** PciController.setupDevice: ownership check, then ioport, iomem and irq permissions for `domid`. */
export function setupPciDevice(dom0: XendDom0, xc: XcHandle, domid: number, s: PciSlot, pciStub = false): PciDeviceInfo {
  const dev = readPciDevice(dom0, s);
  checkOwnership(dev, pciStub);
  for (const [start, size] of dev.ioports) {
    if (xc.domainIoportPermission(domid, start, size, true) < 0) throw new VmError(`pci: failed to configure I/O ports on device ${dev.name} - errno=${xc.errno}`);
  }
  for (const [start, size] of dev.iomem) {
    if (xc.domainIomemPermission(domid, Math.floor(start / 0x1000), Math.floor((size + 0xfff) / 0x1000), true) < 0) {
      throw new VmError(`pci: failed to configure I/O memory on device ${dev.name} - errno=${xc.errno}`);
    }
  }
  if (dev.irq > 0 && xc.domainIrqPermission(domid, dev.irq, true) < 0) throw new VmError(`pci: failed to configure irq on device ${dev.name} - errno=${xc.errno}`);
  return dev;
}
