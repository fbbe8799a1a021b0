/**
 * Physical IRQs in dom0 (Linux 2.6.18-xen drivers/xen/core/evtchn.c, the "Phys-irq" chip): a
 * driver's request_irq on a machine IRQ starts it up by binding an event channel to it
 * (EVTCHNOP_bind_pirq, shareable when the action is SA_SHIRQ); each upcall for it is one
 * do_IRQ — counted, every action on the line run — and end_pirq then tells Xen the kernel is
 * done (PHYSDEVOP_irq_unmask_notify), which is what lets Xen end the machine line.
 */
import { KERN_ERR, type KernelLog } from '../../../printk.ts';

/** The hypercalls dom0's pirq chip makes. */
export interface PirqHypercalls {
  /** EVTCHNOP_bind_pirq: 0 or a negative errno; `upcall` runs for each interrupt. */
  bindPirq(irq: number, willShare: boolean, upcall: (irq: number) => void): number;
  /** PHYSDEVOP_irq_unmask_notify for `irq`. */
  unmaskNotify(irq: number): void;
}

export class PirqChip {
  /** kstat_cpu(0).irqs of each physical IRQ. */
  readonly counts = new Map<number, number>();
  private readonly actions = new Map<number, { name: string; handler: () => void }[]>();

  constructor(
    private readonly hv: PirqHypercalls,
    private readonly log: KernelLog,
  ) {}

  /** request_irq(irq, handler, SA_SHIRQ, name): returns 0 or the bind's errno (the driver's open fails). */
  requestIrq(irq: number, name: string, handler: () => void): number {
    const list = this.actions.get(irq);
    if (list) {
      list.push({ name, handler });
      return 0;
    }
    const rc = this.hv.bindPirq(irq, true, (p) => this.doIrq(p));
    if (rc) {
      this.log.printk(KERN_ERR, `${name}: Unable to allocate interrupt Error: ${rc}`);
      return rc;
    }
    this.actions.set(irq, [{ name, handler }]);
    return 0;
  }

  private doIrq(irq: number): void {
    this.counts.set(irq, (this.counts.get(irq) ?? 0) + 1);
    for (const a of this.actions.get(irq) ?? []) a.handler();
    this.hv.unmaskNotify(irq);
  }

  count(irq: number): number {
    return this.counts.get(irq) ?? 0;
  }

  /** /proc/interrupts rows: "Phys-irq" is the chip's typename in 2.6.18-xen. */
  rows(): { irq: number; counts: number[]; typename: string; actions: string[] }[] {
    return [...this.actions].map(([irq, as]) => ({ irq, counts: [this.count(irq)], typename: 'Phys-irq', actions: as.map((a) => a.name) }));
  }
}
