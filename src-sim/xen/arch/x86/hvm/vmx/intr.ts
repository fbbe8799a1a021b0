/**
 * vmx_intr_assist (xen/arch/x86/hvm/vmx/intr.c): on vCPU 0's next VM entry after the virtual
 * PIC raises INTR, Xen runs the interrupt-acknowledge cycle on the vPIC and injects the vector
 * into the guest, once the guest has an interrupt handler installed (its IDT). A guest that
 * has none yet (still in firmware with interrupts off) leaves the request pending.
 */
import type { Domain } from '../../../../common/domain.ts';
import type { Xen } from '../../../../xen.ts';

export function attachIntrAssist(xen: Xen, d: Domain): void {
  const vpic = d.vpic;
  if (!vpic) return;
  const timer = d.scope.timer('vcpu0.intr_assist', () => {
    while (d.state === 'running' && d.interruptHandler && vpic.pic.intr.level) {
      const vector = vpic.acknowledge();
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
  if (d.vpic?.pic.intr.level) d.intrTimer?.armIn(0);
}
