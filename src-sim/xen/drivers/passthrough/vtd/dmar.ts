/**
 * acpi_dmar_init (2007 xen/arch/x86/hvm/vmx/vtd/dmar.c; 3.3+ drivers/passthrough/vtd/dmar.c):
 * reads the firmware's ACPI DMAR table into Xen's DRHD and RMRR lists, resolving each device
 * scope to a flat (bus, devfn) list with config reads, printing as Xen prints ("ACPI DMAR:"
 * prefix). 2007 and 3.2 refuse any scope that is not an endpoint or bridge ("Invalid device
 * scope") and stop at any structure type past ATSR ("Unknown DMAR structure type"); units parsed
 * before an error stay on the list, as in Xen. A bridge scope is expanded over its secondary..
 * subordinate buses, stopping a device's function loop at the first absent function.
 */
import { parseDmar, isDmarParseError, type DmarDeviceScope, type DmarStructure } from '../../../../hw/acpi/index.ts';
import type { Bdf } from '../../../../../src-shared/units/bdf.ts';
import type { XenConsole } from '../../../common/console.ts';
import { atLeast, type XenEra } from '../../../common/version.ts';
import { EINVAL, ENODEV } from '../../../common/errno.ts';
import { PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS, type PciConf } from '../../../arch/x86/pci.ts';

const PREFIX = 'ACPI DMAR:';

export interface DrhdUnit {
  address: number;
  includeAll: boolean;
  devices: Bdf[];
}

export interface RmrrUnit {
  base: number;
  end: number;
  devices: Bdf[];
}

export interface DmarInfo {
  /** dmar_host_address_width: the table's raw HAW field. */
  haw: number;
  drhds: DrhdUnit[];
  rmrrs: RmrrUnit[];
  /** 0, or the negative errno acpi_parse_dmar returned (units parsed before it remain). */
  rc: number;
}

const bdf = (bus: number, device: number, fn: number): Bdf => ({ segment: 0, bus, device, fn });

/** Parses `table` (the firmware's DMAR bytes) as the era's Xen does. */
export function acpiParseDmar(table: Uint8Array, era: XenEra, pci: PciConf, con: XenConsole): DmarInfo {
  const info: DmarInfo = { haw: 0, drhds: [], rmrrs: [], rc: 0 };
  const t = parseDmar(table);
  if (isDmarParseError(t)) {
    con.printk('warning', `${PREFIX}Unable to map DMAR`);
    return { ...info, rc: -ENODEV };
  }
  if (!t.hostAddressWidth) {
    con.printk('warning', `${PREFIX}Zero: Invalid DMAR haw`);
    return { ...info, rc: -EINVAL };
  }
  info.haw = t.hostAddressWidth;
  con.printk('info', `${PREFIX}Host address width ${t.hostAddressWidth}`);
  for (const s of t.structures) {
    const rc = parseOne(s, info, era, pci, con);
    if (rc) return { ...info, rc };
  }
  if (atLeast(era, '3.4')) con.printk('info', `${PREFIX}Intel VT-d DMAR tables have been parsed.`);
  return info;
}

function parseOne(s: DmarStructure, info: DmarInfo, era: XenEra, pci: PciConf, con: XenConsole): number {
  switch (s.type) {
    case 'DRHD': {
      con.printk('info', `${PREFIX}found ACPI_DMAR_DRHD`);
      const address = parseInt(s.registerBase, 16);
      const includeAll = (s.flags & 1) !== 0;
      con.printk('warning', `${PREFIX}dmaru->address = ${address.toString(16)}`);
      if (includeAll) {
        con.printk('warning', `${PREFIX}found INCLUDE_ALL`);
        if (info.drhds.some((d) => d.includeAll)) {
          con.printk('warning', `${PREFIX}Only one INCLUDE_ALL device scope is allowed`);
          return -EINVAL;
        }
        info.drhds.push({ address, includeAll, devices: [] });
        return 0;
      }
      const devices = scopeDevices(s.scopes, era, pci, con);
      if (typeof devices === 'number') return devices;
      // The include-all unit is kept at the list tail: lookups fall back to it last.
      const tail = info.drhds.findIndex((d) => d.includeAll);
      info.drhds.splice(tail < 0 ? info.drhds.length : tail, 0, { address, includeAll, devices });
      return 0;
    }
    case 'RMRR': {
      con.printk('info', `${PREFIX}found ACPI_DMAR_RMRR`);
      const devices = scopeDevices(s.scopes, era, pci, con);
      if (typeof devices === 'number') return devices;
      if (devices.length) info.rmrrs.push({ base: parseInt(s.baseAddress, 16), end: parseInt(s.endAddress, 16), devices });
      return 0;
    }
    case 'ATSR': {
      // 2007's copy/paste slip prints the RMRR text for an ATSR.
      con.printk('info', `${PREFIX}found ${atLeast(era, '3.2') ? 'ACPI_DMAR_ATSR' : 'ACPI_DMAR_RMRR'}`);
      if (s.flags & 1) con.printk('warning', `${PREFIX}found ALL_PORTS`);
      const devices = scopeDevices(s.scopes, era, pci, con);
      return typeof devices === 'number' ? devices : 0;
    }
    default:
      if (atLeast(era, '3.3')) return 0;
      con.printk('warning', `${PREFIX}Unknown DMAR structure type`);
      return -EINVAL;
  }
}

/** acpi_parse_dev_scope: the flat device list of a structure's scopes, or a negative errno. */
function scopeDevices(scopes: DmarDeviceScope[], era: XenEra, pci: PciConf, con: XenConsole): Bdf[] | number {
  const pciOnly = !atLeast(era, '3.3');
  if (pciOnly && scopes.some((s) => s.type !== 'endpoint' && s.type !== 'bridge')) {
    con.printk('warning', `${PREFIX}Invalid device scope`);
    return -EINVAL;
  }
  const out: Bdf[] = [];
  for (const s of scopes) {
    let bus = s.startBus;
    for (const [dev, fn] of s.path.slice(0, -1)) bus = pci.read(bus, dev, fn, PCI_SECONDARY_BUS, 1);
    const [dev, fn] = s.path[s.path.length - 1] ?? [0, 0];
    const at = `${bus.toString(16)}:${dev.toString(16)}:${fn.toString(16)}`;
    if (s.type === 'endpoint') {
      con.printk('warning', `${PREFIX}found endpoint: bdf = ${at}`);
      out.push(bdf(bus, dev, fn));
    } else if (s.type === 'bridge') {
      con.printk('warning', `${PREFIX}found bridge: bdf = ${at}`);
      out.push(...behindBridge(pci, bus, dev, fn));
    } else {
      con.printk('warning', `${PREFIX}found ${s.type === 'ioapic' ? 'IOAPIC' : 'MSI HPET'}: bdf = ${at}`);
    }
  }
  return out;
}

function behindBridge(pci: PciConf, bus: number, dev: number, fn: number): Bdf[] {
  const out: Bdf[] = [];
  const sub = pci.read(bus, dev, fn, PCI_SUBORDINATE_BUS, 1);
  for (let b = pci.read(bus, dev, fn, PCI_SECONDARY_BUS, 1); b <= sub; b++) {
    for (let d = 0; d < 32; d++) {
      for (let f = 0; f < 8; f++) {
        if (!pci.present(b, d, f)) break;
        out.push(bdf(b, d, f));
      }
    }
  }
  return out;
}

/** acpi_find_matched_drhd_unit: exact listing first, else the include-all unit. */
export function findDrhdUnit(drhds: DrhdUnit[], b: Bdf): DrhdUnit | undefined {
  return drhds.find((u) => u.devices.some((d) => d.bus === b.bus && d.device === b.device && d.fn === b.fn)) ?? drhds.find((u) => u.includeAll);
}
