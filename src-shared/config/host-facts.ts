/**
 * What the config checks need to know about the host they will run on, and nothing more: its
 * PCI functions, whether VT-d is usable, which functions pciback owns, which are already given
 * to guests, and dom0's `uname`. The simulator's host profiles (src-sim/hw/host-profile.ts) are
 * richer; the CLI adapts a profile to this shape so `src-shared` stays free of the simulator.
 */
import type { Uname } from './python-builtins.ts';
import { markSharedBuses, roleOf, type DeviceRole } from './device-roles.ts';
import seedProfile from '../../resources/hosts/seed-core2-q35.json' with { type: 'json' };

export interface HostDevice {
  /** Canonical `SSSS:BB:DD.F`, lower-case hex. */
  bdf: string;
  vendorId: number;
  deviceId: number;
  description: string;
  /** dom0 driver bound at boot when the device is not hidden (e.g. "e1000"). */
  driver?: string;
  /** What the function is to the host, from its class code (device-roles.ts). */
  role?: DeviceRole;
  /** What dom0 loses if the function goes to a guest; absent when it needs nothing of it. */
  dom0Loses?: string;
  /** Bridges: the bus behind, and whether it is conventional PCI. */
  secondaryBus?: number;
  conventionalBridge?: boolean;
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

/** dom0's `os.uname()` on the seed's box (64-bit Xen 3.1-era dom0 kernel); configs may call it. */
export const SEED_UNAME: Uname = ['Linux', 'xen-vtd', '2.6.18-xen', '#1 SMP Tue Apr 10 00:00:00 EDT 2007', 'x86_64'];

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
    const dev: HostDevice = { bdf: f.bdf.toLowerCase(), vendorId, deviceId, description: f.note ?? `${vendorId.toString(16)}:${deviceId.toString(16)}`, driver: guessDriver(classCode, vendorId, deviceId), ...roleOf(bytes) };
    return dev;
  });
  markSharedBuses(devices);
  return { name: p.name, devices, vtd: p.dmar !== null && p.dmar !== undefined, uname: SEED_UNAME };
}

function guessDriver(classCode: number, vendor: number, device: number): string | undefined {
  if (classCode !== 0x02) return undefined;
  if (vendor === 0x8086) return device === 0x10c9 || device === 0x10e6 || device === 0x10e7 ? 'igb' : 'e1000';
  if (vendor === 0x11ab) return 'sky2';
  return undefined;
}

/**
 * The seed's host as facts: the announcement's test box (a PCIe Intel E1000, 82572EI, at 02:00.0
 * behind root port 00:1c.0, assigned to a 32-bit FC5 guest on 64-bit Xen). Made from the shipped
 * profile itself, so the editor's built-in host and the simulator's machine cannot drift apart.
 */
export const SEED_HOST: HostFacts = hostFactsFromProfile(seedProfile as ProfileLike);
