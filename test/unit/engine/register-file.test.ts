/**
 * RegisterFile rows carry their side effects: a row names its hook, the device supplies it once,
 * 8-byte registers can land whole, and `forward` rows go to the real device behind a
 * pass-through model.
 */
import { describe, expect, it } from 'vitest';
import { RegisterFile, type RegisterDef } from '../../../src-sim/hw/regs/register-file.ts';

const ROWS: RegisterDef[] = [
  { name: 'CTRL', offset: 0x0, size: 4, writable: 0xff, onWrite: 'ctrl' },
  { name: 'ICR', offset: 0x4, size: 4, readClear: true, afterRead: 'icrRead' },
  { name: 'CMD64', offset: 0x8, size: 8, writable: [0xffffffff, 0x8000000f], onWrite: 'command' },
  { name: 'PASSTHRU', offset: 0x10, size: 4, writable: 0xffffffff, fidelity: 'forward' },
];

describe('register rows with hooks', () => {
  it('runs the hook a row names, with the old and new value, and only for that row', () => {
    const f = new RegisterFile(0x20, ROWS);
    const seen: string[] = [];
    f.bindHooks({ write: { ctrl: (r, old, v) => seen.push(`${r.name} ${old}->${v}`), command: () => seen.push('command') }, read: { icrRead: () => seen.push('icr read') } });
    f.write(0x0, 4, 0x1ff);
    f.setRaw32(0x4, 5);
    expect(f.read(0x4, 4)).toBe(5);
    expect(f.get('ICR')).toBe(0);
    expect(seen).toEqual(['CTRL 0->255', 'icr read']);
  });

  it('refuses a row naming a hook the device does not supply, naming both', () => {
    const f = new RegisterFile(0x20, ROWS);
    expect(() => f.bindHooks({ write: { ctrl: () => {} } })).toThrow('register CMD64 names write hook "command", which the device does not supply');
  });

  it('writes an 8-byte register whole: both dwords land, then its hook runs once', () => {
    const f = new RegisterFile(0x20, ROWS);
    const calls: [number, number, number][] = [];
    f.bindHooks({ write: { ctrl: () => {}, command: (_r, _old, v, off, size) => calls.push([v, f.getHi('CMD64'), off * 100 + size]) }, read: { icrRead: () => {} } });
    f.write64(0x8, 0x1234, 0xffffffff);
    expect(calls).toEqual([[0x1234, 0x8000000f, 8]]);
    expect(() => f.write64(0x0, 1, 2)).toThrow('write64 at 0x0: CTRL is not an 8-byte register starting there');
  });

  it('hands forward rows to the real device and holds nothing for them', () => {
    const f = new RegisterFile(0x20, ROWS);
    const real: string[] = [];
    f.forward = { read: (o, s) => (real.push(`r ${o}/${s}`), 0xdead), write: (o, s, v) => void real.push(`w ${o}/${s}=${v}`) };
    f.write(0x10, 4, 7);
    expect(f.read(0x10, 2)).toBe(0xdead);
    expect(real).toEqual(['w 16/4=7', 'r 16/2']);
    expect(f.get('PASSTHRU')).toBe(0);
  });

  it('reports a forward row with no device behind it as unassigned', () => {
    const f = new RegisterFile(0x20, ROWS);
    const unassigned: string[] = [];
    f.hooks.onUnassigned = (off, _s, write, reg) => unassigned.push(`${write ? 'w' : 'r'} ${off} ${reg?.fidelity}`);
    f.read(0x10, 4);
    expect(unassigned).toEqual(['r 16 forward']);
  });
});
