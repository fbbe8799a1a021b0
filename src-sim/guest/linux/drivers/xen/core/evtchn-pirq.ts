/**
 * Physical IRQs in dom0 (Linux 2.6.18-xen drivers/xen/core/evtchn.c, the "Phys-irq" chip): a
 * driver's request_irq on a machine IRQ starts it up by binding it to an event channel
 * (EVTCHNOP_bind_pirq, shareable when the action is SA_SHIRQ); the port joins the kernel's one
 * event dispatch beside netback's, so each upcall that finds it pending is one __do_IRQ —
 * counted, every action on the line run, note_interrupt told whether any claimed it — and
 * end_pirq then tells Xen the kernel is done (PHYSDEVOP_irq_unmask_notify), which is what lets
 * Xen end the machine line. A line note_interrupt disabled is shut down at its next interrupt
 * (end_pirq with IRQ_DISABLED|IRQ_PENDING → shutdown_pirq → EVTCHNOP_close): Xen unbinds dom0
 * from it and, with nobody left, masks it, which is what ends a storm nobody handles.
 */
import { KERN_ERR, type KernelLog } from '../../../printk.ts';
import { SpuriousIrqs } from '../../../kernel/irq/spurious.ts';
import type { XenHypercalls } from '../../../include/xen/hypercall.ts';
import { BIND_PIRQ__WILL_SHARE } from '../../../include/xen/interface/event_channel.ts';
import type { EvtchnDispatch } from './evtchn.ts';

/** The hypercalls dom0's pirq chip makes. */
export type PirqHypercalls = Pick<XenHypercalls, 'evtchnBindPirq' | 'evtchnClose' | 'physdevIrqUnmaskNotify'>;

export class PirqChip {
  /** kstat_cpu(0).irqs of each physical IRQ. */
  readonly counts = new Map<number, number>();
  private readonly actions = new Map<number, { name: string; handler: () => boolean }[]>();
  private readonly spurious: SpuriousIrqs;

  /** The event channel each started IRQ is bound to (irq_info's evtchn). */
  private readonly ports = new Map<number, number>();

  constructor(
    private readonly hv: PirqHypercalls,
    private readonly evtchn: EvtchnDispatch,
    private readonly log: KernelLog,
  ) {
    this.spurious = new SpuriousIrqs(log);
  }

  /**
   * request_irq(irq, handler, SA_SHIRQ, name): returns 0 or the bind's errno (the driver's open
   * fails). The handler says whether its device was interrupting (IRQ_HANDLED).
   */
  requestIrq(irq: number, name: string, handler: () => boolean): number {
    const list = this.actions.get(irq);
    if (list) {
      list.push({ name, handler });
      return 0;
    }
    const port = this.hv.evtchnBindPirq(irq, BIND_PIRQ__WILL_SHARE);
    if (port < 0) {
      this.log.printk(KERN_ERR, `${name}: Unable to allocate interrupt Error: ${port}`);
      return port;
    }
    this.ports.set(irq, port);
    this.evtchn.bind(port, () => this.doIrq(irq));
    this.actions.set(irq, [{ name, handler }]);
    return 0;
  }

  private doIrq(irq: number): void {
    this.counts.set(irq, (this.counts.get(irq) ?? 0) + 1);
    if (this.spurious.disabled(irq)) return this.shutdown(irq);
    let handled = false;
    for (const a of this.actions.get(irq) ?? []) handled = a.handler() || handled;
    this.spurious.note(irq, handled);
    this.hv.physdevIrqUnmaskNotify(irq);
  }

  /** shutdown_pirq: the event channel is closed; Xen unbinds the line from dom0. */
  private shutdown(irq: number): void {
    const port = this.ports.get(irq);
    if (port === undefined) return;
    this.ports.delete(irq);
    this.evtchn.unbind(port);
    this.hv.evtchnClose(port);
  }

  /** The event channel `irq` is bound to, once started. */
  port(irq: number): number | undefined {
    return this.ports.get(irq);
  }

  count(irq: number): number {
    return this.counts.get(irq) ?? 0;
  }

  /** /proc/interrupts rows: "Phys-irq" is the chip's typename in 2.6.18-xen. */
  rows(): { irq: number; counts: number[]; typename: string; actions: string[] }[] {
    return [...this.actions].map(([irq, as]) => ({ irq, counts: [this.count(irq)], typename: 'Phys-irq', actions: as.map((a) => a.name) }));
  }
}
