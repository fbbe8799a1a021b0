/**
 * What an 82571EB/82572EI presents on PCI Express, and an 82540EM on conventional PCI:
 * identity, BARs and capabilities as data
 * (QEMU `e1000_devices[]` for the variants; capability bytes after the real 82573L dump of
 * 2007 in data/lspci, which shares the 8257x chain C8 PM → D0 MSI → E0 PCIe; device and
 * subsystem IDs from pci.ids and the e1000e driver's hw.h; devices.md §1.9).
 *
 * Extended space: AER v1 at 0x100 and, when the MAC is known as the template is made (a host
 * profile gives it), the Device Serial Number at 0x140 derived from it (devices.md §1.8).
 */
import type { CapabilityTemplate, ExtCapabilityTemplate, PciConfigTemplate } from '../../pci/function-model.ts';
import { IO_SIZE, MMIO_SIZE } from './e1000x_regs.ts';

export interface E1000Variant {
  name: string;
  deviceId: number;
  revision: number;
  subsystemVendorId: number;
  subsystemId: number;
  /** Negotiated/maximum link width of the PCIe port (x1 on 82572EI, x4 on 82571EB); 0: a conventional PCI part. */
  linkWidth: 0 | 1 | 4;
}

/** The parts a 2007 "PCIe E1000 add-on card" could be (revision 06 is typical; unverified). */
export const E1000_VARIANTS = {
  '82572EI-desktop': { name: '82572EI Gigabit Ethernet Controller (Copper) — PRO/1000 PT Desktop Adapter', deviceId: 0x10b9, revision: 0x06, subsystemVendorId: 0x8086, subsystemId: 0x1083, linkWidth: 1 },
  '82572EI-server': { name: '82572EI Gigabit Ethernet Controller (Copper) — PRO/1000 PT Server Adapter', deviceId: 0x107d, revision: 0x06, subsystemVendorId: 0x8086, subsystemId: 0x1082, linkWidth: 1 },
  '82571EB-dual': { name: '82571EB Gigabit Ethernet Controller (Copper) — PRO/1000 PT Dual Port Server Adapter', deviceId: 0x105e, revision: 0x06, subsystemVendorId: 0x8086, subsystemId: 0x115e, linkWidth: 4 },
  // The conventional-PCI e1000 of 2002-2007 desktops (pci.ids 8086:100e, subsystem 8086:001e).
  '82540EM-desktop': { name: '82540EM Gigabit Ethernet Controller — PRO/1000 MT Desktop Adapter', deviceId: 0x100e, revision: 0x02, subsystemVendorId: 0x8086, subsystemId: 0x001e, linkWidth: 0 },
} as const satisfies Record<string, E1000Variant>;

export type E1000VariantName = keyof typeof E1000_VARIANTS;

const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const zeros = (n: number) => new Array<number>(n).fill(0);

/** Power Management v2 (0xC8 on 8257x, 0xDC on 82540EM): PMC 0xC822 (DSI, PME from D0/D3hot/D3cold), PMCSR D0, Data_Scale 1. */
function pmCapability(offset = 0xc8): CapabilityTemplate {
  return {
    id: 0x01,
    offset,
    body: [...le16(0xc822), ...le16(0x2000), 0x00, 0x00],
    // PowerState (1:0) and PME_En (8) are software's; PME_Status (15) is write-1-to-clear.
    writable: [0, 0, ...le16(0x0103), 0, 0],
    w1c: [0, 0, ...le16(0x8000), 0, 0],
  };
}

/** MSI (0xD0 on 8257x, 0xF0 on 82540EM): 64-bit address, one message, disabled at reset. */
function msiCapability(offset = 0xd0): CapabilityTemplate {
  return {
    id: 0x05,
    offset,
    body: [...le16(0x0080), ...le32(0), ...le32(0), ...le16(0), 0, 0],
    writable: [...le16(0x0071), ...le32(0xfffffffc), ...le32(0xffffffff), ...le16(0xffff), 0, 0],
  };
}

/**
 * PCI Express v1 endpoint at 0xE0: DevCap 0x0CC1 (MPS 256 B, L0s < 512 ns, L1 < 64 µs),
 * DevCtl 0x2810 (RlxdOrd, NoSnoop, MRRS 512 B, MPS 128 B), LinkCap 2.5 GT/s, L0s < 128 ns,
 * L1 < 64 µs, LinkCtl CommClk, LinkSta trained at the full width with slot clock.
 */
function pcieCapability(width: 1 | 4): CapabilityTemplate {
  const linkCap = 0x00070001 | (width << 4) | 0x1000;
  const linkSta = 0x1001 | (width << 4);
  const body = [
    ...le16(0x0001), // PCIe capabilities: version 1, endpoint
    ...le32(0x00000cc1), // Device Capabilities
    ...le16(0x2810), // Device Control
    ...le16(0x0010), // Device Status (AUX power detected)
    ...le32(linkCap),
    ...le16(0x0040), // Link Control
    ...le16(linkSta),
    ...zeros(16), // slot and root registers: not implemented by an endpoint (read 0)
  ];
  const writable = [0, 0, ...zeros(4), ...le16(0x79ff), 0, 0, ...zeros(4), ...le16(0x00cb), 0, 0, ...zeros(16)];
  const w1c = [0, 0, ...zeros(4), 0, 0, ...le16(0x000f), ...zeros(4), 0, 0, 0, 0, ...zeros(16)];
  return { id: 0x10, offset: 0xe0, body, writable, w1c };
}

/**
 * Advanced Error Reporting v1 at 0x100: nothing logged, the specification's default severities
 * (DLP, SDES, FCP, receiver overflow, malformed TLP fatal: 0x00062030), Advisory Non-Fatal masked,
 * ECRC generation and checking capable but off. Status registers are write-1-to-clear.
 */
function aerCapability(): ExtCapabilityTemplate {
  const ue = 0x001ff030; // uncorrectable errors an 8257x reports
  const ce = 0x000031c1; // correctable errors
  const body = [...le32(0), ...le32(0), ...le32(0x00062030), ...le32(0), ...le32(0x00002000), ...le32(0x000000a0), ...zeros(16)];
  const writable = [...le32(0), ...le32(ue), ...le32(ue), ...le32(0), ...le32(ce), ...le32(0x00000140), ...zeros(16)];
  const w1c = [...le32(ue), ...le32(0), ...le32(0), ...le32(ce), ...le32(0), ...le32(0), ...zeros(16)];
  return { id: 0x0001, version: 1, offset: 0x100, body, writable, w1c };
}

/** Device Serial Number at 0x140: the MAC reversed with ff-ff in the middle, as on Intel NICs. */
function serialNumberCapability(mac: Uint8Array): ExtCapabilityTemplate {
  return { id: 0x0003, version: 1, offset: 0x140, body: [mac[5], mac[4], mac[3], 0xff, 0xff, mac[2], mac[1], mac[0]] };
}

/** BAR0 CSRs (128 KiB), BAR1 flash window (128 KiB), BAR2 I/O IOADDR/IODATA (32 bytes). */
export const E1000_BAR_CSR = 0;
export const E1000_BAR_FLASH = 1;
export const E1000_BAR_IO = 2;
export const FLASH_SIZE = 0x20000;

/**
 * PCI-X at 0xE4 as the 82540EM reports it on a conventional bus (the real 2004 GX270 dump):
 * Command ERO, MMRBC 512 B, one split transaction; Status DMMRBC 2048 B, DMOST 1, DMCRS 16.
 */
function pcixCapability(): CapabilityTemplate {
  return { id: 0x07, offset: 0xe4, body: [...le16(0x0002), ...le32(0x04400000)], writable: [...le16(0x007f), ...le32(0)] };
}

/** The 82540EM's I/O BAR is 64 bytes (IOADDR/IODATA and reserved space). */
export const CONVENTIONAL_IO_SIZE = 0x40;

/**
 * The 8257x on PCI Express: BAR0 registers, BAR1 flash window, BAR2 32 bytes of I/O, PM → MSI →
 * PCIe, AER (and DSN) in 4 KiB. The 82540EM on conventional PCI: BAR0 registers, BAR2 64 bytes
 * of I/O (no flash BAR), PM → PCI-X → MSI, 256 bytes.
 */
export function e1000ConfigTemplate(v: E1000Variant, mac?: Uint8Array): PciConfigTemplate {
  const identity = {
    vendorId: 0x8086,
    deviceId: v.deviceId,
    revision: v.revision,
    classCode: 0x020000,
    subsystemVendorId: v.subsystemVendorId,
    subsystemId: v.subsystemId,
    interruptPin: 1,
  };
  const csr = { index: E1000_BAR_CSR, kind: 'mem32', size: MMIO_SIZE } as const;
  if (v.linkWidth === 0) {
    return {
      ...identity,
      bars: [csr, { index: E1000_BAR_IO, kind: 'io', size: CONVENTIONAL_IO_SIZE }],
      capabilities: [pmCapability(0xdc), pcixCapability(), msiCapability(0xf0)],
      configSize: 256,
    };
  }
  return {
    ...identity,
    bars: [csr, { index: E1000_BAR_FLASH, kind: 'mem32', size: FLASH_SIZE }, { index: E1000_BAR_IO, kind: 'io', size: IO_SIZE }],
    capabilities: [pmCapability(), msiCapability(), pcieCapability(v.linkWidth)],
    extendedCapabilities: mac ? [aerCapability(), serialNumberCapability(mac)] : [aerCapability()],
    configSize: 4096,
  };
}
