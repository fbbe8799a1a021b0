/**
 * The ACPI DMAR table (Intel VT-d spec §8; ACPICA actbl1.h ACPI_TABLE_DMAR and its
 * ACPI_DMAR_* subtables) as plain data: the shape `vtdw dmar FILE --json` prints and host
 * profiles store. Keep it stable; the valibot schema below is its runtime check.
 *
 * - `hostAddressWidth` is the raw header field (N means N+1 bits), as iASL and Xen 2007 print it.
 * - 64-bit addresses are lower-case "0x…" strings without leading zeros (exact beyond 2^53).
 * - Every structure carries `scopes` (empty for RHSA and ANDD, which have none).
 * - `oem` (header identification) is optional: parsing fills it so `emitDmar` reproduces the
 *   firmware bytes; the CLI's `--json` leaves it out. Without it `emitDmar` stamps "VTDW".
 * - A device scope's flags byte (VT-d 4.x; SIDP scopes set it) is `flags`, present only when
 *   non-zero, so tables without it keep their shape.
 * - A DRHD's register-set size byte (VT-d 3.x) is `size`, likewise only when non-zero.
 * Not represented (and emitted as zero): reserved bytes, zero padding after an ANDD name.
 */
import * as v from 'valibot';

export type DmarScopeType = 'endpoint' | 'bridge' | 'ioapic' | 'hpet' | 'namespace';
/** Scope type codes in table order: 1 endpoint … 5 namespace. */
export const DMAR_SCOPE_TYPES: readonly DmarScopeType[] = ['endpoint', 'bridge', 'ioapic', 'hpet', 'namespace'];

export interface DmarDeviceScope {
  type: DmarScopeType;
  /** I/O APIC id, HPET number or ACPI device number; 0 for PCI scopes. */
  enumerationId: number;
  startBus: number;
  /** (device, function) hops from the start bus; the last names the device itself. */
  path: [number, number][];
  /** The scope's flags byte (offset 2, VT-d 4.x), when non-zero. */
  flags?: number;
}

export interface DmarDrhd {
  type: 'DRHD';
  /** Bit 0 INCLUDE_PCI_ALL. */
  flags: number;
  segment: number;
  registerBase: string;
  scopes: DmarDeviceScope[];
  /** Size of the register set as log2 of 4 KiB pages (VT-d 3.x, byte 5), when non-zero. */
  size?: number;
}

export interface DmarRmrr {
  type: 'RMRR';
  segment: number;
  baseAddress: string;
  /** Inclusive end ("limit") address. */
  endAddress: string;
  scopes: DmarDeviceScope[];
}

export interface DmarAtsr {
  type: 'ATSR';
  /** Bit 0 ALL_PORTS. */
  flags: number;
  segment: number;
  scopes: DmarDeviceScope[];
}

export interface DmarRhsa {
  type: 'RHSA';
  /** Register base of the DRHD this affinity is for ("baseAddress", as the data set's oracles spell it). */
  baseAddress: string;
  proximityDomain: number;
  scopes: [];
}

export interface DmarAndd {
  type: 'ANDD';
  /** ACPI device number: matches a namespace scope's enumerationId. */
  deviceNumber: number;
  /** ACPI object name, e.g. "\\_SB.PCI0.SDMA". */
  name: string;
  scopes: [];
}

/** SoC Integrated Address Translation Cache (VT-d 3.2+, type 5): SoC devices with an ATC. */
export interface DmarSatc {
  type: 'SATC';
  /** Bit 0 ATC_REQUIRED: the devices' ATC must be enabled for them to work. */
  flags: number;
  segment: number;
  scopes: DmarDeviceScope[];
}

/** SoC Integrated Device Property (VT-d 4.1, type 6): per-device properties in scope flags. */
export interface DmarSidp {
  type: 'SIDP';
  segment: number;
  scopes: DmarDeviceScope[];
}

/**
 * A structure of a type this build does not decode (7 and later additions):
 * skipped with a warning, as Linux's dmar_walk_remapping_entries() does, and kept as bytes so
 * the table still round-trips.
 */
export interface DmarUnsupported {
  type: 'unsupported';
  /** The structure's type code (≥ 7). */
  typeCode: number;
  /** Its bytes after the 4-byte type/length header, as lower-case hex. */
  data: string;
  scopes: [];
}

export type DmarKnownStructure = DmarDrhd | DmarRmrr | DmarAtsr | DmarRhsa | DmarAndd | DmarSatc | DmarSidp;
export type DmarStructure = DmarKnownStructure | DmarUnsupported;
export type DmarStructureType = DmarKnownStructure['type'];
/** Structure type codes: 0 DRHD … 4 ANDD, 5 SATC, 6 SIDP (as ACPICA's actbl1.h numbers them). */
export const DMAR_STRUCTURE_TYPES: readonly DmarStructureType[] = ['DRHD', 'RMRR', 'ATSR', 'RHSA', 'ANDD', 'SATC', 'SIDP'];
/** Names of later types a table may carry (none defined beyond SIDP as of VT-d 4.1). */
export const DMAR_LATER_TYPES: Readonly<Record<number, string>> = {};

/** "type 5 (SATC)" / "type 9". */
export function unsupportedTypeName(code: number): string {
  return DMAR_LATER_TYPES[code] ? `type ${code} (${DMAR_LATER_TYPES[code]})` : `type ${code}`;
}

export interface DmarOem {
  /** 6 characters, each a byte (latin-1), padding kept. */
  oemId: string;
  oemTableId: string;
  oemRevision: number;
  creatorId: string;
  creatorRevision: number;
}

export interface DmarTable {
  revision: number;
  /** Raw field: the platform's host address width minus one. */
  hostAddressWidth: number;
  /** Bit 0 INTR_REMAP, bit 1 X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN. */
  flags: number;
  structures: DmarStructure[];
  oem?: DmarOem;
}

/** The `--json` shape: the table without its header identification. */
export type DmarJson = Omit<DmarTable, 'oem'>;

export const DMAR_FLAG_INTR_REMAP = 1;
export const DMAR_FLAG_X2APIC_OPT_OUT = 2;
export const DRHD_FLAG_INCLUDE_PCI_ALL = 1;
export const SATC_FLAG_ATC_REQUIRED = 1;
export const ATSR_FLAG_ALL_PORTS = 1;

// ---- runtime schema ------------------------------------------------------------------------

const uint = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));
const address = v.pipe(v.string(), v.regex(/^0x(0|[1-9a-f][0-9a-f]{0,15})$/, 'an address as lower-case "0x…" hex, no leading zeros, at most 64 bits'));
/** Each character stands for one byte (latin-1); `min` excludes NUL where it would end a name. */
const byteChars = (min: number) => v.check((s: string) => Array.from(s).every((c) => c.charCodeAt(0) >= min && c.charCodeAt(0) <= 0xff), 'one byte per character');
const fixedText = (n: number) => v.pipe(v.string(), v.length(n), byteChars(0));
const noScopes = v.strictTuple([]);
/** An optional byte that is present only when non-zero (so older tables keep their shape). */
const nonZeroByte = v.optional(v.pipe(uint(0xff), v.minValue(1, 'non-zero (leave the field out when it is 0)')));

export const dmarScopeSchema = v.strictObject({
  type: v.picklist(DMAR_SCOPE_TYPES),
  enumerationId: uint(0xff),
  startBus: uint(0xff),
  path: v.pipe(v.array(v.strictTuple([uint(0x1f), uint(7)])), v.maxLength(124)),
  flags: nonZeroByte,
});

export const dmarStructureSchema = v.variant('type', [
  v.strictObject({ type: v.literal('DRHD'), flags: uint(0xff), segment: uint(0xffff), registerBase: address, scopes: v.array(dmarScopeSchema), size: nonZeroByte }),
  v.strictObject({ type: v.literal('RMRR'), segment: uint(0xffff), baseAddress: address, endAddress: address, scopes: v.array(dmarScopeSchema) }),
  v.strictObject({ type: v.literal('ATSR'), flags: uint(0xff), segment: uint(0xffff), scopes: v.array(dmarScopeSchema) }),
  v.strictObject({ type: v.literal('RHSA'), baseAddress: address, proximityDomain: uint(0xffffffff), scopes: noScopes }),
  v.strictObject({ type: v.literal('ANDD'), deviceNumber: uint(0xff), name: v.pipe(v.string(), v.maxLength(0xfff0), byteChars(1)), scopes: noScopes }),
  v.strictObject({ type: v.literal('SATC'), flags: uint(0xff), segment: uint(0xffff), scopes: v.array(dmarScopeSchema) }),
  v.strictObject({ type: v.literal('SIDP'), segment: uint(0xffff), scopes: v.array(dmarScopeSchema) }),
  v.strictObject({
    type: v.literal('unsupported'),
    typeCode: v.pipe(uint(0xffff), v.minValue(DMAR_STRUCTURE_TYPES.length, 'a type code of 7 or more (0-6 are decoded)')),
    data: v.pipe(v.string(), v.regex(/^([0-9a-f]{2})*$/, 'bytes as lower-case hex pairs'), v.maxLength(2 * (0xffff - 4))),
    scopes: noScopes,
  }),
]);

export const dmarOemSchema = v.strictObject({
  oemId: fixedText(6),
  oemTableId: fixedText(8),
  oemRevision: uint(0xffffffff),
  creatorId: fixedText(4),
  creatorRevision: uint(0xffffffff),
});

export const dmarTableSchema = v.strictObject({
  revision: uint(0xff),
  hostAddressWidth: uint(0xff),
  flags: uint(0xff),
  structures: v.array(dmarStructureSchema),
  oem: v.optional(dmarOemSchema),
});

// Compile-time check that the schema and the interfaces describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesType: Same<v.InferOutput<typeof dmarTableSchema>, DmarTable> = true;
void _schemaMatchesType;

/** The table without `oem`, keys in the documented order (what `--json` prints). */
export function dmarJson(t: DmarTable): DmarJson {
  return { revision: t.revision, hostAddressWidth: t.hostAddressWidth, flags: t.flags, structures: t.structures };
}
