/**
 * HVMOP_set_pci_intx_level (xen/arch/x86/hvm/hvm.c hvmop_set_pci_intx_level, 2007): how qemu-dm's
 * emulated PCI devices raise their INTx. qemu-dm's PIIX3 forwards every level change of a
 * device's pin (piix3_set_irq → xc_hvm_set_pci_intx_level) and Xen drives the domain's virtual
 * INTx wire: the PCI link the slot's pin is swizzled to, then the ISA IRQ the guest routed that
 * link to, on the virtual PIC — the same wiring a passthrough INTx takes, without the machine IRQ.
 */
import { EINVAL, EPERM, ESRCH } from '../../../common/errno.ts';
import type { Xen } from '../../../xen.ts';

export const HVMOP_set_pci_intx_level = 2;

export function hvmSetPciIntxLevel(xen: Xen, caller: number, domid: number, bus: number, device: number, intx: number, level: boolean): number {
  const rc = setLevel(xen, caller, domid, bus, device, intx, level);
  xen.hypercalls.add({ caller, hypercall: 'hvm_op', op: 'HVMOP_set_pci_intx_level', cmd: HVMOP_set_pci_intx_level, domain: domid, args: { bus, device, intx, level: level ? 1 : 0 }, result: rc }, xen.now);
  return rc;
}

function setLevel(xen: Xen, caller: number, domid: number, bus: number, device: number, intx: number, level: boolean): number {
  if (bus > 0 || device > 31 || intx > 3) return -EINVAL;
  if (!xen.domain(caller)?.isPrivileged) return -EPERM;
  const d = xen.domain(domid);
  if (!d) return -ESRCH;
  if (!d.hvmIrq) return -EINVAL;
  if (level) d.hvmIrq.assert(device, intx);
  else d.hvmIrq.deassert(device, intx);
  return 0;
}
