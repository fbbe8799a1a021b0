/**
 * The DMAR parser and emitter against real and written tables: every binary decodes to its
 * oracle, emits back byte for byte, and malformed tables are rejected at the right byte.
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { byteSum, dmarJson, dmarTableSchema, emitDmar, fixChecksum, isDmarParseError, parseDmar, type DmarTable } from '../../../src-sim/hw/acpi/index.ts';
import { dmarSamples } from './dmar-data.ts';

const samples = dmarSamples();

function parsed(bytes: Uint8Array): DmarTable {
  const t = parseDmar(bytes);
  if (isDmarParseError(t)) throw new Error(`byte 0x${t.offset.toString(16)}: ${t.reason}`);
  return t;
}

describe.each(samples.map((s) => [s.file, s] as const))('%s', (_file, s) => {
  it('decodes to the fields of its iASL disassembly (expected.json, in the issue shape)', () => {
    expect(JSON.parse(JSON.stringify(dmarJson(parsed(s.bytes))))).toEqual(s.expected);
  });

  it('emits back exactly the bytes it was parsed from', () => {
    expect(emitDmar(parsed(s.bytes))).toEqual(s.bytes);
  });

  it('is a valid table by the schema, and parse(emit(table)) gives the table back', () => {
    const t = parsed(s.bytes);
    expect(v.safeParse(dmarTableSchema, t).success).toBe(true);
    expect(parsed(emitDmar(t))).toEqual(t);
  });
});

describe('DMAR shapes beyond the sample tables', () => {
  const modern: DmarTable = {
    revision: 1,
    hostAddressWidth: 0x2e,
    flags: 0b101,
    structures: [
      {
        type: 'DRHD',
        flags: 1,
        segment: 0,
        registerBase: '0xfed91000',
        scopes: [
          { type: 'hpet', enumerationId: 0, startBus: 0, path: [[0x1f, 0]] },
          { type: 'namespace', enumerationId: 1, startBus: 0, path: [[0x15, 0]] },
        ],
      },
      { type: 'RHSA', baseAddress: '0xfed91000', proximityDomain: 0xffffffff, scopes: [] },
      { type: 'ANDD', deviceNumber: 1, name: '\\_SB.PCI0.SDMA', scopes: [] },
      { type: 'RMRR', segment: 1, baseAddress: '0x100000000', endAddress: '0xffffffffffffffff', scopes: [] },
    ],
    oem: { oemId: 'INTEL ', oemTableId: 'SKL     ', oemRevision: 1, creatorId: 'INTL', creatorRevision: 1 },
  };

  it('round-trips HPET and namespace scopes, RHSA, ANDD and full 64-bit addresses', () => {
    expect(v.safeParse(dmarTableSchema, modern).success).toBe(true);
    expect(parsed(emitDmar(modern))).toEqual(modern);
  });

  it('stamps VTDW header ids and a valid checksum on a table built without oem', () => {
    const { oem: _oem, ...bare } = modern;
    const bytes = emitDmar(bare);
    expect(byteSum(bytes)).toBe(0);
    expect(parsed(bytes).oem).toEqual({ oemId: 'VTDW  ', oemTableId: 'VTDWDMAR', oemRevision: 1, creatorId: 'VTDW', creatorRevision: 1 });
  });

  it('the schema rejects an upper-case address, a device above 0x1f, a scope on an RHSA and stray keys', () => {
    const bad = (patch: (t: DmarTable) => void) => {
      const t = structuredClone(modern);
      patch(t);
      return v.safeParse(dmarTableSchema, t).success;
    };
    expect(bad((t) => ((t.structures[0] as { registerBase: string }).registerBase = '0xFED91000'))).toBe(false);
    expect(bad((t) => (t.structures[0].scopes[0] = { type: 'endpoint', enumerationId: 0, startBus: 0, path: [[0x20, 0]] }))).toBe(false);
    expect(bad((t) => ((t.structures[1].scopes as unknown[]).push({ type: 'endpoint', enumerationId: 0, startBus: 0, path: [] })))).toBe(false);
    expect(bad((t) => Object.assign(t, { checksum: 0 }))).toBe(false);
  });
});

describe('malformed DMAR tables are rejected with the offending byte', () => {
  const q35 = samples.find((s) => s.file === 'vtdw-q35-desktop-e1000.aml')!.bytes;
  /** A copy of the Q35 table with `edit` applied and (unless told) its checksum fixed. */
  const broken = (edit: (b: Uint8Array, dv: DataView) => void, keepChecksum = false): Uint8Array => {
    const b = q35.slice();
    edit(b, new DataView(b.buffer));
    if (!keepChecksum) fixChecksum(b, Math.min(b.length, new DataView(b.buffer).getUint32(4, true)));
    return b;
  };
  const cases: [string, Uint8Array, number, RegExp][] = [
    ['fewer bytes than a header', q35.slice(0, 20), 20, /inside the 48-byte DMAR header/],
    ['another signature', broken((b) => b.set([0x52, 0x4d, 0x41, 0x44], 0)), 0, /signature "RMAD" is not "DMAR"/],
    ['a length beyond the data', broken((_b, dv) => dv.setUint32(4, q35.length + 1, true)), 4, /runs past the end of the data/],
    ['a length shorter than the header', broken((_b, dv) => dv.setUint32(4, 40, true)), 4, /shorter than the 48-byte/],
    ['trailing bytes', Uint8Array.from([...q35, 0]), q35.length, /1 bytes follow the end of the table|0x1 bytes follow/],
    ['a wrong checksum', broken((b) => (b[0x24] += 1), true), 9, /checksum mismatch/],
    ['a later structure type whose length runs past the table', broken((_b, dv) => (dv.setUint16(48, 7, true), dv.setUint16(50, 0x400, true))), 50, /type 7 length 0x400 runs past the end/],
    ['a SATC running past the table', broken((_b, dv) => (dv.setUint16(48, 5, true), dv.setUint16(50, 0x400, true))), 50, /SATC length 0x400 runs past the end/],
    ['a later structure type shorter than its header', broken((_b, dv) => (dv.setUint16(48, 7, true), dv.setUint16(50, 2, true))), 50, /type 7 length 0x2 is shorter than its 4-byte header/],
    ['a short text file (signature checked first)', Uint8Array.from('hello world!\n', (c) => c.charCodeAt(0)), 0, /signature "hell" is not "DMAR"/],
    ['a DRHD shorter than 16 bytes', broken((_b, dv) => dv.setUint16(50, 8, true)), 50, /DRHD length 0x8 is shorter than its 16-byte fixed part/],
    ['a DRHD running past the table', broken((_b, dv) => dv.setUint16(50, 0x400, true)), 50, /runs past the end of the table/],
    ['a scope of type 9', broken((b) => (b[64] = 9)), 64, /device scope type 9/],
    ['an odd scope length', broken((b) => (b[65] = 7)), 65, /not 6 plus 2 per path entry/],
    ['a scope running past its DRHD', broken((b) => (b[65] = 10)), 65, /runs past the end of its DRHD/],
    ['a path device above 0x1f', broken((b) => (b[70] = 0x20)), 70, /device 0x20 is above 0x1f/],
    ['a path function above 7', broken((b) => (b[71] = 8)), 71, /function 0x8 is above 7/],
  ];
  it.each(cases)('%s', (_what, bytes, offset, reason) => {
    const r = parseDmar(bytes);
    expect(isDmarParseError(r)).toBe(true);
    expect(r).toMatchObject({ offset, reason: expect.stringMatching(reason) });
  });
});

describe('structure types after SIDP are skipped as Linux does, and kept for the round trip', () => {
  const q35 = samples.find((s) => s.file === 'vtdw-q35-desktop-e1000.aml')!.bytes;
  // A type no spec defines yet (7), shaped like a SATC: length 0x10, then an endpoint scope 00:02.0.
  const satc = [7, 0, 0x10, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 2, 0];
  const withSatc = (): Uint8Array => {
    const b = Uint8Array.from([...q35, ...satc]);
    new DataView(b.buffer).setUint32(4, b.length, true);
    fixChecksum(b);
    return b;
  };

  it('parses the table, warns at the structure\'s offset and keeps its bytes', () => {
    const warnings: { offset: number; reason: string }[] = [];
    const t = parseDmar(withSatc(), { warnings });
    expect(isDmarParseError(t)).toBe(false);
    expect((t as DmarTable).structures.at(-1)).toEqual({ type: 'unsupported', typeCode: 7, data: '010000000108000000000200', scopes: [] });
    expect(warnings).toEqual([{ offset: q35.length, reason: 'remapping structure type 7, 0x10 bytes, is not supported: skipped (kept for round trip)' }]);
  });

  it('emits the skipped structure back byte for byte, and the schema accepts it', () => {
    const t = parsed(withSatc());
    expect(emitDmar(t)).toEqual(withSatc());
    expect(v.safeParse(dmarTableSchema, t).success).toBe(true);
    expect(byteSum(emitDmar(t), withSatc().length)).toBe(0);
  });
});
