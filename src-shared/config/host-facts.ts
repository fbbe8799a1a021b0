/**
 * What the config checks need to know about the host they will run on, and nothing more: its
 * PCI functions, whether VT-d is usable, which functions pciback owns, which are already given
 * to guests, and dom0's `uname`. The simulator's host profiles (src-sim/hw/host-profile.ts) are
 * richer; the CLI adapts a profile to this shape so `src-shared` stays free of the simulator.
 */
import type { Uname } from './python-builtins.ts';

export interface HostDevice {
  /** Canonical `SSSS:BB:DD.F`, lower-case hex. */
  bdf: string;
  vendorId: number;
  deviceId: number;
  description: string;
  /** dom0 driver bound at boot when the device is not hidden (e.g. "e1000"). */
  driver?: string;
}

export interface HostFacts {
  name: string;
  devices: HostDevice[];
  /** The platform has a DMAR table with DRHD units (BIOS VT-d switch on). */
  vtd: boolean;
  /**
   * Functions pciback owns. When undefined, the checks derive it from the dom0 kernel line of
   * the grub.conf checked alongside (its `pciback.hide=`), or skip the check.
   */
  hidden?: string[];
  /** Functions already given to running guests or to other configs checked alongside. */
  assigned?: { bdf: string; domain: string }[];
  uname?: Uname;
}

/**
 * The seed's host as facts: the announcement's test box (a PCIe Intel E1000, 82572EI, at 02:00.0
 * behind root port 00:1c.0, assigned to a 32-bit FC5 guest on 64-bit Xen). It mirrors
 * resources/hosts/seed-core2-q35.json, which the CLI loads; this copy serves pure tests and the
 * editor before a simulator session has reported its host.
 */
export const SEED_HOST: HostFacts = {
  name: 'seed-core2-q35',
  vtd: true,
  devices: [
    { bdf: '0000:00:00.0', vendorId: 0x8086, deviceId: 0x29b0, description: 'Host bridge: Intel 82Q35 Express DRAM Controller' },
    { bdf: '0000:00:02.0', vendorId: 0x8086, deviceId: 0x29b2, description: 'VGA compatible controller: Intel 82Q35 Express Integrated Graphics Controller' },
    { bdf: '0000:00:1b.0', vendorId: 0x8086, deviceId: 0x293e, description: 'Audio device: Intel 82801I (ICH9 Family) HD Audio Controller' },
    { bdf: '0000:00:1c.0', vendorId: 0x8086, deviceId: 0x2940, description: 'PCI bridge: Intel 82801I (ICH9 Family) PCI Express Port 1' },
    { bdf: '0000:00:1d.0', vendorId: 0x8086, deviceId: 0x2934, description: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #1' },
    { bdf: '0000:00:1d.1', vendorId: 0x8086, deviceId: 0x2935, description: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #2' },
    { bdf: '0000:00:1d.2', vendorId: 0x8086, deviceId: 0x2936, description: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #3' },
    { bdf: '0000:00:1d.7', vendorId: 0x8086, deviceId: 0x293a, description: 'USB controller: Intel 82801I (ICH9 Family) USB2 EHCI Controller #1' },
    { bdf: '0000:00:1e.0', vendorId: 0x8086, deviceId: 0x244e, description: 'PCI bridge: Intel 82801 PCI Bridge' },
    { bdf: '0000:00:1f.0', vendorId: 0x8086, deviceId: 0x2914, description: 'ISA bridge: Intel 82801IO (ICH9DO) LPC Interface Controller' },
    { bdf: '0000:00:1f.2', vendorId: 0x8086, deviceId: 0x2922, description: 'SATA controller: Intel 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]' },
    { bdf: '0000:00:1f.3', vendorId: 0x8086, deviceId: 0x2930, description: 'SMBus: Intel 82801I (ICH9 Family) SMBus Controller' },
    { bdf: '0000:02:00.0', vendorId: 0x8086, deviceId: 0x10b9, description: 'Ethernet controller: Intel 82572EI Gigabit Ethernet Controller (Copper)', driver: 'e1000' },
  ],
  uname: ['Linux', 'xen-vtd', '2.6.18-xen', '#1 SMP Tue Apr 10 00:00:00 EDT 2007', 'x86_64'],
};

/** The parts of a host profile (src-sim/hw/host-profile.ts) the facts are made from. */
export interface ProfileLike {
  name: string;
  pci: { bdf: string; note?: string; config: string[] }[];
  dmar: unknown;
}

/**
 * Facts from a host profile: IDs and class from each function's config bytes, VT-d from the
 * presence of a DMAR table. The dom0 driver is a guess from the class and vendor (the profile
 * holds config space, not dom0's driver bindings) — only used in messages.
 */
export function hostFactsFromProfile(p: ProfileLike): HostFacts {
  const devices = p.pci.map((f) => {
    const bytes = f.config.join(' ').split(' ').map((b) => parseInt(b, 16));
    const vendorId = bytes[0] | (bytes[1] << 8);
    const deviceId = bytes[2] | (bytes[3] << 8);
    const classCode = bytes[11];
    return { bdf: f.bdf.toLowerCase(), vendorId, deviceId, description: f.note ?? `${vendorId.toString(16)}:${deviceId.toString(16)}`, driver: guessDriver(classCode, vendorId, deviceId) };
  });
  return { name: p.name, devices, vtd: p.dmar !== null && p.dmar !== undefined, uname: SEED_HOST.uname };
}

function guessDriver(classCode: number, vendor: number, device: number): string | undefined {
  if (classCode !== 0x02) return undefined;
  if (vendor === 0x8086) return device === 0x10c9 || device === 0x10e6 || device === 0x10e7 ? 'igb' : 'e1000';
  if (vendor === 0x11ab) return 'sky2';
  return undefined;
}
