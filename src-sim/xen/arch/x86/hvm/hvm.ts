/**
 * `__HYPERVISOR_hvm_op` as qemu-dm uses it for the virtual platform's interrupt wiring
 * (xen/arch/x86/hvm/hvm.c, irq.c): HVMOP_set_pci_link_route records which ISA IRQ a PIIX3 PCI
 * link is routed to (what hvmloader or the guest wrote to PIIX3 0x60–0x63) — the route
 * hvm_do_IRQ_dpci and the PIC-mode EOI path use.
 */
import { EINVAL, ESRCH } from '../../../common/errno.ts';
import type { Xen } from '../../../xen.ts';

export const HVMOP_set_pci_link_route = 4;

export function hvmSetPciLinkRoute(xen: Xen, caller: number, domid: number, link: number, isaIrq: number): number {
  const d = xen.domain(domid);
  let rc = 0;
  if (!d || !d.isHvm) rc = -ESRCH;
  else if (link > 3 || isaIrq > 15) rc = -EINVAL;
  else {
    const old = d.pciLinkRoute[link];
    d.pciLinkRoute[link] = isaIrq;
    d.hvmIrq?.routeChanged(link, old, isaIrq);
  }
  xen.hypercalls.add({ caller, hypercall: 'hvm_op', op: 'HVMOP_set_pci_link_route', cmd: HVMOP_set_pci_link_route, domain: domid, args: { link, isa_irq: isaIrq }, result: rc }, xen.now);
  return rc;
}
