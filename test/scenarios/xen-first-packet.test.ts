/**
 * The seed's showcase, end to end: the host boots from grub.conf, `xm create hvm.conf` starts the
 * FC5 guest, hvmloader and the guest's e1000 driver set the assigned NIC up through MMIO, and a
 * frame from the wire lands — by the NIC's DMA through VT-d, translated by the guest's p2m — in
 * the guest's own memory, its interrupt delivered through the virtual PIC.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, grubWith, hvmWith, SEED_HVM } from './support/seed-host.ts';

function running(grub?: string) {
  const host = bootSeedHost(grub ? { grub } : {});
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const dom = host.xend.byName('fc5-vtd')!;
  return { host, dom, nic: host.pc.nics[0] };
}

describe('the first packet on the assigned NIC (2007)', () => {
  it('is received by the guest’s e1000 driver, through VT-d, with its interrupt', () => {
    const { host, dom, nic } = running();
    const e1000 = dom.guest!.nic!;
    expect(e1000.mac).toBe(nic.nic.macAddress);
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 5, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    expect(e1000.stats.rxFrames).toBe(5);
    expect(e1000.stats.interrupts).toBeGreaterThan(0);
    expect(host.xen.vtd!.unitFor(nic.bdf)!.fsts() & 2).toBe(0);
    expect(e1000.stats.firstRxNs).toBeGreaterThan(0);
  });

  it('lands the frame in the guest’s machine frames, where its p2m points', () => {
    const { host, dom, nic } = running();
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    const d = host.xen.domain(dom.domid)!;
    const buf = 0x0100_0000 + 0x1000; // the driver's first receive buffer (guest-physical)
    const m = d.p2m!.get(buf / 0x1000)!.mfn * 0x1000;
    const dst = nic.nic.macAddress.split(':').map((h) => parseInt(h, 16));
    expect([0, 1, 2, 3, 4, 5].map((i) => host.pc.mem.readU8(m + i))).toEqual(dst);
  });

  it('without VT-d (2007, no vtd=1) the NIC writes to machine address = guest address: nothing reaches the guest, dom0’s memory is hit', () => {
    const { host, dom, nic } = running(grubWith('ioapic_ack=old dom0_mem=1024M'));
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    expect(dom.guest!.nic!.stats.rxFrames).toBe(0);
    // The untranslated descriptor write-back went to machine 0x01000000 + …: the guest's rings never see it.
    expect(host.pc.mem.readU8(0x0100_0000 + 12) & 1).toBe(1);
  });
});

describe('the guest transmitting on the assigned NIC (2007)', () => {
  it('sends frames the link partner receives intact, read by the NIC through VT-d from the guest’s buffers', () => {
    const { host, dom, nic } = running();
    const e1000 = dom.guest!.nic!;
    for (let n = 0; n < 4; n++) {
      const f = new Uint8Array(60 + n);
      f.set([0x00, 0x1b, 0x21, 0x00, 0x00, 0x02], 0);
      f.set(e1000.mac.split(':').map((h) => parseInt(h, 16)), 6);
      f[12] = 0x88;
      f[13] = 0xb5;
      for (let i = 14; i < f.length; i++) f[i] = (n + i) & 0xff;
      expect(e1000.transmit(f)).toBe(true);
    }
    host.pc.sim.engine.runFor(2_000_000);
    expect(nic.partner.counters.framesReceived).toBe(4);
    expect(nic.partner.counters.badFcs).toBe(0);
    expect(e1000.stats.txFrames).toBe(4);
    expect(host.xen.vtd!.faults).toEqual([]);
  });
});

describe('apic = 1 with the seed’s patch (2007: "current patch only works with PIC")', () => {
  it('the guest runs in IO-APIC mode with its 8259s masked: frames reach its memory, but no interrupt ever reaches its driver', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', hvmWith({ acpi: '1', apic: '1' }));
    host.pc.sim.engine.runFor(1_000_000);
    const dom = host.xend.byName('fc5-vtd')!;
    const nic = host.pc.nics[0];
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 3, payloadBytes: 100 });
    host.pc.sim.engine.runFor(5_000_000);
    const e1000 = dom.guest!.nic!;
    expect(e1000.stats).toMatchObject({ rxFrames: 0, interrupts: 0 });
    // Xen did take the machine interrupt and raised the virtual INTx; only the masked vPIC input saw it.
    expect(host.xen.guestIrqs.counters.get(16)?.count).toBe(1);
    expect(host.xen.domain(dom.domid)!.dpci.injected).toBe(1);
  });
});
