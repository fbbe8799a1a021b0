/**
 * The seed's vtd5 in PIC mode: the NIC's INTA on GSI 16 reaches Xen through the IO-APIC,
 * do_IRQ_guest hands it to the guest (hvm_do_IRQ_dpci → vCPU 0 → virtual INTx of slot 3 → link 3
 * → ISA IRQ 5 on the virtual PIC), and the guest's specific EOI ends the machine interrupt —
 * with each era's ack method, and the symptoms of a guest that never EOIs properly.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { RTE_MASKED, RTE_REMOTE_IRR } from '../../src-sim/hw/intc/io_apic.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { bootSeedHost, grubWith, SEED_HVM } from './support/seed-host.ts';
import { guestConfig, SLOT3 } from './support/guest-config.ts';

/**
 * The FC5 guest after boot (8259s at vectors 0x20/0x28, IRQ 5 unmasked, the e1000 open); the
 * test then takes its vCPU's place for interrupts — acknowledging and EOI-ing by hand — and
 * enables the NIC's TXDW interrupt.
 */
function guest(era: XenEra = '2007', xenLine = 'vtd=1 ioapic_ack=old dom0_mem=1024M') {
  const host = bootSeedHost({ era, grub: grubWith(xenLine) });
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const d = host.xen.domain(1)!;
  d.interruptHandler = undefined;
  const io = d.hvmIo!;
  // Where hvmloader put the NIC's BAR0 (the layout differs by era: 3.3+ places largest first).
  const BAR0 = (guestConfig(host, 1, SLOT3).read(0x10) & ~0xf) >>> 0;
  const out = (p: number, v: number) => io.portWrite(p, 1, v);
  [0x11, 0x20, 0x04, 0x01].forEach((v, i) => out(i ? 0x21 : 0x20, v));
  [0x11, 0x28, 0x02, 0x01].forEach((v, i) => out(i ? 0xa1 : 0xa0, v));
  out(0x21, 0xff & ~(1 << 5) & ~(1 << 2));
  out(0xa1, 0xff);
  io.memWrite(BAR0 + R.IMS, 4, R.ICR_TXDW);
  const rte = () => host.pc.ioapic.lo(16);
  /** The NIC raises TXDW (as after a transmit); the engine lets vCPU 0 take it. */
  const fire = () => {
    io.memWrite(BAR0 + R.ICS, 4, R.ICR_TXDW);
    host.pc.sim.engine.runFor(1_000);
  };
  /** The guest's e1000 ISR: read ICR (the NIC drops INTA), then EOI. */
  const isr = (eoi: number) => {
    io.memRead(BAR0 + R.ICR, 4);
    out(0x20, eoi);
    host.pc.sim.engine.runFor(1_000);
  };
  return { host, d, io, rte, fire, isr, BAR0 };
}

describe('a passthrough interrupt in PIC mode (2007, ioapic_ack=old)', () => {
  it('arrives as ISA IRQ 5 on the guest’s virtual PIC, vector 0x25', () => {
    const g = guest();
    g.fire();
    expect(g.d.vpic!.pic.intr.level).toBe(true);
    expect(g.d.vpic!.acknowledge()).toBe(0x25);
    expect(g.host.xen.guestIrqs.counters.get(16)).toMatchObject({ count: 1 });
    expect(g.d.dpci.injected).toBe(1);
  });

  it('holds the machine line masked at the IO-APIC until the guest’s specific EOI, then unmasks it', () => {
    const g = guest();
    g.fire();
    g.d.vpic!.acknowledge();
    expect(g.rte() & RTE_MASKED).toBe(RTE_MASKED);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(true);
    g.isr(0x65);
    expect(g.rte() & (RTE_MASKED | RTE_REMOTE_IRR)).toBe(0);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(false);
    expect(g.d.dpci.eois).toBe(1);
  });

  it('takes the next interrupt the same way', () => {
    const g = guest();
    for (let i = 0; i < 3; i++) {
      g.fire();
      expect(g.d.vpic!.acknowledge()).toBe(0x25);
      g.isr(0x65);
    }
    expect(g.d.dpci).toMatchObject({ injected: 3, eois: 3 });
  });

  it('never ends the machine interrupt on a non-specific EOI (2007): the device’s later interrupts never reach Xen, the stale virtual INTx stays asserted', () => {
    const g = guest();
    g.fire();
    g.d.vpic!.acknowledge();
    g.isr(0x20);
    g.host.pc.sim.engine.runFor(50_000_000);
    g.fire();
    expect(g.host.xen.guestIrqs.counters.get(16)?.count).toBe(1);
    expect(g.rte() & RTE_MASKED).toBe(RTE_MASKED);
    // The NIC's new cause sits in ICR undelivered, while the guest keeps seeing the old, stale INTx.
    expect(g.io.memRead(g.BAR0 + R.ICR, 4) & R.ICR_TXDW).toBe(R.ICR_TXDW);
    expect(g.d.vpic!.acknowledge()).toBe(0x25);
  });
});

describe('the same with later eras', () => {
  it('3.2: the 8 ms timeout releases the line when the guest never EOIs it', () => {
    const g = guest('3.2', 'vtd=1 dom0_mem=1024M');
    g.fire();
    g.d.vpic!.acknowledge();
    g.isr(0x20);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(true);
    g.host.pc.sim.engine.runFor(8_000_000);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(false);
    expect(g.d.dpci.timeouts).toBe(1);
  });

  it('3.4 (ioapic_ack=new): the line stays unmasked, Remote IRR set until the guest’s EOI (the deferred local APIC EOI)', () => {
    const g = guest('3.4', 'iommu=1 dom0_mem=1024M');
    g.fire();
    expect(g.rte() & RTE_MASKED).toBe(0);
    expect(g.rte() & RTE_REMOTE_IRR).toBe(RTE_REMOTE_IRR);
    g.d.vpic!.acknowledge();
    g.isr(0x65);
    expect(g.rte() & RTE_REMOTE_IRR).toBe(0);
  });
});
