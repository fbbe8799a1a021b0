/**
 * Physical IRQs delivered by event channel (xen/common/event_channel.c EVTCHNOP_bind_pirq,
 * send_guest_pirq; the PV kernel's side in 2.6.18-xen drivers/xen/core/evtchn.c): a PV domain —
 * dom0 for its own devices — binds a machine IRQ to an event channel, sharing it when its Linux
 * IRQ is shareable (BIND_PIRQ__WILL_SHARE); each interrupt marks the channel pending and kicks
 * the domain's vCPU, whose upcall runs the kernel's handler on its next scheduling; the kernel
 * then tells Xen it is done (PHYSDEVOP_irq_unmask_notify → pirq_guest_unmask).
 *
 * The interdomain ports netfront and netback use are in event_channel.ts; a pirq binding here
 * does not take a port from that table yet (dom0's pirq ports are not numbered).
 */
import type { Domain } from './domain.ts';
import type { Xen } from '../xen.ts';

/** EVTCHNOP_bind_pirq: 0, or pirq_guest_bind's errno. */
export function evtchnBindPirq(xen: Xen, d: Domain, irq: number, willShare: boolean, handler: (irq: number) => void): number {
  const rc = xen.irqs.bind(d.domid, irq, willShare, d.domid);
  if (rc) return rc;
  const ev = (d.evtchnPirq ??= { bound: new Set(), pending: new Set(), handler, upcall: d.scope.timer('vcpu0.evtchn_upcall', () => upcall(d)) });
  ev.handler = handler;
  ev.bound.add(irq);
  xen.guestIrqs.startup(irq);
  return 0;
}

/** send_guest_pirq: false when the domain has no event channel for `irq` (nothing happens). */
export function sendGuestPirq(d: Domain, irq: number): boolean {
  const ev = d.evtchnPirq;
  if (!ev?.bound.has(irq)) return false;
  ev.pending.add(irq);
  ev.upcall.armIn(0);
  return true;
}

/** evtchn_do_upcall: each pending physical IRQ to the kernel's handler. */
function upcall(d: Domain): void {
  const ev = d.evtchnPirq!;
  for (const p of [...ev.pending]) {
    ev.pending.delete(p);
    if (d.state === 'running') ev.handler(p);
  }
}
