/**
 * Passthrough INTx for HVM guests (the seed's vtd5; 2007 xen/arch/x86/hvm/vmx/vtd/io.c,
 * 3.3+ drivers/passthrough/io.c):
 *
 * - hvm_do_IRQ_dpci: a machine IRQ bound to the domain marks it pending and kicks vCPU 0; in
 *   PIC mode it also records girq[route] so the guest's EOI of that ISA IRQ finds the machine
 *   IRQ. 2007: a second interrupt while one is pending is refused ("mirq already pending");
 *   2007-10/3.2+: every one arms the 8 ms timeout instead.
 * - vmx_dirq_assist (on vCPU 0's next entry): assert the guest INTx.
 * - hvm_dpci_eoi (the guest's EOI): deassert, and end the machine IRQ (pirq_guest_eoi).
 * - pt_irq_time_out (3.2+): the guest did not EOI in 8 ms; end the machine IRQ anyway.
 */
import type { Timer } from '../../../engine/index.ts';
import type { Domain } from '../../common/domain.ts';
import { atLeast } from '../../common/version.ts';
import { hvmIsaIrqToGsi, hvmPciIntxLink } from '../../arch/x86/hvm/irq.ts';
import type { Xen } from '../../xen.ts';

/** PT_IRQ_TIME_OUT (xen/include/asm-x86/iommu.h, 2007-10 on). */
export const PT_IRQ_TIME_OUT_NS = 8_000_000;

/** Returns true when the IRQ was taken for the domain's passthrough device. */
export function hvmDoIrqDpci(xen: Xen, d: Domain, mirq: number): boolean {
  const b = d.mirq.get(mirq);
  if (!xen.vtd || d.domid === 0 || !b || !d.hvmIrq) return false;
  const isa = d.pciLinkRoute[hvmPciIntxLink(b.device, b.intx)];
  if (isa && !d.girq.has(isa)) d.girq.set(isa, b);
  const st = d.dpci;
  if (!atLeast(xen.era, '3.2') && st.pending.has(mirq)) {
    xen.con.gdprintk('info', { file: 'io.c' }, d.domid, 'mirq already pending');
    return false;
  }
  st.pending.add(mirq);
  if (atLeast(xen.era, '3.2')) timerFor(xen, d, mirq).armIn(PT_IRQ_TIME_OUT_NS);
  // vcpu_kick: vCPU 0 takes it on its next VM entry.
  st.kicks++;
  kickTimer(xen, d).armIn(0);
  return true;
}

export function kickTimer(xen: Xen, d: Domain): Timer {
  d.dpci.kick ??= d.scope.timer('vcpu0.dirq_assist', () => dirqAssist(xen, d));
  return d.dpci.kick;
}

export function timerFor(xen: Xen, d: Domain, mirq: number): Timer {
  let t = d.dpci.timers.get(mirq);
  if (!t) {
    t = d.scope.timer(`pt_irq_timeout.${mirq}`, () => ptIrqTimeOut(xen, d, mirq));
    d.dpci.timers.set(mirq, t);
  }
  return t;
}

/** vmx_dirq_assist: assert every pending machine IRQ's guest INTx. */
export function dirqAssist(xen: Xen, d: Domain): void {
  if (d.state === 'dead' || !d.hvmIrq) return;
  for (const mirq of [...d.dpci.pending]) {
    d.dpci.pending.delete(mirq);
    const b = d.mirq.get(mirq);
    if (!b) continue;
    d.dpci.inGuest.add(mirq);
    d.dpci.injected++;
    d.hvmIrq.assert(b.device, b.intx);
    if (atLeast(xen.era, '3.2')) timerFor(xen, d, mirq).armIn(PT_IRQ_TIME_OUT_NS);
  }
}

/**
 * hvm_dpci_eoi for guest GSI `gsi` (an ISA IRQ's GSI in PIC mode, the device's GSI from the
 * vIOAPIC); an EOI of a masked vIOAPIC entry deasserts but leaves the machine line held.
 */
export function hvmDpciEoi(xen: Xen, d: Domain, gsi: number, masked = false): void {
  const isa = gsi < 16 ? (gsi === 2 ? 0 : gsi) : undefined;
  // 3.2+ (hvm_dpci_isairq_eoi) looks for the binding whose link routes to that ISA IRQ *now*;
  // 2007 only knows the girq[isa] recorded when an interrupt arrived.
  const routed = isa !== undefined && atLeast(xen.era, '3.2') ? [...d.mirq.values()].find((m) => d.pciLinkRoute[hvmPciIntxLink(m.device, m.intx)] === isa) : undefined;
  const b = routed ?? d.girq.get(isa ?? gsi);
  if (!xen.vtd || !b || !d.hvmIrq) return;
  if (!d.dpci.inGuest.delete(b.machineIrq)) return;
  d.hvmIrq.deassert(b.device, b.intx);
  d.dpci.eois++;
  d.dpci.timers.get(b.machineIrq)?.cancel();
  if (!masked) xen.guestIrqs.pirqGuestEoi(d, b.machineIrq);
}

/** pt_irq_time_out: release the machine line although the guest never EOI'd. */
function ptIrqTimeOut(xen: Xen, d: Domain, mirq: number): void {
  const b = d.mirq.get(mirq);
  if (!b || !d.hvmIrq) return;
  d.dpci.pending.delete(mirq);
  if (d.dpci.inGuest.delete(mirq)) d.hvmIrq.deassert(b.device, b.intx);
  d.dpci.timeouts++;
  xen.guestIrqs.pirqGuestEoi(d, mirq);
}

export { hvmIsaIrqToGsi };
