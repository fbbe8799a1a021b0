/**
 * Named-field snapshots (engine/fields.ts): maps, sets, bytes and absent values come back as
 * what they were, into the same live containers; a missing field, a bad hex pair or a class
 * instance nobody saves is an error naming where.
 */
import { describe, expect, it } from 'vitest';
import { restoreFields, saveFields } from '../../../src-sim/engine/fields.ts';

class Model {
  pending = new Set<number>();
  readonly bindings = new Map<number, { gsi: number; device: number }>();
  readonly counts = [0, 0, 0];
  bytes = new Uint8Array(4);
  readonly stats = { rx: 0, tx: 0 };
  last?: number;
  name = '';
}
const FIELDS = ['pending', 'bindings', 'counts', 'bytes', 'stats', 'last', 'name'] as const;

function busy(): Model {
  const m = new Model();
  m.pending.add(16).add(19);
  m.bindings.set(16, { gsi: 36, device: 3 });
  m.counts[1] = 7;
  m.bytes.set([0xde, 0xad, 0xbe, 0xef]);
  m.stats.rx = 12;
  m.name = 'eth0';
  return m;
}

describe('named-field snapshots', () => {
  it('round-trip through JSON: maps, sets, bytes, nested objects and an absent value', () => {
    const saved = JSON.parse(JSON.stringify(saveFields(busy(), FIELDS, 'm')));
    const back = new Model();
    back.last = 5;
    restoreFields(back, saved, FIELDS, 'm');
    expect(back).toEqual(busy());
    expect(back.last).toBeUndefined();
  });

  it('restore into the live containers, so whoever holds them sees the restored contents', () => {
    const back = new Model();
    const { bindings, counts, stats } = back;
    restoreFields(back, JSON.parse(JSON.stringify(saveFields(busy(), FIELDS, 'm'))), FIELDS, 'm');
    expect(bindings.get(16)).toEqual({ gsi: 36, device: 3 });
    expect(counts).toEqual([0, 7, 0]);
    expect(stats.rx).toBe(12);
  });

  it('name a field the snapshot lacks', () => {
    const saved = saveFields(busy(), FIELDS, 'd1');
    delete saved.bindings;
    expect(() => restoreFields(new Model(), saved, FIELDS, 'd1')).toThrow('d1: field "bindings" is missing');
  });

  it('refuse a bad hex pair instead of reading it as zero', () => {
    const saved = JSON.parse(JSON.stringify(saveFields(busy(), FIELDS, 'm')));
    saved.bytes.$hex = 'dead00zz';
    expect(() => restoreFields(new Model(), saved, FIELDS, 'm')).toThrow('m.bytes: "zz" at byte 3 is not a hex pair');
  });

  it('refuse to save a class instance as if it were plain state', () => {
    const m = new Model() as unknown as { name: unknown };
    m.name = new Date(0);
    expect(() => saveFields(m as unknown as Model, FIELDS, 'm')).toThrow('m.name: a Date is not plain state; its owner saves it');
  });
});
