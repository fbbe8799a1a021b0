/**
 * Templates for the hierarchy's own functions, as the Q35/ICH9 era built them: the host bridge
 * (MCH DRAM controller, 8086:29b0), an ICH9 PCI Express root port (8086:2940…, type-1 header,
 * PCIe capability type 4 with a slot), and a PCI Express-to-PCI bridge (6702PXH, type 7).
 * Bus numbers and windows start at 0: firmware programs them through config cycles.
 */
import type { CapabilityTemplate, PciConfigTemplate } from './function-model.ts';
import { layoutFromTemplate, type ConfigLayout } from './config-layout.ts';
import { PCI_HEADER_TYPE_BRIDGE, PCI_HEADER_TYPE_MULTIFUNCTION } from './pci-regs.ts';

const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number) => [...le16(v & 0xffff), ...le16(v >>> 16)];
const zeros = (n: number) => new Array<number>(n).fill(0);

export function hostBridgeLayout(deviceId = 0x29b0): ConfigLayout {
  return layoutFromTemplate({
    vendorId: 0x8086,
    deviceId,
    revision: 0x02,
    classCode: 0x060000,
    subsystemVendorId: 0x1028,
    subsystemId: 0x0211,
    interruptPin: 0,
    bars: [],
    capabilities: [],
    configSize: 256,
  });
}

/** PCIe capability for a port or bridge: DevCtl, LnkCtl, SltCtl, RootCtl writable; status W1C. */
function expressCap(offset: number, type: number, slot: boolean, port: number): CapabilityTemplate {
  const body = [
    ...le16(0x0001 | (type << 4) | (slot ? 0x100 : 0)),
    ...le32(0x00008000),
    ...le16(0x0000),
    ...le16(0x0010),
    ...le32(0x00010c11 | (port << 24)),
    ...le16(0x0040),
    ...le16(0x3011),
    ...le32(slot ? 0x00100060 | (port << 19) : 0),
    ...le16(0),
    ...le16(slot ? 0x0040 : 0),
    ...zeros(8),
  ];
  const writable = [0, 0, ...zeros(4), ...le16(0x7fff), 0, 0, ...zeros(4), ...le16(0x0ffb), 0, 0, ...zeros(4), ...le16(slot ? 0x1fff : 0), 0, 0, ...le16(0x001f), 0, 0, ...zeros(4)];
  const w1c = [0, 0, ...zeros(4), 0, 0, ...le16(0x000f), ...zeros(4), 0, 0, ...le16(0xc000), ...zeros(4), 0, 0, ...le16(slot ? 0x011f : 0), 0, 0, 0, 0, ...le32(0x00010000)];
  return { id: 0x10, offset, body, writable, w1c };
}

/** An ICH9 root port ("82801I (ICH9 Family) PCI Express Port N"), port 1…6. */
export function rootPortLayout(port: number, multifunction = false): ConfigLayout {
  const t: PciConfigTemplate = {
    vendorId: 0x8086,
    deviceId: 0x2940 + 2 * (port - 1),
    revision: 0x02,
    classCode: 0x060400,
    subsystemVendorId: 0,
    subsystemId: 0,
    interruptPin: 1,
    bars: [],
    capabilities: [expressCap(0x40, 4, true, port), { id: 0x0d, offset: 0x90, body: [0, 0, ...le16(0x1028), ...le16(0x0211)] }],
    configSize: 4096,
  };
  return layoutFromTemplate(t, { headerType: PCI_HEADER_TYPE_BRIDGE | (multifunction ? PCI_HEADER_TYPE_MULTIFUNCTION : 0) });
}

/** Intel 6702PXH PCI Express-to-PCI Bridge A (PCIe type 7: a PCI bus behind a PCIe link). */
export function pcieToPciBridgeLayout(): ConfigLayout {
  return layoutFromTemplate(
    {
      vendorId: 0x8086,
      deviceId: 0x032c,
      revision: 0x09,
      classCode: 0x060400,
      subsystemVendorId: 0,
      subsystemId: 0,
      interruptPin: 0,
      bars: [],
      capabilities: [expressCap(0x44, 7, false, 0)],
      configSize: 4096,
    },
    { headerType: PCI_HEADER_TYPE_BRIDGE },
  );
}
