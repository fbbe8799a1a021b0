/**
 * DMAR decodes against ACPICA's disassembler, field by field: every real table in
 * test/fixtures/dmar and test/fixtures/dmar-recent is parsed by `parseDmar` and by reading the
 * `iasl -d` listing next to it; both must name the same structures, fields and device scopes,
 * the header names must read as iASL prints them (up to a NUL, unprintable bytes as spaces), and
 * the table must be emitted back byte for byte. dmar-recent's tables carry SATC (type 5) and
 * SIDP (type 6) structures, DRHD size bytes and scope flags; their oracle is iASL 20260408
 * (ACPICA built from source: it decodes SIDP since December 2024, SATC since 2022).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DMAR_FIXTURES, DMAR_RECENT_FIXTURES as RECENT } from '../../fixtures/paths.ts';
import { emitDmar, iaslName, isDmarParseError, parseDmar, type DmarDeviceScope, type DmarStructure, type DmarTable, type DmarWarning } from '../../../src-sim/hw/acpi/index.ts';


interface Field {
  name: string;
  value: string;
}
interface Block {
  fields: Field[];
  scopes: { fields: Field[]; path: [number, number][] }[];
}

/** The "[OFFh DEC LEN]  Name : Value" lines of an iASL data-table listing, grouped by subtable. */
function readListing(text: string): { header: Field[]; subtables: Block[] } {
  const header: Field[] = [];
  const subtables: Block[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[[0-9A-F]+h [0-9]+ +[0-9A-Fa-fh]+\] +(.+?) : (.*)$/.exec(line);
    if (!m) continue;
    const f = { name: m[1].trim(), value: m[2].trim() };
    const sub = subtables.at(-1);
    if (f.name === 'Subtable Type') subtables.push({ fields: [f], scopes: [] });
    else if (!sub) header.push(f);
    else if (f.name === 'Device Scope Type') sub.scopes.push({ fields: [f], path: [] });
    else if (f.name === 'PCI Path') {
      const [d, fn] = f.value.split(',').map((x) => parseInt(x, 16));
      sub.scopes.at(-1)!.path.push([d, fn]);
    } else (sub.scopes.at(-1)?.fields ?? sub.fields).push(f);
  }
  return { header, subtables };
}

const get = (fields: Field[], name: string): string => {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`the listing has no "${name}" field`);
  return f.value;
};
const num = (fields: Field[], name: string) => parseInt(get(fields, name), 16);
const addr = (fields: Field[], name: string) => '0x' + BigInt('0x' + get(fields, name)).toString(16);
const quoted = (fields: Field[], name: string) => get(fields, name).replace(/^"(.*)"(\s.*)?$/, '$1');
const optional = (key: string, v: number) => (v ? { [key]: v } : {});

/** A structure as the listing shows it, in `parseDmar`'s shape. */
function fromListing(b: Block): DmarStructure {
  const f = b.fields;
  const scopes = b.scopes.map((s): DmarDeviceScope => {
    const flags = s.fields.some((x) => x.name === 'Flags') ? num(s.fields, 'Flags') : 0;
    const type = (['endpoint', 'bridge', 'ioapic', 'hpet', 'namespace'] as const)[num(s.fields, 'Device Scope Type') - 1];
    return { type, enumerationId: num(s.fields, 'Enumeration ID'), startBus: num(s.fields, 'PCI Bus Number'), path: s.path, ...optional('flags', flags) };
  });
  switch (num(f, 'Subtable Type')) {
    case 0: {
      const size = f.some((x) => x.name === 'Size (decoded below)') ? num(f, 'Size (decoded below)') : 0;
      return { type: 'DRHD', flags: num(f, 'Flags'), segment: num(f, 'PCI Segment Number'), registerBase: addr(f, 'Register Base Address'), scopes, ...optional('size', size) };
    }
    case 1: return { type: 'RMRR', segment: num(f, 'PCI Segment Number'), baseAddress: addr(f, 'Base Address'), endAddress: addr(f, 'End Address (limit)'), scopes };
    case 2: return { type: 'ATSR', flags: num(f, 'Flags'), segment: num(f, 'PCI Segment Number'), scopes };
    case 3: return { type: 'RHSA', baseAddress: addr(f, 'Base Address'), proximityDomain: num(f, 'Proximity Domain'), scopes: [] };
    case 4: return { type: 'ANDD', deviceNumber: num(f, 'Device Number'), name: quoted(f, 'Device Name'), scopes: [] };
    case 5: return { type: 'SATC', flags: num(f, 'Flags'), segment: num(f, 'PCI Segment Number'), scopes };
    case 6: return { type: 'SIDP', segment: num(f, 'PCI Segment Number'), scopes };
    default: throw new Error(`subtable type ${get(f, 'Subtable Type')} is not decoded by this listing`);
  }
}

/** Each real table with the iASL listing of those same bytes. */
const tables = [
  ...readdirSync(DMAR_FIXTURES).filter((f) => f.endsWith('.orig.dat')).map((f) => ({ dat: join(DMAR_FIXTURES, f), dsl: join(DMAR_FIXTURES, f.replace('.orig.dat', '.dsl')) })),
  ...readdirSync(RECENT).filter((f) => f.endsWith('.orig.dat')).map((f) => ({ dat: join(RECENT, f), dsl: join(RECENT, f.replace('.orig.dat', '.iasl-20260408.dsl')) })),
].map((t) => ({ ...t, name: t.dat.split('/').pop()!, toString: () => t.dat.split('/').pop()! }));

describe.each(tables)('%s against iasl -d', ({ dat, dsl }) => {
  const bytes = new Uint8Array(readFileSync(dat));
  const listing = readListing(readFileSync(dsl, 'utf8'));
  const warnings: DmarWarning[] = [];
  const parsed = parseDmar(bytes, { warnings });
  const table = parsed as DmarTable;

  it('decodes every structure, none skipped', () => {
    expect(isDmarParseError(parsed)).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('reads the header as iASL prints it, OEM names trimmed at their NUL', () => {
    const h = listing.header;
    expect({ revision: table.revision, hostAddressWidth: table.hostAddressWidth, flags: table.flags }).toEqual({ revision: num(h, 'Revision'), hostAddressWidth: num(h, 'Host Address Width'), flags: num(h, 'Flags') });
    const o = table.oem!;
    expect([iaslName(o.oemId), iaslName(o.oemTableId), iaslName(o.creatorId)]).toEqual([quoted(h, 'Oem ID'), quoted(h, 'Oem Table ID'), quoted(h, 'Asl Compiler ID')]);
  });

  it('names the same structures, fields and device scopes as the listing', () => {
    expect(table.structures).toEqual(listing.subtables.map(fromListing));
  });

  it('emits the table back byte for byte', () => {
    expect(Array.from(emitDmar(table))).toEqual(Array.from(bytes));
  });
});

describe('the SATC and SIDP tables', () => {
  it('hold what their platforms put there: the IGD and NPU behind SATC with ATC_REQUIRED, SIDP flags per device', () => {
    const t = parseDmar(new Uint8Array(readFileSync(join(RECENT, 'linuxhw-msi-claw-a1m-mtl.orig.dat')))) as DmarTable;
    const satc = t.structures.find((s) => s.type === 'SATC');
    const sidp = t.structures.find((s) => s.type === 'SIDP');
    expect(satc).toEqual({ type: 'SATC', flags: 1, segment: 0, scopes: [ { type: 'endpoint', enumerationId: 0, startBus: 0, path: [[2, 0]] }, { type: 'endpoint', enumerationId: 0, startBus: 0, path: [[0x0b, 0]] } ] });
    expect(sidp?.scopes.map((s) => s.flags)).toEqual([0x1f, 0x1c]);
  });

  it('OEM table id "SKL" padded with NULs reads "SKL " as iASL prints it, not with the NULs', () => {
    const t = parseDmar(new Uint8Array(readFileSync(join(RECENT, 'linuxhw-acer-aspire-z3-715-skl.orig.dat')))) as DmarTable;
    expect(t.oem!.oemTableId).toBe('SKL \0\0\0\0');
    expect(iaslName(t.oem!.oemTableId)).toBe('SKL ');
  });
});
