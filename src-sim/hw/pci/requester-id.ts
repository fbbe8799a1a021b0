/**
 * The requester id a function's DMA carries when it reaches the root complex — the source-id
 * the VT-d unit looks its context entry up by (VT-d spec §3.6.1 "Identifying Origination of
 * DMA Requests"; Linux 2.6.24 intel-iommu.c domain_context_mapping with
 * pci_find_upstream_pcie_bridge; vtd.md §3).
 *
 * PCI Express carries the requester's own bus/device/function through root and switch ports.
 * Conventional PCI has no requester id: the bridge that forwards the request upstream takes
 * ownership of it. A PCI Express-to-PCI bridge (PCIe capability, port type 7) issues it as
 * (its secondary bus, device 0, function 0); a conventional PCI-to-PCI bridge (no PCIe
 * capability, e.g. the ICH's hub-to-PCI bridge) as its own bus/device/function. The bridge
 * nearest the root complex wins, so the walk goes all the way up.
 */
import { requesterId, type Bdf } from '../../../src-shared/units/bdf.ts';
import { walkCapabilities } from './capabilities.ts';
import type { PciFunction } from './pci-function.ts';
import type { PciHost } from './pci-host.ts';

const PCI_CAP_ID_EXP = 0x10;
const PCI_EXP_FLAGS_TYPE = 0x00f0;
/** PCI Express port type "PCI Express to PCI/PCI-X bridge". */
export const PCI_EXP_TYPE_PCI_BRIDGE = 0x7;

/** The PCIe device/port type of `f` (capability register bits 7:4), or undefined without a PCIe capability. */
export function pcieType(f: PciFunction): number | undefined {
  const read8 = (o: number) => f.config.read(o, 1);
  const read16 = (o: number) => f.config.read(o, 2);
  const exp = walkCapabilities(read8, read16).find((c) => c.id === PCI_CAP_ID_EXP);
  return exp ? (read16(exp.offset + 2) & PCI_EXP_FLAGS_TYPE) >> 4 : undefined;
}

/**
 * The source-id DMA from `bdf` carries, with the bus numbers firmware programmed now. Only
 * the bus matters (a model is asked before it is plugged); on a bus nothing reaches, its own id.
 */
export function dmaRequesterId(host: PciHost, bdf: Bdf): number {
  let sid = requesterId(bdf);
  let bridge = host.routeBus(bdf.segment, bdf.bus)?.parentBridge;
  while (bridge) {
    const type = pcieType(bridge);
    if (type === undefined) sid = requesterId({ bus: bridge.bus?.number ?? bridge.bdf.bus, device: bridge.bdf.device, fn: bridge.bdf.fn });
    else if (type === PCI_EXP_TYPE_PCI_BRIDGE) sid = requesterId({ bus: bridge.secondaryNumber, device: 0, fn: 0 });
    bridge = bridge.bus?.parentBridge;
  }
  return sid;
}
