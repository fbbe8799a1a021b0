/**
 * The running machine's PCI functions as the Host panel lists them — the table the assignment
 * wizard starts from. Everything is read live from the PC: identity and class from each
 * function's config space, the INTx# route from its Interrupt Pin and the routing table, the
 * covering remapping unit from the DMAR scopes as the bridges are programmed now.
 */
import type { HostDevice } from '../../src-shared/protocol/methods/host.ts';
import { formatBdf } from '../../src-shared/units/bdf.ts';
import { hex } from '../../src-shared/units/hex.ts';
import { PCI_REVISION_ID, PCI_DEVICE_ID, PCI_VENDOR_ID } from '../hw/pci/pci-regs.ts';
import { intxRoute } from '../hw/pc/intx-routing.ts';
import { deviceName, lookupClass, vendorName } from '../guest/lspci/names.ts';
import type { World } from './world.ts';

export function hostDevices(world: World): HostDevice[] {
  const { pc, profile } = world;
  const models = new Map(profile.pci.filter((f) => f.model).map((f) => [f.bdf, f.model!]));
  const fns = [...pc.pci.functions].sort((a, b) => a.bdf.segment - b.bdf.segment || a.bdf.bus - b.bdf.bus || a.devfn - b.devfn);
  return fns.map((fn) => {
    const bdf = formatBdf(fn.bdf);
    const vendor = fn.config.read(PCI_VENDOR_ID, 2);
    const device = fn.config.read(PCI_DEVICE_ID, 2);
    const classCode = fn.config.read(PCI_REVISION_ID, 4) >>> 8;
    const route = intxRoute(fn, profile.irqRouting);
    const model = models.get(bdf);
    return {
      bdf,
      classCode: hex(classCode, 6),
      className: lookupClass(0, classCode >>> 8),
      vendorId: hex(vendor, 4),
      deviceId: hex(device, 4),
      vendorName: vendorName(vendor) ?? `Vendor ${hex(vendor, 4)}`,
      deviceName: deviceName(vendor, device) ?? `Device ${hex(device, 4)}`,
      driver: model ? `model ${model}` : 'profile bytes (config space only)',
      owner: 'host',
      remappingUnit: pc.unitFor(fn.bdf)?.unit.unit ?? null,
      irq: { pin: route?.pin ?? null, gsi: route?.gsi ?? null },
      isBridge: fn.isBridge,
    };
  });
}
