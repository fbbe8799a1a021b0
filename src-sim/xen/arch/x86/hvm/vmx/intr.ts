/**
 * vmx_intr_assist (xen/arch/x86/hvm/vmx/intr.c): on vCPU 0's next VM entry after the virtual
 * local APIC or the virtual PIC raises INTR, Xen acknowledges the interrupt — the vLAPIC's
 * deliverable vector first (hvm_vcpu_has_pending_irq asks the vLAPIC before the PIC), else the
 * vPIC's interrupt-acknowledge cycle — and injects the vector into the guest, once the guest
 * has an interrupt handler installed (its IDT). A guest that has none yet (still in firmware
 * with interrupts off) leaves the request pending.
 */
import type { Domain } from '../../../../common/domain.ts';
import type { Xen } from '../../../../xen.ts';

export function attachIntrAssist(xen: Xen, d: Domain): void {
  const vpic = d.vpic;
  if (!vpic) return;
  const timer = d.scope.timer('vcpu0.intr_assist', () => {
    while (d.state === 'running' && d.interruptHandler && pending(d)) {
      const vector = d.vlapic?.apic.intr.level ? d.vlapic.acknowledge() : vpic.acknowledge();
      if (vector === undefined) break;
      d.interruptHandler(vector);
    }
  });
  d.intrTimer = timer;
  vpic.pic.intr.connect((level) => {
    if (level) timer.armIn(0);
  });
}

/** The guest just enabled interrupts (sti / installed its IDT): anything pending is injected next entry. */
export function guestInterruptsEnabled(d: Domain): void {
  if (pending(d)) d.intrTimer?.armIn(0);
}

/** An interrupt waits for vCPU 0: the vLAPIC or the vPIC has INTR high. */
function pending(d: Domain): boolean {
  return !!(d.vlapic?.apic.intr.level || d.vpic?.pic.intr.level);
}
