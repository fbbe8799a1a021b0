/**
 * Name lookups with the formatting rules of pciutils' lib/names.c (pci_lookup_name,
 * format_name, format_name_pair): `-n` prints numbers only, `-nn` names with numbers in
 * brackets, unknown IDs fall back to "Device 10c9" / "Class [0c80]".
 */
import { CLASSES, DEVICES, PROG_IFS, SUBCLASSES, SUBSYSTEMS, VENDORS } from './pci-ids.ts';

/** 0 = names, 1 = numbers (-n), 2 = both (-nn). */
export type NumericMode = 0 | 1 | 2;

const h4 = (n: number) => n.toString(16).padStart(4, '0');

function formatName(mode: NumericMode, name: string | undefined, num: string, unknown: string, forceMixed = false): string {
  if (mode === 1) return num;
  const mixed = mode === 2 || forceMixed;
  if (!name) return mixed ? `${unknown} [${num}]` : `${unknown} ${num}`;
  return mixed ? `${name} [${num}]` : name;
}

function formatPair(mode: NumericMode, v: string | undefined, d: string | undefined, num: string): string {
  if (mode === 1) return num;
  if (mode === 2) return v && d ? `${v} ${d} [${num}]` : !v ? `Device [${num}]` : `${v} Device [${num}]`;
  return v && d ? `${v} ${d}` : !v ? `Device ${num}` : `${v} Device ${num.slice(5)}`;
}

export function vendorName(vendor: number): string | undefined {
  return VENDORS[vendor];
}

export function deviceName(vendor: number, device: number): string | undefined {
  return DEVICES[`${h4(vendor)}:${h4(device)}`];
}

/** "Intel Corporation 82573L Gigabit Ethernet Controller" (PCI_LOOKUP_VENDOR | DEVICE). */
export function lookupVendorDevice(mode: NumericMode, vendor: number, device: number): string {
  return formatPair(mode, vendorName(vendor), deviceName(vendor, device), `${h4(vendor)}:${h4(device)}`);
}

/** The Subsystem: line (per-device entry, else the device's own name when the IDs repeat it). */
export function lookupSubsystem(mode: NumericMode, vendor: number, device: number, sv: number, sd: number): string {
  let d: string | undefined = SUBSYSTEMS[`${h4(vendor)}:${h4(device)} ${h4(sv)}:${h4(sd)}`];
  if (!d && vendor === sv && device === sd) d = deviceName(vendor, device);
  return formatPair(mode, vendorName(sv), d, `${h4(sv)}:${h4(sd)}`);
}

/** Class name from the 16-bit class; a base-class-only match always shows the number. */
export function lookupClass(mode: NumericMode, cls: number): string {
  const sub = SUBCLASSES[cls];
  if (sub) return formatName(mode, sub, h4(cls), 'Class');
  const base = CLASSES[cls >> 8];
  return formatName(mode, base, h4(cls), 'Class', !!base);
}

/** The prog-if name, or undefined (lspci then prints only the number, if non-zero). */
export function lookupProgIf(cls: number, progIf: number): string | undefined {
  const name = PROG_IFS[`${h4(cls)} ${progIf.toString(16).padStart(2, '0')}`];
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
