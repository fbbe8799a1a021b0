/**
 * What each host PCI function is to dom0, derived from its config bytes (class code, header
 * type, bridge bus numbers, PCI Express capability) by a table of class rules — data, not code
 * per device. A function dom0 needs (its disk controller, its console, the host bridge, the LPC
 * bridge with its serial and keyboard, a bridge with dom0's devices behind it, or a device that
 * shares a conventional-PCI bus with dom0's disk controller) must not be taken from dom0 without
 * saying so: the config checks warn and label their fixes with the cost.
 */

export type DeviceRole = 'host-bridge' | 'disk-controller' | 'console' | 'platform' | 'bridge' | 'usb' | 'network' | 'audio' | 'other';

/** Class rules: base class, optional subclass, the role, and what dom0 loses when the function goes to a guest. */
export const CLASS_ROLES: readonly { base: number; sub?: number; role: DeviceRole; dom0Loses?: string }[] = [
  { base: 0x06, sub: 0x00, role: 'host-bridge', dom0Loses: 'the host bridge (the memory controller itself): the whole machine, dom0 and Xen included, goes with it' },
  { base: 0x01, role: 'disk-controller', dom0Loses: "its disk controller, and with it the disks its root file system is on" },
  { base: 0x03, role: 'console', dom0Loses: "its graphics controller, the VGA console Xen and dom0 print to" },
  { base: 0x06, sub: 0x01, role: 'platform', dom0Loses: 'the LPC/ISA bridge behind which its serial port, keyboard, RTC and timers sit' },
  { base: 0x06, sub: 0x04, role: 'bridge', dom0Loses: 'a PCI bridge and every device behind it' },
  { base: 0x06, sub: 0x09, role: 'bridge', dom0Loses: 'a PCI bridge and every device behind it' },
  { base: 0x0c, sub: 0x05, role: 'platform', dom0Loses: 'the SMBus controller its sensors and memory SPD are read through' },
  { base: 0x0c, sub: 0x03, role: 'usb' },
  { base: 0x02, role: 'network' },
  { base: 0x04, role: 'audio' },
];

export interface RoleFacts {
  role: DeviceRole;
  /** What dom0 loses if the function is given to a guest; undefined when nothing it needs. */
  dom0Loses?: string;
  /** Bridges: the bus behind it, and whether that bus is conventional PCI (one requester ID for all). */
  secondaryBus?: number;
  conventionalBridge?: boolean;
}

/** The function's role from its config bytes (little-endian byte array of at least 64 bytes). */
export function roleOf(bytes: readonly number[]): RoleFacts {
  const base = bytes[0x0b];
  const sub = bytes[0x0a];
  const rule = CLASS_ROLES.find((r) => r.base === base && (r.sub === undefined || r.sub === sub));
  const facts: RoleFacts = { role: rule?.role ?? 'other', ...(rule?.dom0Loses ? { dom0Loses: rule.dom0Loses } : {}) };
  if ((bytes[0x0e] & 0x7f) === 1) {
    facts.secondaryBus = bytes[0x19];
    const portType = pcieType(bytes);
    // No PCIe capability (a PCI-to-PCI bridge) or a PCIe-to-PCI bridge (port type 7): the bus behind is conventional.
    facts.conventionalBridge = portType === undefined || portType === 0x7;
  }
  return facts;
}

/** PCI Express capability's device/port type, if the function has one. */
function pcieType(bytes: readonly number[]): number | undefined {
  if (!(bytes[0x06] & 0x10)) return undefined;
  let at = bytes[0x34] & 0xfc;
  for (let n = 0; at >= 0x40 && at < bytes.length && n < 48; n++) {
    if (bytes[at] === 0x10) return (bytes[at + 2] >> 4) & 0xf;
    at = bytes[at + 1] & 0xfc;
  }
  return undefined;
}

export interface RoledDevice {
  bdf: string;
  role?: DeviceRole;
  dom0Loses?: string;
  secondaryBus?: number;
  conventionalBridge?: boolean;
}

/**
 * Functions on a conventional-PCI bus that dom0's disk controller also sits on: VT-d sees the
 * whole bus as the bridge's requester ID, so assigning any of them moves the disk's DMA context
 * too (xen.md §10 row 10: 2007/3.2 move the bus; 3.4 asks for co-assignment).
 */
export function markSharedBuses<T extends RoledDevice>(devices: T[]): void {
  const busOf = (bdf: string) => parseInt(bdf.split(':')[1], 16);
  for (const bridge of devices.filter((d) => d.conventionalBridge && d.secondaryBus !== undefined)) {
    const behind = devices.filter((d) => busOf(d.bdf) === bridge.secondaryBus);
    const disk = behind.find((d) => d.role === 'disk-controller');
    if (!disk) continue;
    for (const d of behind) {
      if (d === disk || d.dom0Loses) continue;
      d.dom0Loses = `its disk controller's DMA as well: ${d.bdf} sits behind the conventional PCI bridge ${bridge.bdf} with ${disk.bdf}, and VT-d sees the whole bus as one requester`;
    }
  }
}
