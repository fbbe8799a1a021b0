/**
 * What Xen's guest-IRQ layer (irq_guest.ts) offers the rest of Xen, apart from its code so
 * that `Xen` can hold it without a cycle of imports (the code calls into passthrough, which
 * takes the `Xen`).
 */
import type { Domain } from '../../common/domain.ts';

export interface IrqCounters {
  /** Interrupts Xen took on this IRQ. */
  count: number;
  /** Interrupts delivered to each guest. */
  perDomain: Map<number, number>;
}

export interface GuestIrqHandling {
  readonly counters: Map<number, IrqCounters>;
  /** do_IRQ for an IO-APIC message with `vector`. */
  doIrq(vector: number): void;
  /** pirq_guest_eoi: the guest is done with `irq`; the line ends when every guest is. */
  pirqGuestEoi(d: Domain, irq: number): void;
  /** The domain is going: it EOIs whatever it still holds. */
  forget(d: Domain): void;
  isInFlight(irq: number): boolean;
  /** startup on the first binding: unmask the line. */
  startup(irq: number): void;
  /** shutdown when the last guest unbinds: mask the line. */
  shutdown(irq: number): void;
}
