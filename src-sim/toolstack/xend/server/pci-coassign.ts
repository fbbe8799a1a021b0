/**
 * xend's co-assignment rule for conventional PCI functions behind a bridge (3.4 pciif.py
 * setupDevice, 4.0 dev_check_assignability_and_do_FLR; xen/util/pci.py
 * find_coassigned_pci_devices): every function behind the uppermost PCI/PCI-X bridge above the
 * device must go to the same guest, because their DMA reaches VT-d under one requester id.
 *
 * What each era actually refuses (read from the code, not its comment):
 * - 3.4 refuses only a sibling that is no longer dom0's (`xc.test_assign_device(0, s) != 0`:
 *   already assigned to another guest). A sibling dom0's own driver still drives passes, and
 *   its DMA then goes through the guest's context entry. (Its CheckSiblingDevices asks Xen for
 *   the device group of the *new* guest, whose device list is still empty: it finds nothing.)
 * - 4.0 (HVM, pci-passthrough-strict-check on, the default) first refuses any function behind
 *   the bridge that neither pciback nor pci-stub owns (devs_check_driver raises
 *   PciDeviceAssignmentError, whose text xm prints with its "improper device assignment"
 *   prefix), then one already assigned to another guest.
 * 2007 and 3.2 have no such check.
 *
 * xend reads the topology from sysfs (the device directory's parent, the config file); dom0's
 * libpci view gives the same config bytes, and a bus's parent is the bridge whose secondary
 * bus it is.
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { atLeast, type XenEra } from '../../../xen/common/version.ts';
import { machineBdf } from '../../../xen/arch/x86/domctl.ts';
import type { LibpciDev } from '../../../qemu/ioemu/hw/pass-through.ts';
import { walkCapabilities } from '../../../hw/pci/capabilities.ts';
import type { XendDom0 } from '../xend.ts';
import { slotName, SYSFS, VmError, type PciSlot } from './pciif.ts';

type DevType = 'pcie-endpoint' | 'pcie-bridge' | 'pci-bridge' | 'pci';

const PCI_CLASS_BRIDGE_PCI = 0x0604;
const PCI_CAP_ID_EXP = 0x10;
const PCI_EXP_TYPE_PCI_BRIDGE = 7;

export interface CoassignContext {
  dom0: XendDom0;
  xc: XcHandle;
  era: XenEra;
  hvm: boolean;
  /** Every function the other guests were given (4.0's get_all_assigned_pci_devices). */
  assigned: string[];
}

const slotOf = (d: LibpciDev): PciSlot => ({ domain: 0, bus: d.bus, slot: d.dev, func: d.func });
const nameOf = (d: LibpciDev) => slotName(slotOf(d));

/** PciDevice.find_cap_offset: the capability's offset, or 0. */
function findCap(d: LibpciDev, id: number): number {
  return walkCapabilities((o) => d.readConfig(o, 1), (o) => d.readConfig(o, 2)).find((c) => c.id === id)?.offset ?? 0;
}

/** PciDevice.detect_dev_info: 00:00.0 is forced to a PCIe bridge. */
function devType(d: LibpciDev): DevType {
  if (d.bus === 0 && d.dev === 0 && d.func === 0) return 'pcie-bridge';
  const exp = findCap(d, PCI_CAP_ID_EXP);
  if (d.readConfig(0x0a, 2) === PCI_CLASS_BRIDGE_PCI) {
    if (!exp) return 'pci-bridge';
    return ((d.readConfig(exp + 2, 2) >> 4) & 0xf) === PCI_EXP_TYPE_PCI_BRIDGE ? 'pci-bridge' : 'pcie-bridge';
  }
  return exp ? 'pcie-endpoint' : 'pci';
}

class Topology {
  constructor(private readonly devs: LibpciDev[]) {}

  /** find_parent: the bridge whose secondary bus holds `d` (none on a root bus). */
  parent(d: LibpciDev): LibpciDev | undefined {
    return this.devs.find((b) => b !== d && devType(b).endsWith('bridge') && (b.readConfig(0x0e, 1) & 0x7f) === 1 && b.readConfig(0x19, 1) === d.bus);
  }

  /** find_the_uppermost_pci_bridge: climb while the parent is not a PCIe port. */
  uppermostPciBridge(d: LibpciDev): LibpciDev | undefined {
    let dev = this.parent(d);
    if (!dev) return undefined;
    let up = dev;
    while (devType(up) !== 'pcie-bridge') {
      const next = this.parent(up);
      if (!next) break;
      dev = up;
      up = next;
    }
    return dev;
  }

  /** find_all_devices_behind_the_bridge(ignore_bridge=True), flattened and without the bridge itself, in sysfs (name) order. */
  behind(bridge: LibpciDev): LibpciDev[] {
    const children = this.devs.filter((c) => this.parent(c) === bridge).sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
    return children.flatMap((c) => (devType(c).endsWith('bridge') ? this.behind(c) : [c]));
  }
}

/** pciif's co-assignment check over the guest's `pci` list; throws the VmError xm prints. */
export function checkCoassignment(ctx: CoassignContext, slots: PciSlot[]): void {
  if (!atLeast(ctx.era, '3.4')) return;
  const v40 = atLeast(ctx.era, '4.0');
  if (v40 && !ctx.hvm) return;
  const devs = ctx.dom0.libpci();
  const topo = new Topology(devs);
  const names = slots.map(slotName);
  for (const s of slots) {
    const dev = devs.find((d) => d.bus === s.bus && d.dev === s.slot && d.func === s.func);
    if (!dev || dev.bus === 0 || devType(dev) !== 'pci') continue;
    const top = topo.uppermostPciBridge(dev);
    const siblings = top ? topo.behind(top) : [];
    if (v40) devsCheckDriver(ctx.dom0, siblings, nameOf(dev));
    for (const sib of siblings) {
      if (names.includes(nameOf(sib))) continue;
      const taken = v40 ? ctx.assigned.includes(nameOf(sib)) : ctx.xc.testAssignDevice(0, machineBdf({ bus: sib.bus, device: sib.dev, fn: sib.func })) !== 0;
      if (taken) throw new VmError(`pci: ${nameOf(sib)} must be co-assigned to the same guest with ${nameOf(dev)}`);
    }
  }
}

/** 4.0 PciDevice.devs_check_driver: every function behind the bridge must be pciback's or pci-stub's. */
function devsCheckDriver(dom0: XendDom0, siblings: LibpciDev[], self: string): void {
  for (const sib of siblings) {
    const driver = driverOf(dom0, nameOf(sib));
    if (driver === 'pciback' || driver === 'pci-stub') continue;
    throw new VmError(`pci: improper device assignment specified: pci: ${nameOf(sib)} must be co-assigned to the same guest with ${self}, but it is not owned by pciback or pci-stub.`);
  }
}

/** 4.0 PciDevice.get_info_from_sysfs: the driver link's name, "" when no driver is bound. */
function driverOf(dom0: XendDom0, name: string): string {
  try {
    return dom0.sysfsReadlink(`${SYSFS}/${name}/driver`).split('/').pop() ?? '';
  } catch {
    return '';
  }
}
