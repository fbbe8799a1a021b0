/**
 * An IO-APIC-mode guest (acpi = 1, apic = 1) on the merged code's interrupt path: hvmloader
 * hands the FC5 kernel its MADT and _PRT, the kernel programs the domain's virtual IO-APIC
 * (48 pins at 0xFEC00000) for the NIC's GSI — slot 3 INTA is GSI 28 — and takes the interrupt
 * at its virtual local APIC; its EOI there reaches vioapic_update_EOI → hvm_dpci_eoi, which
 * ends the machine interrupt. Everything is read as the guest or the machine sees it: the
 * guest's MMIO to the vIOAPIC and vLAPIC pages, the machine IO-APIC's entry, the guest's own
 * /proc/interrupts.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { RTE_LEVEL, RTE_MASKED, RTE_POLARITY_LOW, RTE_REMOTE_IRR, RTE_VECTOR } from '../../src-sim/hw/intc/io_apic.ts';
import { APIC_EOI, APIC_IRR, APIC_ISR } from '../../src-sim/hw/intc/local_apic.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { expectGolden } from '../golden/golden.ts';
import { bootSeedHost, grubWith, hvmWith } from './support/seed-host.ts';

const VIOAPIC = 0xfec00000;
const VLAPIC = 0xfee00000;
const XEN_LINE: Partial<Record<XenEra, string>> = { '2007': 'vtd=1 ioapic_ack=old dom0_mem=1024M', '3.2': 'vtd=1 dom0_mem=1024M', '3.4': 'iommu=1 dom0_mem=1024M', '4.0': 'dom0_mem=1024M' };

/** The seed host running the FC5 guest with acpi = 1 and apic = 1, its e1000 open. */
function apicGuest(era: XenEra = '3.2') {
  const host = bootSeedHost({ era, grub: grubWith(XEN_LINE[era]!) });
  host.xm.create('/etc/xen/hvm.conf', hvmWith({ acpi: '1', apic: '1' }));
  host.pc.sim.engine.runFor(1_000_000);
  const dom = host.xend.byName('fc5-vtd')!;
  const d = host.xen.domain(dom.domid)!;
  const io = d.hvmIo!;
  /** A redirection entry's low dword, as the guest reads it through IOREGSEL/IOWIN. */
  const rte = (pin: number) => {
    io.memWrite(VIOAPIC, 4, 0x10 + 2 * pin);
    return io.memRead(VIOAPIC + 0x10, 4) >>> 0;
  };
  /** Whether `vector`'s bit is set in one of the vLAPIC's 256-bit rows, read through its page. */
  const vlapicBit = (row: number, vector: number) => ((io.memRead(VLAPIC + row + 0x10 * (vector >> 5), 4) >>> (vector & 31)) & 1) === 1;
  const receive = (count: number) => {
    const nic = host.pc.nics[0];
    nic.partner.startStream({ dst: nic.nic.macAddress, count, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
  };
  return { host, dom, d, io, rte, vlapicBit, receive, guest: dom.guest! };
}

describe('an apic = 1 guest in 3.2', () => {
  it('is told by hvmloader’s _PRT that slot 3 INTA is GSI 28, and programs that vIOAPIC pin level, active low, unmasked', () => {
    const g = apicGuest();
    expect(g.guest.log.lines).toContain('ACPI: PCI Interrupt 0000:00:03.0[A] -> GSI 28 (level, low) -> IRQ 28');
    expect(g.guest.nic!.irq).toBe(28);
    const lo = g.rte(28);
    expect(lo & (RTE_LEVEL | RTE_POLARITY_LOW | RTE_MASKED)).toBe(RTE_LEVEL | RTE_POLARITY_LOW);
    expect(lo & RTE_VECTOR).toBeGreaterThanOrEqual(0x31);
    expect(g.host.xen.con.ring).toContain('(XEN) HVM1: Loading ACPI ...');
  });

  it('receives frames through the vIOAPIC and vLAPIC: one interrupt, one EOI per frame, nothing left in service', () => {
    const g = apicGuest();
    g.receive(3);
    expect(g.guest.nic!.stats).toMatchObject({ rxFrames: 3, interrupts: 3, spurious: 0 });
    expect(g.d.dpci).toMatchObject({ injected: 3, eois: 3, timeouts: 0 });
    const vector = g.rte(28) & RTE_VECTOR;
    expect(g.vlapicBit(APIC_ISR, vector)).toBe(false);
    expect(g.rte(28) & RTE_REMOTE_IRR).toBe(0);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(false);
  });

  it('shows IO-APIC-level eth0 on IRQ 28 in its /proc/interrupts, the timer on IO-APIC-edge, no cascade', () => {
    const g = apicGuest();
    g.receive(2);
    expectGolden('xen/guest-fc5-apic-proc-interrupts.txt', g.guest.procInterrupts());
  });
});

describe('the EOI path, with the test in the vCPU’s place', () => {
  /** The guest after boot, with its interrupt entry taken away: the test acknowledges and EOIs. */
  function byHand(era: XenEra = '3.2') {
    const g = apicGuest(era);
    g.d.interruptHandler = undefined;
    const BAR0 = g.guest.nic!.mmio;
    const vector = g.rte(28) & RTE_VECTOR;
    const fire = () => {
      g.io.memWrite(BAR0 + R.ICS, 4, R.ICR_TXDW);
      g.host.pc.sim.engine.runFor(1_000);
    };
    const eoi = () => {
      g.io.memWrite(VLAPIC + APIC_EOI, 4, 0);
      g.host.pc.sim.engine.runFor(1_000);
    };
    const clearCause = () => g.io.memRead(BAR0 + R.ICR, 4);
    return { ...g, vector, fire, eoi, clearCause };
  }

  it('the NIC’s interrupt waits in the vLAPIC’s IRR with the vIOAPIC pin’s Remote IRR set; Xen holds the machine line', () => {
    const g = byHand();
    g.io.memWrite(g.guest.nic!.mmio + R.IMS, 4, R.ICR_TXDW);
    g.fire();
    expect(g.vlapicBit(APIC_IRR, g.vector)).toBe(true);
    expect(g.rte(28) & RTE_REMOTE_IRR).toBe(RTE_REMOTE_IRR);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(true);
  });

  it('the guest’s EOI at the vLAPIC clears Remote IRR and ends the machine interrupt (hvm_dpci_eoi)', () => {
    const g = byHand();
    g.io.memWrite(g.guest.nic!.mmio + R.IMS, 4, R.ICR_TXDW);
    g.fire();
    expect(g.d.vlapic!.acknowledge()).toBe(g.vector);
    expect(g.vlapicBit(APIC_ISR, g.vector)).toBe(true);
    g.clearCause();
    g.eoi();
    expect(g.vlapicBit(APIC_ISR, g.vector)).toBe(false);
    expect(g.rte(28) & RTE_REMOTE_IRR).toBe(0);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(false);
    expect(g.d.dpci.eois).toBe(1);
    expect(g.host.pc.ioapic.remoteIrr(16)).toBe(false);
  });

  it('an EOI before the driver cleared the cause brings the interrupt straight back: the machine line is still high', () => {
    const g = byHand();
    g.io.memWrite(g.guest.nic!.mmio + R.IMS, 4, R.ICR_TXDW);
    g.fire();
    g.d.vlapic!.acknowledge();
    g.eoi();
    expect(g.d.dpci.injected).toBe(2);
    expect(g.vlapicBit(APIC_IRR, g.vector)).toBe(true);
  });

  it('an interrupt on a pin the guest masked waits, and is delivered the moment the guest unmasks it', () => {
    const g = byHand();
    const lo = g.rte(28);
    g.io.memWrite(VIOAPIC, 4, 0x10 + 2 * 28);
    g.io.memWrite(VIOAPIC + 0x10, 4, lo | RTE_MASKED);
    g.io.memWrite(g.guest.nic!.mmio + R.IMS, 4, R.ICR_TXDW);
    g.fire();
    expect(g.vlapicBit(APIC_IRR, g.vector)).toBe(false);
    g.io.memWrite(VIOAPIC + 0x10, 4, lo);
    expect(g.vlapicBit(APIC_IRR, g.vector)).toBe(true);
  });

  it('an EOI of a vector no entry carries is logged as Xen logs it (guest_loglvl permitting)', () => {
    const g = byHand();
    g.d.vioapic!.updateEoi(0xee);
    const line = g.host.pc.sim.tracer.recent().find((r) => r.name === 'log.xen' && String(r.fields.line).includes("Can't find redir item for 238 EOI"));
    expect(line?.fields.line).toBe("(XEN) vioapic.c:d1 Can't find redir item for 238 EOI");
  });

  it('3.2: a guest that never EOIs loses nothing of the machine line for longer than 8 ms', () => {
    const g = byHand();
    g.io.memWrite(g.guest.nic!.mmio + R.IMS, 4, R.ICR_TXDW);
    g.fire();
    g.d.vlapic!.acknowledge();
    g.clearCause();
    g.host.pc.sim.engine.runFor(8_000_000);
    expect(g.host.xen.guestIrqs.isInFlight(16)).toBe(false);
    expect(g.d.dpci.timeouts).toBe(1);
  });
});

describe('the seed (2007): "current patch only works with PIC"', () => {
  it('the same guest programs GSI 28, but the device’s INTx never reaches the vIOAPIC: no interrupt, no frame', () => {
    const g = apicGuest('2007');
    expect(g.rte(28) & RTE_MASKED).toBe(0);
    g.receive(3);
    expect(g.guest.nic!.stats).toMatchObject({ rxFrames: 0, interrupts: 0 });
    expect(g.d.dpci.injected).toBe(1);
    expect(g.rte(28) & RTE_REMOTE_IRR).toBe(0);
  });
});
