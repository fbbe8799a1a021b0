// A small Q35/ICH9-shaped PCI hierarchy for the unit tests, built the way firmware would find it.
import { IoPortSpace } from '../../../src-sim/hw/bus/ioport.ts';
import { MmioSpace } from '../../../src-sim/hw/bus/mmio.ts';
import { hostBridgeLayout, pcieToPciBridgeLayout, rootPortLayout } from '../../../src-sim/hw/pci/bridges.ts';
import { layoutFromTemplate } from '../../../src-sim/hw/pci/config-layout.ts';
import { PciConfigSpace } from '../../../src-sim/hw/pci/config-space.ts';
import { PciHost } from '../../../src-sim/hw/pci/pci-host.ts';
import { plugConfigOnly } from '../../../src-sim/hw/pci/plug.ts';
import { e1000ConfigTemplate, E1000_VARIANTS } from '../../../src-sim/hw/net/e1000/e1000_pci.ts';
import type { PciConfigTemplate } from '../../../src-sim/hw/pci/function-model.ts';

const bdf = (bus: number, device: number, fn = 0) => ({ segment: 0, bus, device, fn });

/** A conventional PCI NIC with a 64-bit memory BAR (82545EM-like) for the PCI side of the bridge. */
export const pciNicTemplate: PciConfigTemplate = {
  vendorId: 0x8086,
  deviceId: 0x100f,
  revision: 0x01,
  classCode: 0x020000,
  subsystemVendorId: 0x8086,
  subsystemId: 0x1001,
  interruptPin: 1,
  bars: [
    { index: 0, kind: 'mem64', size: 0x20000 },
    { index: 4, kind: 'io', size: 64 },
  ],
  capabilities: [
    { id: 0x01, offset: 0xdc, body: [0x22, 0xc8, 0x00, 0x00, 0x00, 0x00], writable: [0, 0, 0x03, 0x01, 0, 0], w1c: [0, 0, 0, 0x80, 0, 0] },
    { id: 0x05, offset: 0xf0, body: [0x80, 0x00, ...new Array(12).fill(0)] },
  ],
  configSize: 256,
};

export function machine() {
  const io = new IoPortSpace();
  const mmio = new MmioSpace();
  const host = new PciHost({ io, mmio });
  host.rootBus(0, 0);
  plugConfigOnly(host, bdf(0, 0), new PciConfigSpace(hostBridgeLayout()));
  const rp1 = plugConfigOnly(host, bdf(0, 0x1c, 0), new PciConfigSpace(rootPortLayout(1, true)));
  const rp2 = plugConfigOnly(host, bdf(0, 0x1c, 1), new PciConfigSpace(rootPortLayout(2)));
  // Firmware numbers the buses: 1c.0 → 02, 1c.1 → 04-05 (a PCIe-to-PCI bridge below it).
  host.configWrite(bdf(0, 0x1c, 0), 0x18, 4, 0x00020200);
  host.configWrite(bdf(0, 0x1c, 1), 0x18, 4, 0x00050400);
  const nic = plugConfigOnly(host, bdf(2, 0), new PciConfigSpace(layoutFromTemplate(e1000ConfigTemplate(E1000_VARIANTS['82572EI-desktop']))));
  const pxh = plugConfigOnly(host, bdf(4, 0), new PciConfigSpace(pcieToPciBridgeLayout()));
  host.configWrite(bdf(4, 0), 0x18, 4, 0x00050504);
  const pciNic = plugConfigOnly(host, bdf(5, 1), new PciConfigSpace(layoutFromTemplate(pciNicTemplate)));
  return { io, mmio, host, rp1, rp2, nic, pxh, pciNic, bdf };
}

/** Configuration mechanism #1: address to 0xCF8, data at 0xCFC-0xCFF. */
export function cf8Read(io: IoPortSpace, bus: number, dev: number, fn: number, reg: number, size: 1 | 2 | 4 = 4): number {
  io.write(0xcf8, 4, (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0);
  return io.read(0xcfc + (reg & 3), size);
}

export function cf8Write(io: IoPortSpace, bus: number, dev: number, fn: number, reg: number, size: 1 | 2 | 4, value: number): void {
  io.write(0xcf8, 4, (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0);
  io.write(0xcfc + (reg & 3), size, value);
}
