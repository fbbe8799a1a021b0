/**
 * lspci's device filters, as pciutils' lib/filter.c reads them: `-s [[[[<domain>]:]<bus>]:]
 * [<device>][.[<func>]]` and `-d [<vendor>]:[<device>][:<class>[:<prog-if>]]`. Fields are hex;
 * an empty field or `*` matches anything. A filter applies when devices are scanned, so the
 * tree (-t) is drawn from the matching devices only, as lspci does.
 */
import type { LsDevice } from './ls-device.ts';

export interface PciFilter {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  vendor: number;
  device: number;
  devClass: number;
  progIf: number;
}

export const ANY: PciFilter = { domain: -1, bus: -1, slot: -1, func: -1, vendor: -1, device: -1, devClass: -1, progIf: -1 };

export type FilterParse = { ok: true; filter: PciFilter } | { ok: false; message: string };

/** One hex field: -1 for empty or "*", the value when it parses and is ≤ max, else undefined. */
function field(text: string, max: number): number | undefined {
  if (text === '' || text === '*') return -1;
  if (!/^[0-9a-fA-F]+$/.test(text)) return undefined;
  const n = parseInt(text, 16);
  return n <= max ? n : undefined;
}

export function parseSlotFilter(text: string, base: PciFilter = ANY): FilterParse {
  const f = { ...base };
  let rest = text;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    const left = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
    const colon2 = left.lastIndexOf(':');
    const busText = colon2 >= 0 ? left.slice(colon2 + 1) : left;
    if (colon2 >= 0) {
      const d = field(left.slice(0, colon2), 0x7fffffff);
      if (d === undefined) return { ok: false, message: 'Invalid domain number' };
      f.domain = d;
    }
    const b = field(busText, 0xff);
    if (b === undefined) return { ok: false, message: 'Invalid bus number' };
    f.bus = b;
  }
  const dot = rest.indexOf('.');
  const s = field(dot >= 0 ? rest.slice(0, dot) : rest, 0x1f);
  if (s === undefined) return { ok: false, message: 'Invalid slot number' };
  f.slot = s;
  if (dot >= 0) {
    const fn = field(rest.slice(dot + 1), 7);
    if (fn === undefined) return { ok: false, message: 'Invalid function number' };
    f.func = fn;
  }
  return { ok: true, filter: f };
}

export function parseIdFilter(text: string, base: PciFilter = ANY): FilterParse {
  const parts = text.split(':');
  if (parts.length < 2) return { ok: false, message: "':' expected" };
  if (parts.length > 4) return { ok: false, message: 'Too many colons' };
  const f = { ...base };
  const v = field(parts[0], 0xffff);
  if (v === undefined) return { ok: false, message: 'Invalid vendor ID' };
  const d = field(parts[1], 0xffff);
  if (d === undefined) return { ok: false, message: 'Invalid device ID' };
  f.vendor = v;
  f.device = d;
  if (parts.length >= 3) {
    const c = field(parts[2], 0xffff);
    if (c === undefined) return { ok: false, message: 'Invalid class code' };
    f.devClass = c;
  }
  if (parts.length === 4) {
    const p = field(parts[3], 0xff);
    if (p === undefined) return { ok: false, message: 'Invalid programming interface code' };
    f.progIf = p;
  }
  return { ok: true, filter: f };
}

const fits = (want: number, have: number) => want < 0 || want === have;

export function filterMatches(f: PciFilter, d: LsDevice): boolean {
  const b = d.bdf;
  return (
    fits(f.domain, b.segment) &&
    fits(f.bus, b.bus) &&
    fits(f.slot, b.device) &&
    fits(f.func, b.fn) &&
    fits(f.vendor, d.vendorId) &&
    fits(f.device, d.deviceId) &&
    fits(f.devClass, d.deviceClass) &&
    fits(f.progIf, d.byte(0x09))
  );
}
