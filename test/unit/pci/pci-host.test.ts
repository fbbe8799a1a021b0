// The PCI hierarchy driven from outside: config cycles through 0xCF8/0xCFC, bridges, decoders.
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../../../src-sim/hw/bus/address-space.ts';
import { cf8Read, cf8Write, machine } from './machine.ts';

describe('configuration mechanism #1 (0xCF8/0xCFC)', () => {
  it('reads vendor and device ids of every function across the tree', () => {
    const { io } = machine();
    const id = (bus: number, dev: number, fn = 0) => cf8Read(io, bus, dev, fn, 0).toString(16).padStart(8, '0');
    expect(id(0, 0)).toBe('29b08086');
    expect(id(0, 0x1c, 0)).toBe('29408086');
    expect(id(0, 0x1c, 1)).toBe('29428086');
    expect(id(2, 0)).toBe('10b98086');
    expect(id(4, 0)).toBe('032c8086');
    expect(id(5, 1)).toBe('100f8086');
  });

  it('answers all ones for an empty slot, an unrouted bus, or with the enable bit clear', () => {
    const { io } = machine();
    expect(cf8Read(io, 0, 3, 0, 0)).toBe(0xffffffff);
    expect(cf8Read(io, 9, 0, 0, 0)).toBe(0xffffffff);
    io.write(0xcf8, 4, 0x00000000);
    expect(io.read(0xcfc, 4)).toBe(0xffffffff);
  });

  it('selects bytes inside the dword by the data port offset', () => {
    const { io } = machine();
    expect(cf8Read(io, 2, 0, 0, 0x02, 2)).toBe(0x10b9);
    expect(cf8Read(io, 2, 0, 0, 0x0b, 1)).toBe(0x02);
  });

  it('latches CONFIG_ADDRESS only on a dword write and reads it back', () => {
    const { io } = machine();
    io.write(0xcf8, 4, 0x80021000);
    io.write(0xcf8, 1, 0x00);
    expect(io.read(0xcf8, 4)).toBe(0x80021000);
  });
});

describe('bridge forwarding by secondary/subordinate bus numbers', () => {
  it('follows the bus numbers software programs, not where devices were placed', () => {
    const { io, host, bdf } = machine();
    // Renumber 1c.0's secondary bus from 02 to 07: the NIC is now found on bus 7 only.
    cf8Write(io, 0, 0x1c, 0, 0x19, 1, 0x07);
    cf8Write(io, 0, 0x1c, 0, 0x1a, 1, 0x07);
    expect(cf8Read(io, 2, 0, 0, 0)).toBe(0xffffffff);
    expect(cf8Read(io, 7, 0, 0, 0) & 0xffff).toBe(0x8086);
    expect(host.find(bdf(7, 0))?.bdf).toEqual(bdf(2, 0));
  });

  it('forwards through two levels (root port, then PCIe-to-PCI bridge) and stops when subordinate excludes the bus', () => {
    const { io } = machine();
    expect(cf8Read(io, 5, 1, 0, 0) & 0xffff).toBe(0x8086);
    cf8Write(io, 0, 0x1c, 1, 0x1a, 1, 0x04); // subordinate 04: bus 5 no longer behind 1c.1
    expect(cf8Read(io, 5, 1, 0, 0)).toBe(0xffffffff);
  });

  it('does not forward through a bridge whose secondary bus is still 0', () => {
    const { io } = machine();
    cf8Write(io, 0, 0x1c, 0, 0x18, 4, 0);
    expect(cf8Read(io, 2, 0, 0, 0)).toBe(0xffffffff);
  });
});

describe('BAR moves are intents applied by the host to the platform decoders', () => {
  it('maps a memory BAR only while COMMAND.MEM is set and moves it on a BAR write', () => {
    const { io, mmio } = machine();
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfe8e0000);
    expect(mmio.find(0xfe8e0000)).toBeUndefined();
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0002);
    expect(mmio.find(0xfe8e0000)?.name).toBe('pci.0000:02:00.0 BAR0');
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfe900000);
    expect(mmio.find(0xfe8e0000)).toBeUndefined();
    expect(mmio.find(0xfe91ffff)?.name).toBe('pci.0000:02:00.0 BAR0');
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0000);
    expect(mmio.find(0xfe900000)).toBeUndefined();
  });

  it('does not move anything while the firmware sizes a BAR', () => {
    const { io, mmio } = machine();
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfe8e0000);
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0002);
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xffffffff);
    expect(mmio.find(0xfffe0000)).toBeUndefined();
    expect(mmio.find(0xfe8e0000)).toBeDefined();
    cf8Write(io, 2, 0, 0, 0x10, 4, 0xfe8e0000);
    expect(mmio.find(0xfe8e0000)?.name).toBe('pci.0000:02:00.0 BAR0');
  });

  it('maps I/O BARs into the port space, where the device sees (bar, offset)', () => {
    const { io } = machine();
    cf8Write(io, 2, 0, 0, 0x18, 4, 0xe000);
    cf8Write(io, 2, 0, 0, 0x04, 2, 0x0001);
    expect(io.find(0xe01f)?.name).toBe('pci.0000:02:00.0 BAR2');
    expect(io.find(0xe020)).toBeUndefined();
  });
});

describe('address-space decoder', () => {
  const h = { read: () => 0, write: () => undefined };
  it('refuses overlapping ranges and says which', () => {
    const s = new AddressSpace('MMIO', 2 ** 32);
    s.map('a', 0x1000, 0x1000, h);
    expect(s.tryMap('b', 0x1800, 0x1000, h)).toEqual({ ok: false, error: 'MMIO range b 0x1800-0x27ff overlaps a 0x1000-0x1fff' });
    expect(() => s.map('c', 0x0800, 0x1000, h)).toThrow(/overlaps a/);
    expect(s.tryMap('d', 0x2000, 0x1000, h)).toEqual({ ok: true });
  });

  it('hands the device offsets, not addresses, and floats high where nothing decodes', () => {
    const s = new AddressSpace('I/O port', 0x10000);
    const seen: number[] = [];
    s.map('dev', 0xe000, 0x20, { read: (off) => (seen.push(off), 0x12), write: () => undefined });
    expect(s.read(0xe004, 4)).toBe(0x12);
    expect(seen).toEqual([4]);
    expect(s.read(0xd000, 2)).toBe(0xffff);
  });
});
