/**
 * DMAR table parser and emitter (Intel VT-d spec §8; ACPICA actbl1.h; the parsing order of
 * Linux drivers/pci/dmar.c parse_dmar_table() and Xen 2007 acpi_parse_dmar()).
 *
 * `parseDmar` never throws: a malformed table gives `{ offset, reason }` naming the first byte
 * that is wrong (a length field that runs past its container points at the length field).
 * Types 0-6 are decoded as ACPICA's disassembler decodes them (5 SATC, 6 SIDP: VT-d 3.2/4.1);
 * later types are skipped — each becomes an `unsupported` structure holding its bytes, and a
 * warning at its offset — so a table that parses also round-trips: `emitDmar(parseDmar(b))` equals `b` for every table whose reserved
 * bytes are zero; `parseDmar(emitDmar(t))` equals `t` for every valid table with `oem`.
 */
import { hex0x } from '../../../src-shared/units/hex.ts';
import { ACPI_HDR, byteSum, fixChecksum, latin1, printable, putLatin1 } from './acpi-header.ts';
import {
  DMAR_SCOPE_TYPES,
  DMAR_STRUCTURE_TYPES,
  unsupportedTypeName,
  type DmarUnsupported,
  type DmarAndd,
  type DmarDeviceScope,
  type DmarOem,
  type DmarStructure,
  type DmarStructureType,
  type DmarTable,
} from './dmar-table.ts';

export const DMAR_HEADER_SIZE = 48;
/** Fixed part of each structure before its device scopes (ANDD: before its name). */
const FIXED: Record<DmarStructureType, number> = { DRHD: 16, RMRR: 24, ATSR: 8, RHSA: 20, ANDD: 8, SATC: 8, SIDP: 8 };

/** Why a table was rejected, and where. */
export interface DmarParseError {
  offset: number;
  reason: string;
}

/** Something a table holds that this build skips (the table is still accepted). */
export interface DmarWarning {
  offset: number;
  reason: string;
}

export function isDmarParseError(r: DmarTable | DmarParseError): r is DmarParseError {
  return 'reason' in r;
}

const hx = hex0x;

class Reject {
  constructor(readonly error: DmarParseError) {}
}

/** Little-endian reader that turns reads past `end` into a located rejection. */
class Cursor {
  constructor(
    readonly b: Uint8Array,
    readonly dv: DataView,
  ) {}
  u8(o: number): number {
    return this.b[o];
  }
  u16(o: number): number {
    return this.dv.getUint16(o, true);
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true);
  }
  addr(o: number): string {
    return '0x' + ((BigInt(this.u32(o + 4)) << 32n) | BigInt(this.u32(o))).toString(16);
  }
}

function fail(offset: number, reason: string): never {
  throw new Reject({ offset, reason });
}

/** Parses a binary table; structures it skips are reported in `opts.warnings` when given. */
export function parseDmar(bytes: Uint8Array, opts: { warnings?: DmarWarning[] } = {}): DmarTable | DmarParseError {
  try {
    return parseOrReject(bytes, opts.warnings ?? []);
  } catch (e) {
    if (e instanceof Reject) return e.error;
    throw e;
  }
}

function parseOrReject(bytes: Uint8Array, warnings: DmarWarning[]): DmarTable {
  // The signature first: a file that is not a DMAR table at all should be told so, however short.
  const sig = latin1(bytes, 0, Math.min(4, bytes.length));
  if (bytes.length >= 4 && sig !== 'DMAR') fail(0, `signature "${printable(sig)}" is not "DMAR"`);
  if (bytes.length < DMAR_HEADER_SIZE) fail(bytes.length, `data ends after ${bytes.length} bytes, inside the ${DMAR_HEADER_SIZE}-byte DMAR header`);
  const c = new Cursor(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const length = c.u32(ACPI_HDR.length);
  if (length < DMAR_HEADER_SIZE) fail(ACPI_HDR.length, `table length ${hx(length)} is shorter than the ${DMAR_HEADER_SIZE}-byte DMAR header`);
  if (length > bytes.length) fail(ACPI_HDR.length, `table length ${hx(length)} runs past the end of the data (${hx(bytes.length)} bytes)`);
  if (length < bytes.length) fail(length, `${hx(bytes.length - length)} bytes follow the end of the table (length ${hx(length)})`);
  const sum = byteSum(bytes, length);
  if (sum !== 0) fail(ACPI_HDR.checksum, `checksum mismatch: the table's bytes sum to ${hx(sum)}, not 0 (checksum byte ${hx(bytes[9])} should be ${hx((bytes[9] - sum) & 0xff)})`);
  const oem: DmarOem = {
    oemId: latin1(bytes, ACPI_HDR.oemId, 6),
    oemTableId: latin1(bytes, ACPI_HDR.oemTableId, 8),
    oemRevision: c.u32(ACPI_HDR.oemRevision),
    creatorId: latin1(bytes, ACPI_HDR.creatorId, 4),
    creatorRevision: c.u32(ACPI_HDR.creatorRevision),
  };
  const structures: DmarStructure[] = [];
  for (let off = DMAR_HEADER_SIZE; off < length; ) {
    const len = structureLength(c, off, length);
    const s = c.u16(off) < DMAR_STRUCTURE_TYPES.length ? parseStructure(c, off, len) : unsupported(c, off, len);
    if (s.type === 'unsupported') warnings.push({ offset: off, reason: `remapping structure ${unsupportedTypeName(s.typeCode)}, ${hx(len)} bytes, is not supported: skipped (kept for round trip)` });
    structures.push(s);
    off += len;
  }
  return { revision: bytes[ACPI_HDR.revision], hostAddressWidth: bytes[0x24], flags: bytes[0x25], structures, oem };
}

/** Checks a remapping structure header and returns its length. */
function structureLength(c: Cursor, off: number, end: number): number {
  if (end - off < 4) fail(off, `truncated remapping structure header: ${end - off} bytes left, 4 needed`);
  const t = c.u16(off);
  const len = c.u16(off + 2);
  const name = DMAR_STRUCTURE_TYPES[t];
  if (!name) {
    if (len < 4) fail(off + 2, `remapping structure ${unsupportedTypeName(t)} length ${hx(len)} is shorter than its 4-byte header`);
    if (off + len > end) fail(off + 2, `remapping structure ${unsupportedTypeName(t)} length ${hx(len)} runs past the end of the table (${hx(end - off)} bytes left)`);
    return len;
  }
  const min = name === 'ANDD' ? FIXED.ANDD + 1 : FIXED[name];
  if (len < min) fail(off + 2, `${name} length ${hx(len)} is shorter than its ${min}-byte fixed part`);
  if (name === 'RHSA' && len !== FIXED.RHSA) fail(off + 2, `RHSA length ${hx(len)} is not ${hx(FIXED.RHSA)}`);
  if (off + len > end) fail(off + 2, `${name} length ${hx(len)} runs past the end of the table (${hx(end - off)} bytes left)`);
  return len;
}

function parseStructure(c: Cursor, off: number, len: number): DmarStructure {
  const name = DMAR_STRUCTURE_TYPES[c.u16(off)];
  const scopes = () => parseScopes(c, off + FIXED[name], off + len, name);
  switch (name) {
    case 'DRHD':
      return { type: 'DRHD', flags: c.u8(off + 4), segment: c.u16(off + 6), registerBase: c.addr(off + 8), scopes: scopes(), ...(c.u8(off + 5) ? { size: c.u8(off + 5) } : {}) };
    case 'RMRR':
      return { type: 'RMRR', segment: c.u16(off + 6), baseAddress: c.addr(off + 8), endAddress: c.addr(off + 16), scopes: scopes() };
    case 'ATSR':
      return { type: 'ATSR', flags: c.u8(off + 4), segment: c.u16(off + 6), scopes: scopes() };
    case 'RHSA':
      return { type: 'RHSA', baseAddress: c.addr(off + 8), proximityDomain: c.u32(off + 16), scopes: [] };
    case 'ANDD':
      return parseAndd(c, off, len);
    case 'SATC':
      return { type: 'SATC', flags: c.u8(off + 4), segment: c.u16(off + 6), scopes: scopes() };
    case 'SIDP':
      return { type: 'SIDP', segment: c.u16(off + 6), scopes: scopes() };
  }
}

/** A later structure type, kept whole (Linux skips it: "Unknown DMAR structure type"). */
function unsupported(c: Cursor, off: number, len: number): DmarUnsupported {
  let data = '';
  for (let i = off + 4; i < off + len; i++) data += c.u8(i).toString(16).padStart(2, '0');
  return { type: 'unsupported', typeCode: c.u16(off), data, scopes: [] };
}

/** ANDD: device number, then a NUL-terminated ACPI name (zero padding after it is allowed). */
function parseAndd(c: Cursor, off: number, len: number): DmarAndd {
  const start = off + FIXED.ANDD;
  let nul = start;
  while (nul < off + len && c.u8(nul) !== 0) nul++;
  if (nul === off + len) fail(start, `ANDD device name is not NUL-terminated within its ${hx(len)} bytes`);
  for (let i = nul + 1; i < off + len; i++) if (c.u8(i) !== 0) fail(i, `byte ${hx(c.u8(i))} after the ANDD device name's terminating NUL`);
  return { type: 'ANDD', deviceNumber: c.u8(off + 7), name: latin1(c.b, start, nul - start), scopes: [] };
}

function parseScopes(c: Cursor, from: number, end: number, owner: string): DmarDeviceScope[] {
  const out: DmarDeviceScope[] = [];
  for (let s = from; s < end; ) {
    if (end - s < 6) fail(s, `truncated device scope in ${owner}: ${end - s} bytes left, 6 needed`);
    const type = DMAR_SCOPE_TYPES[c.u8(s) - 1];
    if (!type) fail(s, `device scope type ${c.u8(s)} is not one of 1 (endpoint) to 5 (namespace)`);
    const len = c.u8(s + 1);
    if (len < 6 || len % 2 !== 0) fail(s + 1, `device scope length ${hx(len)} is not 6 plus 2 per path entry`);
    if (s + len > end) fail(s + 1, `device scope length ${hx(len)} runs past the end of its ${owner} (${hx(end - s)} bytes left)`);
    const path: [number, number][] = [];
    for (let p = s + 6; p < s + len; p += 2) {
      const dev = c.u8(p);
      const fn = c.u8(p + 1);
      if (dev > 0x1f) fail(p, `path entry device ${hx(dev)} is above 0x1f`);
      if (fn > 7) fail(p + 1, `path entry function ${hx(fn)} is above 7`);
      path.push([dev, fn]);
    }
    const flags = c.u8(s + 2);
    out.push({ type, enumerationId: c.u8(s + 4), startBus: c.u8(s + 5), path, ...(flags ? { flags } : {}) });
    s += len;
  }
  return out;
}

// ---- emitter ----------------------------------------------------------------------------------

const DEFAULT_OEM: DmarOem = { oemId: 'VTDW  ', oemTableId: 'VTDWDMAR', oemRevision: 1, creatorId: 'VTDW', creatorRevision: 1 };

function scopeBytes(scopes: readonly DmarDeviceScope[]): number[] {
  const out: number[] = [];
  for (const s of scopes) {
    out.push(DMAR_SCOPE_TYPES.indexOf(s.type) + 1, 6 + 2 * s.path.length, s.flags ?? 0, 0, s.enumerationId, s.startBus);
    for (const [d, f] of s.path) out.push(d, f);
  }
  return out;
}

const le16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
function le64(hex: string): number[] {
  let v = BigInt(hex);
  const out: number[] = [];
  for (let i = 0; i < 8; i++, v >>= 8n) out.push(Number(v & 0xffn));
  return out;
}

/** One remapping structure: type, length, then its fields as the spec lays them out. */
function structureBytes(s: DmarStructure): number[] {
  let body: number[];
  switch (s.type) {
    case 'DRHD':
      body = [s.flags, s.size ?? 0, ...le16(s.segment), ...le64(s.registerBase), ...scopeBytes(s.scopes)];
      break;
    case 'RMRR':
      body = [0, 0, ...le16(s.segment), ...le64(s.baseAddress), ...le64(s.endAddress), ...scopeBytes(s.scopes)];
      break;
    case 'ATSR':
      body = [s.flags, 0, ...le16(s.segment), ...scopeBytes(s.scopes)];
      break;
    case 'RHSA':
      body = [0, 0, 0, 0, ...le64(s.baseAddress), ...le32(s.proximityDomain)];
      break;
    case 'ANDD':
      body = [0, 0, 0, s.deviceNumber, ...Array.from(s.name, (ch) => ch.charCodeAt(0) & 0xff), 0];
      break;
    case 'SATC':
      body = [s.flags, 0, ...le16(s.segment), ...scopeBytes(s.scopes)];
      break;
    case 'SIDP':
      body = [0, 0, ...le16(s.segment), ...scopeBytes(s.scopes)];
      break;
    case 'unsupported':
      body = Array.from({ length: s.data.length / 2 }, (_, i) => parseInt(s.data.slice(2 * i, 2 * i + 2), 16));
      break;
  }
  const len = 4 + body.length;
  if (len > 0xffff) throw new RangeError(`${s.type} structure would be ${len} bytes, above the 16-bit length field`);
  return [...le16(s.type === 'unsupported' ? s.typeCode : DMAR_STRUCTURE_TYPES.indexOf(s.type)), ...le16(len), ...body];
}

/**
 * The table as firmware would hold it: header (with `oem`, or VTDW defaults), checksum fixed.
 * Expects a table that satisfies `dmarTableSchema` (values outside their fields are a caller bug).
 */
export function emitDmar(t: DmarTable): Uint8Array {
  const body = t.structures.flatMap(structureBytes);
  const out = new Uint8Array(DMAR_HEADER_SIZE + body.length);
  const dv = new DataView(out.buffer);
  const oem = t.oem ?? DEFAULT_OEM;
  putLatin1(out, ACPI_HDR.signature, 'DMAR', 4);
  dv.setUint32(ACPI_HDR.length, out.length, true);
  out[ACPI_HDR.revision] = t.revision;
  putLatin1(out, ACPI_HDR.oemId, oem.oemId, 6);
  putLatin1(out, ACPI_HDR.oemTableId, oem.oemTableId, 8);
  dv.setUint32(ACPI_HDR.oemRevision, oem.oemRevision, true);
  putLatin1(out, ACPI_HDR.creatorId, oem.creatorId, 4);
  dv.setUint32(ACPI_HDR.creatorRevision, oem.creatorRevision, true);
  out[0x24] = t.hostAddressWidth;
  out[0x25] = t.flags;
  out.set(body, DMAR_HEADER_SIZE);
  fixChecksum(out);
  return out;
}
