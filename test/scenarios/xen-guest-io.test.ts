/**
 * The guest's side after `xm create` (the seed's vtd4 and vtd6): hvmloader places every BAR
 * through qemu-dm's config emulation; the assigned NIC's BARs become p2m direct entries
 * (memory_mapping) and a guest→machine port window (ioport_mapping); the guest then reaches the
 * real NIC's registers through MMIO without qemu and through ports via Xen's intercept.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { P2M_MMIO_DIRECT } from '../../src-sim/xen/arch/x86/mm/p2m.ts';
import { bootSeedHost, SEED_HVM } from './support/seed-host.ts';

function runningGuest() {
  const host = bootSeedHost();
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const d = host.xen.domain(1)!;
  return { host, d, io: d.hvmIo! };
}

describe('hvmloader and the pass-through BARs (2007)', () => {
  it('routes the PCI links 5, 10, 11, 5 and tells Xen', () => {
    const { host, d } = runningGuest();
    expect(d.pciLinkRoute).toEqual([5, 10, 11, 5]);
    expect(host.xen.con.ring).toContain('(XEN) HVM1: PCI-ISA link 3 routed to IRQ5');
  });

  it('places the NIC in slot 3 after the IDE and Cirrus BARs, INTA on IRQ 5', () => {
    const { host } = runningGuest();
    const lines = host.xen.con.ring.filter((l) => l.includes('pci dev 03:0'));
    expect(lines).toEqual([
      '(XEN) HVM1: pci dev 03:0 bar 10 size 00020000: f2020000',
      '(XEN) HVM1: pci dev 03:0 bar 14 size 00020000: f2040000',
      '(XEN) HVM1: pci dev 03:0 bar 18 size 00000020: 0000c020',
      '(XEN) HVM1: pci dev 03:0 INTA->IRQ5',
    ]);
  });

  it('maps BAR0 frames 1:1 onto the NIC (p2m mmio_direct) with one add per BAR, no remove', () => {
    const { host, d } = runningGuest();
    expect(d.p2m!.get(0xf2020)).toEqual({ mfn: 0xfe8e0, type: P2M_MMIO_DIRECT });
    const maps = host.xen.hypercalls.records.filter((r) => r.op === 'XEN_DOMCTL_memory_mapping' || r.op === 'XEN_DOMCTL_ioport_mapping');
    expect(maps.map((r) => r.args)).toEqual([
      { first_gfn: '0xf2020', first_mfn: '0xfe8e0', nr_mfns: 32, add_mapping: 1 },
      { first_gfn: '0xf2040', first_mfn: '0xfe8c0', nr_mfns: 32, add_mapping: 1 },
      { first_gport: '0xc020', first_mport: '0xe000', nr_ports: 32, add_mapping: 1 },
    ]);
  });

  it('lets the guest read the real NIC’s STATUS through MMIO without a trip to qemu-dm', () => {
    const { io, host } = runningGuest();
    const before = io.counters.ioreqMmio;
    expect(io.memRead(0xf2020000 + R.STATUS, 4) & R.STATUS_LU).toBe(R.STATUS_LU);
    expect(io.counters.ioreqMmio).toBe(before);
    expect(io.memRead(0xf2020000 + R.STATUS, 4)).toBe(host.pc.mmio.read(0xfe8e0000 + R.STATUS, 4));
  });

  it('gives the guest the NIC’s IOADDR/IODATA window at its own ports, done by Xen on the machine ports', () => {
    const { io } = runningGuest();
    io.portWrite(0xc020, 4, R.STATUS);
    expect(io.portRead(0xc024, 4) & R.STATUS_LU).toBe(R.STATUS_LU);
    expect(io.counters.dpciPortio).toBe(2);
  });

  it('answers all-ones for a port nobody claims (qemu-dm’s default), and reads guest RAM from its machine frame', () => {
    const { io, d, host } = runningGuest();
    expect(io.portRead(0x5000, 1)).toBe(0xff);
    io.memWrite(0x1000, 4, 0xdeadbeef);
    expect(host.pc.mem.readU32(d.p2m!.get(1)!.mfn * 0x1000)).toBe(0xdeadbeef);
  });

  it('refuses the port window once Xen revoked the permission, and the access falls to qemu-dm', () => {
    const { io, d, host } = runningGuest();
    d.ioportCaps.remove(0xe000, 0xe01f);
    expect(io.portRead(0xc024, 4)).toBe(0xffffffff);
    expect(host.xen.con.ring).toContain('(XEN) io.c:d1 Error: access to gport=0xc024 denied!');
  });

  it('moves the mapping when the guest moves BAR0: the old gfns removed, the new ones added', () => {
    const { io, d, host } = runningGuest();
    io.portWrite(0xcf8, 4, 0x80000000 | (0x18 << 8) | 0x10);
    io.portWrite(0xcfc, 4, 0xf5000000);
    const maps = host.xen.hypercalls.records.filter((r) => r.op === 'XEN_DOMCTL_memory_mapping').slice(-2);
    expect(maps.map((r) => [r.args.first_gfn, r.args.add_mapping])).toEqual([
      ['0xf2020', 0],
      ['0xf5000', 1],
    ]);
    expect(d.p2m!.get(0xf2020)).toBeUndefined();
    expect(io.memRead(0xf5000000 + 8, 4)).toBe(host.pc.mmio.read(0xfe8e0000 + 8, 4));
  });
});
