/**
 * A domain's physical-IRQ event channels (the pirq part of struct domain's evtchn state), apart
 * from the code that drives them (event_channel.ts) so the domain can hold them without a cycle
 * of imports.
 */
import type { Timer } from '../../engine/index.ts';

export interface PirqEvtchn {
  /** Machine IRQs bound to the domain's event channels. */
  readonly bound: Set<number>;
  /** Event channels pending since the last upcall. */
  readonly pending: Set<number>;
  /** The kernel's upcall for a physical IRQ (evtchn_do_upcall → do_IRQ). */
  handler: (irq: number) => void;
  /** Runs the upcall on the vCPU's next scheduling. */
  readonly upcall: Timer;
}
