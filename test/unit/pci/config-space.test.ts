// One function's config space: sizing, W1C, capability lists, snapshots.
import { describe, expect, it } from 'vitest';
import { sizeFromReadback } from '../../../src-sim/hw/pci/bar.ts';
import { walkCapabilities } from '../../../src-sim/hw/pci/capabilities.ts';
import { layoutFromImage } from '../../../src-sim/hw/pci/config-layout.ts';
import { PciConfigSpace } from '../../../src-sim/hw/pci/config-space.ts';
import { parseLspciDump } from '../../../src-sim/hw/pci/lspci-dump.ts';
import { readFileSync } from 'node:fs';
import { cf8Read, cf8Write, machine } from './machine.ts';

/** The sizing protocol: save, write all ones, read back, restore. */
function size(io: ReturnType<typeof machine>['io'], bus: number, dev: number, fn: number, reg: number): { readback: number; restored: number } {
  const saved = cf8Read(io, bus, dev, fn, reg);
  cf8Write(io, bus, dev, fn, reg, 4, 0xffffffff);
  const readback = cf8Read(io, bus, dev, fn, reg);
  cf8Write(io, bus, dev, fn, reg, 4, saved);
  return { readback, restored: cf8Read(io, bus, dev, fn, reg) };
}

describe('BAR sizing', () => {
  it('a 128 KiB 32-bit memory BAR reads back 0xfffe0000', () => {
    const { io } = machine();
    const r = size(io, 2, 0, 0, 0x10);
    expect(r.readback).toBe(0xfffe0000);
    expect(sizeFromReadback('mem32', r.readback)).toBe(128 * 1024);
    expect(r.restored).toBe(0);
  });

  it('a 32-byte I/O BAR reads back 0xffffffe1 (type bit kept)', () => {
    const { io } = machine();
    const r = size(io, 2, 0, 0, 0x18);
    expect(r.readback).toBe(0xffffffe1);
    expect(sizeFromReadback('io', r.readback)).toBe(32);
  });

  it('a 64-bit BAR sizes over both dwords and keeps its type bits', () => {
    const { io } = machine();
    const lo = size(io, 5, 1, 0, 0x10).readback;
    const hi = size(io, 5, 1, 0, 0x14).readback;
    expect(lo).toBe(0xfffe0004);
    expect(hi).toBe(0xffffffff);
    expect(sizeFromReadback('mem64', lo, hi)).toBe(128 * 1024);
  });

  it('an unimplemented BAR reads back 0', () => {
    const { io } = machine();
    expect(size(io, 2, 0, 0, 0x1c).readback).toBe(0);
  });

  it('an imported BAR with a known size sizes like a modelled one; unknown stays read-only', () => {
    const img = new Uint8Array(256);
    img.set([0x86, 0x80, 0x9a, 0x10], 0);
    img.set([0x00, 0x00, 0x10, 0x30], 0x10);
    img.set([0x01, 0x10, 0x00, 0x00], 0x18);
    const known = new PciConfigSpace(layoutFromImage(img, { barSizes: { 0: 0x20000, 2: 32 } }));
    known.write(0x10, 4, 0xffffffff);
    known.write(0x18, 4, 0xffffffff);
    expect([known.read(0x10, 4), known.read(0x18, 4)]).toEqual([0xfffe0000, 0xffffffe1]);
    const unknown = new PciConfigSpace(layoutFromImage(img));
    unknown.write(0x10, 4, 0xffffffff);
    expect(unknown.read(0x10, 4)).toBe(0x30100000);
  });
});

describe('status registers', () => {
  it('clears Status error bits written as 1 and keeps the rest (RW1C)', () => {
    const { nic } = machine();
    nic.config.regs.setClear('STATUS', 0x2000 | 0x0800, 0); // hardware records <MAbort and >TAbort
    expect(nic.config.read(0x06, 2)).toBe(0x2810);
    nic.config.write(0x06, 2, 0x2000);
    expect(nic.config.read(0x06, 2)).toBe(0x0810);
    nic.config.write(0x06, 2, 0x0010); // Cap is read-only: writing it changes nothing
    expect(nic.config.read(0x06, 2)).toBe(0x0810);
  });

  it('a dword write to COMMAND/STATUS updates COMMAND and clears STATUS bits in one cycle', () => {
    const { io, nic } = machine();
    nic.config.regs.setClear('STATUS', 0x8000, 0);
    cf8Write(io, 2, 0, 0, 0x04, 4, 0x80000007);
    expect(cf8Read(io, 2, 0, 0, 0x04)).toBe(0x00100007);
  });

  it('clears PCIe Device Status and PM PME_Status the same way', () => {
    const { nic } = machine();
    nic.config.regs.setClear('EXP@e0.DEVSTA', 0x0009, 0);
    nic.config.write(0xea, 2, 0x0001);
    expect(nic.config.read(0xea, 2) & 0xf).toBe(0x8);
  });
});

describe('capability lists', () => {
  it('walks PM → MSI → PCIe on the 8257x as software does', () => {
    const { io } = machine();
    const caps = walkCapabilities((o) => cf8Read(io, 2, 0, 0, o, 1), (o) => cf8Read(io, 2, 0, 0, o, 2));
    expect(caps).toEqual([
      { id: 0x01, offset: 0xc8 },
      { id: 0x05, offset: 0xd0 },
      { id: 0x10, offset: 0xe0 },
    ]);
  });

  it('walks the real 82573L chain from its 2007 dump and stops at a looped chain', () => {
    const [d] = parseLspciDump(readFileSync(new URL('../../fixtures/lspci/forum-2007-d975xbx2-82573L.vvvxxx', import.meta.url), 'utf8'));
    const cs = new PciConfigSpace(layoutFromImage(d.bytes));
    expect(walkCapabilities((o) => cs.read(o, 1), (o) => cs.read(o, 2)).map((c) => c.offset)).toEqual([0xc8, 0xd0, 0xe0]);
    const loop = d.bytes.slice();
    loop[0xe1] = 0xc8;
    const cl = new PciConfigSpace(layoutFromImage(loop));
    expect(walkCapabilities((o) => cl.read(o, 1), (o) => cl.read(o, 2)).map((c) => c.offset)).toEqual([0xc8, 0xd0, 0xe0]);
  });

  it('MSI enable is writable, the capability ID is not', () => {
    const { nic } = machine();
    nic.config.write(0xd2, 2, 0x0001);
    nic.config.write(0xd0, 1, 0x99);
    expect(nic.config.read(0xd0, 4)).toBe(0x0081e005);
  });
});

describe('snapshot and restore', () => {
  it('a config space restores byte for byte, and the host re-maps its BARs', () => {
    const { io, mmio, host } = machine();
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfe8e0000);
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0406);
    cf8Write(io, 2, 0, 0, 0x3c, 1, 0x10);
    const snap = JSON.parse(JSON.stringify(host.save()));
    const before = Array.from({ length: 64 }, (_, i) => cf8Read(io, 2, 0, 0, i * 4));
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfd000000);
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0000);
    host.restore(snap);
    expect(Array.from({ length: 64 }, (_, i) => cf8Read(io, 2, 0, 0, i * 4))).toEqual(before);
    expect(mmio.find(0xfe8e0000)?.name).toBe('pci.0000:02:00.0 BAR0');
    expect(mmio.find(0xfd000000)).toBeUndefined();
  });

  it('reset twice: the register file is identical', () => {
    const { host, nic } = machine();
    nic.config.write(0x04, 2, 0x0007);
    host.reset();
    const a = JSON.stringify(nic.config.save());
    host.reset();
    expect(JSON.stringify(nic.config.save())).toBe(a);
    expect(nic.config.read(0x04, 2)).toBe(0);
  });
});
