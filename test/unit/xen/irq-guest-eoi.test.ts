/**
 * Xen's deferred local-APIC EOI (ioapic_ack=new, ACKTYPE_EOI) and its per-CPU pending-EOI stack
 * (irq.c): a guest-bound level interrupt stays in service at CPU 0's local APIC until every
 * domain bound to it is done, and EOIs leave the local APIC in nesting order only — the EOI
 * register always retires the highest vector in service.
 */
import { describe, expect, it } from 'vitest';
import { BIND_PIRQ__WILL_SHARE, evtchnBindPirq, evtchnOf } from '../../../src-sim/xen/common/event_channel.ts';
import { RTE_MASKED, RTE_REMOTE_IRR } from '../../../src-sim/hw/intc/io_apic.ts';
import { bootXen } from '../../scenarios/support/xen-host.ts';

/**
 * dom0 with a device on each of GSIs 16, 17 and 18 (vectors 0xa0, 0xa8, 0xb0: 16 and 17 share a
 * priority class), bound to event channels. dom0's handler services the device (its line
 * drops); the test says when dom0 is done (PHYSDEVOP_irq_unmask_notify).
 */
function rig(cmdline: string, era: '2007' | '3.2' = '3.2') {
  const { pc, xen } = bootXen(era, cmdline);
  const taken: number[] = [];
  const pins = new Map([16, 17, 18].map((gsi) => [gsi, pc.gsi[gsi].pin(`dev${gsi}`)]));
  // dom0's upcall: each pending port is its IRQ's handler.
  const irqOfPort = new Map<number, number>();
  const table = evtchnOf(xen.dom0);
  table.upcall = () => {
    for (const port of table.takePending()) {
      const i = irqOfPort.get(port)!;
      taken.push(i);
      pins.get(i)!.set(false);
    }
  };
  for (const irq of pins.keys()) {
    const port = evtchnBindPirq(xen, 0, irq, BIND_PIRQ__WILL_SHARE);
    expect(port).toBeGreaterThan(0);
    irqOfPort.set(port, irq);
  }
  const raise = (gsi: number) => {
    pins.get(gsi)!.set(true);
    pc.sim.engine.runFor(1_000);
  };
  const eoi = (irq: number) => {
    xen.guestIrqs.pirqGuestEoi(xen.dom0, irq);
    pc.sim.engine.runFor(1_000);
  };
  const vector = (irq: number) => 0x20 + 8 * irq;
  return { pc, xen, taken, raise, eoi, vector };
}

describe('the deferred EOI of ioapic_ack=new', () => {
  it('keeps the vector in service and the IO-APIC entry unmasked with Remote IRR set until the domain is done', () => {
    const t = rig('vtd=1');
    t.raise(16);
    expect(t.taken).toEqual([16]);
    expect(t.pc.lapic.inService(t.vector(16))).toBe(true);
    expect(t.pc.ioapic.lo(16) & (RTE_MASKED | RTE_REMOTE_IRR)).toBe(RTE_REMOTE_IRR);
    t.eoi(16);
    expect(t.pc.lapic.inService(t.vector(16))).toBe(false);
    expect(t.pc.ioapic.remoteIrr(16)).toBe(false);
  });

  it('EOIs in nesting order: the outer interrupt’s EOI waits until the nested, higher one is done', () => {
    const t = rig('vtd=1');
    t.raise(16);
    t.raise(18);
    expect(t.taken).toEqual([16, 18]);
    t.eoi(16);
    // 18 is on top of the stack and not done: neither vector may leave the local APIC yet.
    expect(t.pc.lapic.inService(t.vector(16))).toBe(true);
    expect(t.pc.lapic.inService(t.vector(18))).toBe(true);
    t.eoi(18);
    expect(t.pc.lapic.inService(t.vector(16))).toBe(false);
    expect(t.pc.lapic.inService(t.vector(18))).toBe(false);
    expect(t.pc.ioapic.remoteIrr(16) || t.pc.ioapic.remoteIrr(18)).toBe(false);
  });

  it('while 17 is in service, 16 (its own priority class) waits in the local APIC’s IRR', () => {
    const t = rig('vtd=1');
    t.raise(17);
    t.raise(16);
    expect(t.taken).toEqual([17]);
    expect(t.pc.lapic.requested(t.vector(16))).toBe(true);
    t.eoi(17);
    expect(t.taken).toEqual([17, 16]);
  });

  it('with ioapic_ack=old the local APIC is EOI’d at once and the entry masked instead', () => {
    const t = rig('ioapic_ack=old', '2007');
    t.raise(17);
    t.raise(16);
    expect(t.taken).toEqual([17, 16]);
    expect(t.pc.lapic.inService(t.vector(17))).toBe(false);
    expect(t.pc.ioapic.lo(17) & RTE_MASKED).toBe(RTE_MASKED);
    t.eoi(17);
    expect(t.pc.ioapic.lo(17) & RTE_MASKED).toBe(0);
  });
});
