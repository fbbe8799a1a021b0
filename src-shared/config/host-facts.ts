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
 * The seed's host when no profile is given: the announcement's test box (a PCIe Intel e1000
 * add-on card at 02:00.0 assigned to a 32-bit FC5 guest on 64-bit Xen) with the onboard
 * devices a 2007 VT-d board had. Used by tests and as the CLI fallback until a host profile
 * from resources/hosts/ can be loaded.
 */
export const SEED_HOST: HostFacts = {
  name: 'seed-2007 (built-in)',
  vtd: true,
  devices: [
    { bdf: '0000:00:00.0', vendorId: 0x8086, deviceId: 0x29b0, description: 'Host bridge: Intel 82Q35 Express DRAM Controller', driver: undefined },
    { bdf: '0000:00:02.0', vendorId: 0x8086, deviceId: 0x29b2, description: 'VGA compatible controller: Intel 82Q35 Express Integrated Graphics' },
    { bdf: '0000:00:19.0', vendorId: 0x8086, deviceId: 0x10bd, description: 'Ethernet controller: Intel 82566DM-2 Gigabit (onboard, dom0 eth0)', driver: 'e1000' },
    { bdf: '0000:00:1c.0', vendorId: 0x8086, deviceId: 0x2940, description: 'PCI bridge: Intel 82801I PCI Express Port 1' },
    { bdf: '0000:00:1f.2', vendorId: 0x8086, deviceId: 0x2922, description: 'SATA controller: Intel 82801IR AHCI', driver: 'ahci' },
    { bdf: '0000:02:00.0', vendorId: 0x8086, deviceId: 0x107d, description: 'Ethernet controller: Intel 82572EI Gigabit (PCIe add-on card)', driver: 'e1000' },
  ],
  uname: ['Linux', 'xen-vtd', '2.6.18-xen', '#1 SMP Tue Apr 10 00:00:00 EDT 2007', 'x86_64'],
};
