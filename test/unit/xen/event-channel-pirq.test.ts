/**
 * Physical IRQs on event channels (EVTCHNOP_bind_pirq, send_guest_pirq, EVTCHNOP_close on a
 * PIRQ port), on the two-NIC seed host where dom0 drives its own E1000 on GSI 16: the IRQ takes
 * a port in dom0's one port table, beside netback's interdomain ports, and the kernel's one
 * upcall finds it there.
 */
import { describe, expect, it } from 'vitest';
import { BIND_PIRQ__WILL_SHARE, ECS_PIRQ, evtchnAllocUnbound, evtchnBindPirq, evtchnClose, evtchnOf, evtchnSend } from '../../../src-sim/xen/common/event_channel.ts';
import { EEXIST, EINVAL, EPERM } from '../../../src-sim/xen/common/errno.ts';
import { doDomctl } from '../../../src-sim/xen/common/domctl.ts';
import { RTE_MASKED } from '../../../src-sim/hw/intc/io_apic.ts';
import { bootSharedGsiHost } from '../../scenarios/support/shared-gsi-host.ts';

function host() {
  const h = bootSharedGsiHost('3.2', 'vtd=1');
  const table = evtchnOf(h.xen.dom0);
  const port = table.pirqToPort.get(16)!;
  return { h, xen: h.xen, table, port };
}

describe('a physical IRQ on an event channel', () => {
  it('dom0’s NIC IRQ holds a port of dom0’s one table, logged as EVTCHNOP_bind_pirq', () => {
    const { xen, table, port } = host();
    expect(port).toBeGreaterThan(0);
    expect(table.ports[port]).toEqual({ state: ECS_PIRQ, remoteDomid: 0, remotePort: 0, pirq: 16 });
    expect(xen.hypercalls.records.find((r) => r.op === 'EVTCHNOP_bind_pirq')).toMatchObject({ caller: 0, args: { pirq: 16, flags: BIND_PIRQ__WILL_SHARE, port } });
    // An interdomain port comes from the same table: the next free number, not a second series.
    expect(evtchnAllocUnbound(xen, 0, 0, 0)).toBe(table.ports.length - 1);
    expect(table.ports.filter((p) => p.state === ECS_PIRQ)).toHaveLength(1);
  });

  it('each interrupt on the line sets that port pending and dom0’s kernel takes it', () => {
    const { h, table, port } = host();
    const before = h.dom0.pirq!.count(16);
    const probe = h.pc.gsi[16].pin('probe');
    probe.set(true);
    expect(table.isPending(port)).toBe(true);
    probe.set(false);
    h.pc.sim.engine.runFor(1_000);
    expect(h.dom0.pirq!.count(16)).toBe(before + 1);
    expect(h.dom0.pirq!.port(16)).toBe(port);
    expect(table.isPending(port)).toBe(false);
  });

  it('a line held asserted with no device claiming it: "nobody cared" after 100,000, then Xen unbinds and masks it', () => {
    const { h, xen, table, port } = host();
    h.pc.gsi[16].pin('stuck').set(true);
    h.pc.sim.engine.runFor(1_000);
    // 100,000 unhandled (the window), then one more: the disabled line's shutdown_pirq.
    expect(h.dom0.pirq!.count(16)).toBe(100_001);
    expect(h.dom0.log.lines.join('\n')).toContain('irq 16: nobody cared (try booting with the "irqpoll" option)');
    expect(h.dom0.log.lines.join('\n')).toContain('Disabling IRQ #16');
    expect(table.ports[port].state).not.toBe(ECS_PIRQ);
    expect(xen.irqs.desc(16).guests).toEqual([]);
    expect(h.pc.ioapic.lo(16) & RTE_MASKED).toBe(RTE_MASKED);
    expect(xen.hypercalls.records.at(-1)).toMatchObject({ op: 'EVTCHNOP_close', caller: 0, args: { port }, result: 0 });
  });

  it('refuses an IRQ out of range (-EINVAL), one already bound (-EEXIST), and a guest without permission (-EPERM)', () => {
    const { xen } = host();
    expect(evtchnBindPirq(xen, 0, 256, 0)).toBe(-EINVAL);
    expect(evtchnBindPirq(xen, 0, 16, BIND_PIRQ__WILL_SHARE)).toBe(-EEXIST);
    const guest = doDomctl(xen, 0, { cmd: 'createdomain', hvm: false }).domid!;
    expect(evtchnBindPirq(xen, guest, 17, 0)).toBe(-EPERM);
    expect(xen.hypercalls.records.at(-1)).toMatchObject({ op: 'EVTCHNOP_bind_pirq', caller: guest, errno: '-EPERM' });
    // XEN_DOMCTL_irq_permission grants it: the guest may bind that IRQ, and only that one.
    expect(doDomctl(xen, 0, { cmd: 'irq_permission', domain: guest, pirq: 17, allow: true }).rc).toBe(0);
    expect(evtchnBindPirq(xen, guest, 17, 0)).toBeGreaterThan(0);
    expect(evtchnBindPirq(xen, guest, 18, 0)).toBe(-EPERM);
  });

  it('a PIRQ port cannot be sent on (-EINVAL); closing it unbinds dom0 from the line and disables it', () => {
    const { h, xen, table, port } = host();
    expect(evtchnSend(xen, 0, port)).toBe(-EINVAL);
    expect(xen.irqs.desc(16).guests).toContain(0);
    expect(evtchnClose(xen, 0, port)).toBe(0);
    expect(table.pirqToPort.has(16)).toBe(false);
    expect(xen.irqs.desc(16).guests).not.toContain(0);
    // Nobody else is bound to GSI 16 here: Xen masks it.
    expect(xen.irqs.desc(16).guests).toEqual([]);
    expect(h.pc.ioapic.lo(16) & RTE_MASKED).toBe(RTE_MASKED);
    // Free again: the IRQ may be bound anew, on a port the table hands out again.
    expect(evtchnBindPirq(xen, 0, 16, BIND_PIRQ__WILL_SHARE)).toBeGreaterThan(0);
  });

  it('the binding survives a save and restore of the table, pirq → port included', () => {
    const { table, port } = host();
    const saved = JSON.parse(JSON.stringify(table.save()));
    table.pirqToPort.clear();
    table.restore(saved);
    expect(table.pirqToPort.get(16)).toBe(port);
  });
});
