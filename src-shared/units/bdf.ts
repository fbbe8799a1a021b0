/**
 * PCI addresses: segment:bus:device.function, as lspci and Xen print them ("0000:02:00.0"), and
 * the 16-bit requester id (bus << 8 | device << 3 | function) that VT-d indexes its tables by.
 */
export interface Bdf {
  segment: number;
  bus: number;
  device: number;
  fn: number;
}

export type BdfParse = { ok: true; bdf: Bdf } | { ok: false; message: string };

import { hex } from './hex.ts';

/** "0000:02:00.0" (with segment) or "02:00.0" (segment omitted). */
export function formatBdf(b: Bdf, withSegment = true): string {
  const s = `${hex(b.bus, 2)}:${hex(b.device, 2)}.${b.fn.toString(16)}`;
  return withSegment ? `${hex(b.segment, 4)}:${s}` : s;
}

/**
 * Strict parse of lspci's spelling: `[SSSS:]BB:DD.F`, hexadecimal, device ≤ 0x1f, function ≤ 7.
 * Config-file grammars that accept more (the seed's "02:00.00") have their own lenient parser.
 */
export function parseBdf(text: string): BdfParse {
  const m = /^(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/.exec(text.trim());
  if (!m) return { ok: false, message: `"${text}" is not a PCI address of the form [SSSS:]BB:DD.F` };
  const device = parseInt(m[3], 16);
  if (device > 0x1f) return { ok: false, message: `device ${m[3]} in "${text}" is out of range (00-1f)` };
  return { ok: true, bdf: { segment: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2], 16), device, fn: parseInt(m[4], 16) } };
}

export function devfn(b: Pick<Bdf, 'device' | 'fn'>): number {
  return (b.device << 3) | b.fn;
}

/** The requester id (source-id) a device's transactions carry: bus[15:8] dev[7:3] fn[2:0]. */
export function requesterId(b: Pick<Bdf, 'bus' | 'device' | 'fn'>): number {
  return (b.bus << 8) | devfn(b);
}

export function fromRequesterId(sid: number, segment = 0): Bdf {
  return { segment, bus: (sid >> 8) & 0xff, device: (sid >> 3) & 0x1f, fn: sid & 7 };
}

export function sameBdf(a: Bdf, b: Bdf): boolean {
  return a.segment === b.segment && a.bus === b.bus && a.device === b.device && a.fn === b.fn;
}
