/**
 * The kernel's event-channel dispatch (drivers/xen/core/evtchn.c): evtchn_do_upcall scans the
 * ports shared_info marks pending and runs the handler bound to each (bind_evtchn_to_irqhandler);
 * notify_remote_via_evtchn is EVTCHNOP_send.
 */
import type { XenHypercalls } from '../../../include/xen/hypercall.ts';

export class EvtchnDispatch {
  private readonly handlers = new Map<number, () => void>();
  /** Events taken per port, as /proc/interrupts would count the dynirq. */
  readonly counts = new Map<number, number>();

  constructor(private readonly hv: XenHypercalls) {
    hv.setUpcall((ports) => {
      for (const p of ports) {
        this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
        this.handlers.get(p)?.();
      }
    });
  }

  bind(port: number, handler: () => void): void {
    this.handlers.set(port, handler);
  }

  unbind(port: number): void {
    this.handlers.delete(port);
  }

  notify(port: number): void {
    this.hv.evtchnSend(port);
  }
}
