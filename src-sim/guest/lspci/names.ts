/**
 * Name lookups with the rules of pciutils' lib/names.c (pci_lookup_name, id_lookup_subsys,
 * format_name, format_name_pair) over the PCI ID database: `-n` prints numbers only, `-nn`
 * names with numbers in brackets, unknown IDs fall back to "Device 10c9" / "Class [0c80]".
 */
import { pciIds } from './pci-ids.ts';

/** 0 = names, 1 = numbers (-n), 2 = both (-nn). */
export type NumericMode = 0 | 1 | 2;

const h4 = (n: number) => n.toString(16).padStart(4, '0');

/** lspci formats names into 256-byte buffers; snprintf's overflow ends in "...". */
function fit(s: string): string {
  let bytes = 0;
  let cut = -1;
  for (const [i, ch] of Array.from(s).entries()) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes > 252 && cut < 0) cut = i;
  }
  return bytes < 256 ? s : Array.from(s).slice(0, cut).join('') + '...';
}

function formatName(mode: NumericMode, name: string | undefined, num: string, unknown: string, forceMixed = false): string {
  if (mode === 1) return num;
  const mixed = mode === 2 || forceMixed;
  if (!name) return fit(mixed ? `${unknown} [${num}]` : `${unknown} ${num}`);
  return fit(mixed ? `${name} [${num}]` : name);
}

function formatPair(mode: NumericMode, v: string | undefined, d: string | undefined, num: string): string {
  if (mode === 1) return num;
  if (mode === 2) return fit(v && d ? `${v} ${d} [${num}]` : !v ? `Device [${num}]` : `${v} Device [${num}]`);
  return fit(v && d ? `${v} ${d}` : !v ? `Device ${num}` : `${v} Device ${num.slice(5)}`);
}

export function vendorName(vendor: number): string | undefined {
  return pciIds().vendors.get(vendor);
}

export function deviceName(vendor: number, device: number): string | undefined {
  return pciIds().devices.get(((vendor << 16) | device) >>> 0);
}

/** "Intel Corporation 82573L Gigabit Ethernet Controller" (PCI_LOOKUP_VENDOR | DEVICE). */
export function lookupVendorDevice(mode: NumericMode, vendor: number, device: number): string {
  return formatPair(mode, vendorName(vendor), deviceName(vendor, device), `${h4(vendor)}:${h4(device)}`);
}

/**
 * id_lookup_subsys: the per-device entry, a generic subsystem entry, or the device's own name
 * when the subsystem IDs repeat the device IDs. (A distribution's lspci also asks udev's hwdb,
 * whose "pci:v…d…sv…sd…*" query matches the device's own entry and so names an unknown
 * subsystem after the device; that depends on the machine's hwdb, so we follow pci.ids alone,
 * as `lspci -O hwdb.disable=1` does.)
 */
function subsystemName(vendor: number, device: number, sv: number, sd: number): string | undefined {
  const db = pciIds();
  let d = vendor > 0 && device > 0 ? db.subsystems.get(`${h4(vendor)}:${h4(device)} ${h4(sv)}:${h4(sd)}`) : undefined;
  d ??= db.genericSubsystems.get(((sv << 16) | sd) >>> 0);
  if (!d && vendor === sv && device === sd) d = deviceName(vendor, device);
  return d;
}

/** The Subsystem: line (PCI_LOOKUP_VENDOR | DEVICE | SUBSYSTEM). */
export function lookupSubsystem(mode: NumericMode, vendor: number, device: number, sv: number, sd: number): string {
  return formatPair(mode, vendorName(sv), subsystemName(vendor, device, sv, sd), `${h4(sv)}:${h4(sd)}`);
}

/** Class name from the 16-bit class; a base-class-only match always shows the number. */
export function lookupClass(mode: NumericMode, cls: number): string {
  const db = pciIds();
  const sub = db.subclasses.get(cls);
  if (sub) return formatName(mode, sub, h4(cls), 'Class');
  const base = db.classes.get(cls >> 8);
  return formatName(mode, base, h4(cls), 'Class', !!base);
}

/** The prog-if name, or undefined (lspci then prints only the number, if non-zero). */
export function lookupProgIf(cls: number, progIf: number): string | undefined {
  const name = pciIds().progIfs.get((cls << 8) | progIf);
  if (name || cls !== 0x0101 || progIf & 0x70) return name;
  // IDE controllers: the prog-if is a bit field (lib/names.c spells it out).
  const parts = [
    progIf & 0x80 ? 'Master' : '',
    progIf & 0x08 ? 'SecP' : '',
    progIf & 0x04 ? 'SecO' : '',
    progIf & 0x02 ? 'PriP' : '',
    progIf & 0x01 ? 'PriO' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}
