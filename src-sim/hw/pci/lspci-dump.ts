/**
 * Reader for `lspci -x`/`-xxx`/`-xxxx` dumps — the format pciutils' own dump access method
 * (lib/dump.c, `lspci -F FILE`) reads: a line starting `BB:DD.F` or `DDDD:BB:DD.F` opens a
 * device (the rest of the line is ignored); rows `OO: xx xx …` store bytes at offset OO; a
 * blank line closes the device; every other line (verbose output) is ignored. Bytes a dump
 * does not give read as 0xff; the device's length is one past the highest byte given.
 *
 * Malformed input stops with an LspciDumpError naming the line and the reason; nothing else
 * escapes (the parser is fuzzed for that).
 */
import { formatBdf, type Bdf } from '../../../src-shared/units/bdf.ts';

export class LspciDumpError extends Error {
  constructor(
    /** 1-based line number. */
    readonly line: number,
    readonly reason: string,
    /** 1-based column where the problem starts (1 when it is the whole line). */
    readonly column = 1,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'LspciDumpError';
  }
}

export interface DumpDevice {
  bdf: Bdf;
  /** Config bytes 0 … length-1 (0xff where the dump gave none). */
  bytes: Uint8Array;
  /** Line of the device header, for later error messages. */
  line: number;
  /** The rest of the header line ("Ethernet controller: Intel …"), trimmed. */
  title: string;
}

const DEVICE_LINE = /^(?:([0-9a-fA-F]{4,5}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-9a-fA-F])(?:\s|$)/;
const HEX_ROW = /^([0-9a-fA-F]{2,8}): /;
/** Shaped like a device line (hex:hex.hex at column 0) without being one: a typo, not prose. */
const ADDRESS_LIKE = /^(?:([0-9a-fA-F]+):)?([0-9a-fA-F]+):([0-9a-fA-F]+)\.([0-9a-fA-F]+)(?:\s|$)/;
/** Bytes 0x00-0x0f (IDs, command, class, header type): without them there is no device. */
const HEADER_ROW_MASK = 0xffff;
const MAX_CONFIG = 4096;

interface Open {
  bdf: Bdf;
  data: Uint8Array;
  len: number;
  line: number;
  title: string;
  /** Bit i set: byte i (< 16) was given. */
  header: number;
}

function parseDeviceLine(m: RegExpExecArray, lineNo: number): Bdf {
  const devColumn = 1 + (m[1] ? m[1].length + 1 : 0) + 3;
  const segment = m[1] ? parseInt(m[1], 16) : 0;
  if (segment > 0xffff) throw new LspciDumpError(lineNo, `PCI domain ${m[1]} is out of range (0000-ffff)`, 1);
  const device = parseInt(m[3], 16);
  if (device > 0x1f) throw new LspciDumpError(lineNo, `device number ${m[3]} is out of range (00-1f)`, devColumn);
  const fn = parseInt(m[4], 16);
  if (fn > 7) throw new LspciDumpError(lineNo, `function number ${m[4]} is out of range (0-7)`, devColumn + 3);
  return { segment, bus: parseInt(m[2], 16), device, fn };
}

/**
 * A line that looks like a device address but has the wrong number of digits somewhere
 * ("100:00.0", "00:1.0"): lspci never prints one, so it is a damaged dump, and ignoring it
 * would silently drop the device.
 */
function rejectAddressLike(text: string, lineNo: number): void {
  const m = ADDRESS_LIKE.exec(text);
  if (!m) return;
  const [, seg, bus, dev] = m;
  const busAt = 1 + (seg === undefined ? 0 : seg.length + 1);
  const devAt = busAt + bus.length + 1;
  const fnAt = devAt + dev.length + 1;
  const not = `"${m[0].trim()}" is not a PCI address`;
  if (seg !== undefined && (seg.length < 4 || seg.length > 5)) throw new LspciDumpError(lineNo, `${not}: the domain must be 4 hex digits (0000-ffff)`, 1);
  if (bus.length !== 2) throw new LspciDumpError(lineNo, `${not}: the bus must be 2 hex digits (00-ff)`, busAt);
  if (dev.length !== 2) throw new LspciDumpError(lineNo, `${not}: the device must be 2 hex digits (00-1f)`, devAt);
  throw new LspciDumpError(lineNo, `${not}: the function must be 1 digit (0-7)`, fnAt);
}

/** Stores one hex row's bytes into the open device, as lib/dump.c's loop does. */
function parseHexRow(text: string, offsetText: string, dev: Open, lineNo: number): void {
  let at = parseInt(offsetText, 16);
  let z = offsetText.length + 2;
  const isHex = (c: string | undefined) => c !== undefined && /[0-9a-fA-F]/.test(c);
  while (isHex(text[z]) && isHex(text[z + 1]) && (z + 2 === text.length || text[z + 2] === ' ')) {
    if (at >= MAX_CONFIG) throw new LspciDumpError(lineNo, `offset 0x${at.toString(16)} is beyond the 4096 bytes of PCI Express config space`, z + 1);
    if (at < 16) dev.header |= 1 << at;
    dev.data[at++] = parseInt(text.slice(z, z + 2), 16);
    if (at > dev.len) dev.len = at;
    z += 2;
    if (z < text.length) z++;
  }
  if (z < text.length) {
    throw new LspciDumpError(lineNo, `malformed hex row at column ${z + 1}: expected two hex digits separated by single spaces, found "${text.slice(z, z + 8)}"`, z + 1);
  }
}

export function parseLspciDump(input: string): DumpDevice[] {
  const lines = input.replace(/^\uFEFF/, '').split('\n');
  const out: Open[] = [];
  const seen = new Map<string, number>();
  let dev: Open | undefined;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const dm = DEVICE_LINE.exec(text);
    if (dm) {
      const bdf = parseDeviceLine(dm, lineNo);
      const key = formatBdf(bdf);
      const first = seen.get(key);
      if (first !== undefined) throw new LspciDumpError(lineNo, `device ${key} appears twice (first at line ${first})`);
      seen.set(key, lineNo);
      dev = { bdf, data: new Uint8Array(MAX_CONFIG).fill(0xff), len: 0, line: lineNo, title: text.slice(dm[0].length).trim().replace(/\s+/g, ' '), header: 0 };
      out.push(dev);
      return;
    }
    if (text.length === 0) {
      dev = undefined;
      return;
    }
    const hm = dev ? HEX_ROW.exec(text) : null;
    if (dev && hm) parseHexRow(text, hm[1], dev, lineNo);
    else rejectAddressLike(text, lineNo);
  });
  for (const d of out) {
    if (d.len === 0) throw new LspciDumpError(d.line, `device ${formatBdf(d.bdf)} has no hex dump rows (capture it with lspci -xxx)`);
    if ((d.header & HEADER_ROW_MASK) !== HEADER_ROW_MASK) {
      throw new LspciDumpError(d.line, `device ${formatBdf(d.bdf)} has no complete header row (00: …): bytes 0x00-0x0f (IDs, class, header type) are needed`);
    }
  }
  if (out.length === 0) throw new LspciDumpError(Math.max(1, lines.length), 'no devices found: expected lines like "00:00.0 Host bridge: …" followed by "00: 86 80 …" rows');
  return out
    .map((d) => ({ bdf: d.bdf, bytes: d.data.slice(0, d.len), line: d.line, title: d.title }))
    .sort((a, b) => a.bdf.segment - b.bdf.segment || a.bdf.bus - b.bdf.bus || a.bdf.device - b.bdf.device || a.bdf.fn - b.bdf.fn);
}
