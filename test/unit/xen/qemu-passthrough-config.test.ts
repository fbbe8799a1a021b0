/**
 * qemu-dm's config-space virtualisation of the assigned NIC (2007 pass-through.c, xen.md §8.1),
 * seen by the guest through 0xCF8/0xCFC: what is read from the device, what from qemu's copy,
 * what is written through, and what is dropped.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, SEED_HVM } from '../../scenarios/support/seed-host.ts';

const SLOT3 = 0x18;

function guest() {
  const host = bootSeedHost();
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const io = host.xen.domain(1)!.hvmIo!;
  const sel = (reg: number) => io.portWrite(0xcf8, 4, (0x80000000 | (SLOT3 << 8) | (reg & 0xfc)) >>> 0);
  const read = (reg: number, size: 1 | 2 | 4 = 4) => (sel(reg), io.portRead(0xcfc + (reg & 3), size) >>> 0);
  const write = (reg: number, size: 1 | 2 | 4, v: number) => (sel(reg), io.portWrite(0xcfc + (reg & 3), size, v));
  /** The real function's config, read by dom0 through the machine's ports. */
  const real = (reg: number, size: 1 | 2 | 4 = 4) => host.dom0.cfg.read({ segment: 0, bus: 2, device: 0, fn: 0 }, reg, size);
  return { read, write, real };
}

describe('the assigned NIC’s config space as the guest sees it (2007)', () => {
  it('reads vendor/device live from the real device', () => {
    const g = guest();
    expect(g.read(0x00)).toBe(0x10b98086);
    expect(g.read(0x00)).toBe(g.real(0x00));
  });

  it('shows BARs from qemu’s copy: the guest addresses hvmloader chose, not the machine ones', () => {
    const g = guest();
    expect(g.read(0x10)).toBe(0xf2020000);
    expect(g.real(0x10)).toBe(0xfe8e0000);
  });

  it('keeps the interrupt line the guest writes in the copy only', () => {
    const g = guest();
    g.write(0x3c, 1, 11);
    expect(g.read(0x3c, 1)).toBe(11);
    expect(g.real(0x3c, 1)).toBe(16);
  });

  it('writes COMMAND through to the device (a dword write at 0x04)', () => {
    const g = guest();
    const cmd = g.read(0x04, 2);
    g.write(0x04, 2, cmd & ~0x4);
    expect(g.real(0x04, 2) & 0x4).toBe(0);
    g.write(0x04, 2, cmd | 0x4);
    expect(g.real(0x04, 2) & 0x4).toBe(0x4);
  });

  it('reads capabilities live and drops every write to them (MSI cannot be enabled: INTx only)', () => {
    const g = guest();
    const cap = g.read(0x34, 1);
    expect(cap).toBe(g.real(0x34, 1));
    let msi = 0;
    for (let p = cap; p; p = g.read(p + 1, 1)) if (g.read(p, 1) === 0x05) msi = p;
    expect(msi).not.toBe(0);
    const ctl = g.real(msi + 2, 2);
    g.write(msi + 2, 2, ctl | 1);
    expect(g.real(msi + 2, 2)).toBe(ctl);
  });

  it('sizes a BAR through the copy: all-ones in, the size mask out, and puts the base back', () => {
    const g = guest();
    g.write(0x10, 4, 0xffffffff);
    expect(g.read(0x10)).toBe(0xfffe0000);
    g.write(0x10, 4, 0xf2020000);
    expect(g.read(0x10)).toBe(0xf2020000);
  });
});
