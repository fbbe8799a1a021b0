/**
 * Machine interrupts of guest-bound IRQs (xen/arch/x86/irq.c __do_IRQ_guest, pirq_guest_eoi,
 * with io_apic.c's ack methods): an IO-APIC message arrives, Xen acks it the era's way, and each
 * bound HVM domain gets it through hvm_do_IRQ_dpci. The line is released (`end`) only when every
 * guest that took it has EOI'd (or timed out): `old` unmasks the IO-APIC entry; `new` does the
 * deferred local-APIC EOI.
 */
import type { Domain } from '../../common/domain.ts';
import { hvmDoIrqDpci } from '../../drivers/passthrough/io.ts';
import type { Xen } from '../../xen.ts';
import type { MachineIoApic } from './io_apic.ts';
import type { GuestIrqHandling, IrqCounters } from './irq_guest-api.ts';

export type { IrqCounters } from './irq_guest-api.ts';


export interface GuestIrqsState {
  counters: [irq: number, count: number, perDomain: [domid: number, count: number][]][];
  inFlight: [irq: number, domids: number[]][];
}

export class GuestIrqs implements GuestIrqHandling {
  readonly counters = new Map<number, IrqCounters>();
  /** Guests each in-flight IRQ is still waiting for. */
  private readonly inFlight = new Map<number, Set<number>>();

  constructor(
    private readonly xen: Xen,
    readonly ioapic: MachineIoApic,
  ) {}

  private counter(irq: number): IrqCounters {
    let c = this.counters.get(irq);
    if (!c) this.counters.set(irq, (c = { count: 0, perDomain: new Map() }));
    return c;
  }

  /** do_IRQ for an IO-APIC message with `vector`. */
  doIrq(vector: number): void {
    const irq = this.ioapic.irqOf(vector);
    if (irq === undefined) return;
    const desc = this.xen.irqs.desc(irq);
    const c = this.counter(irq);
    c.count++;
    if (!desc.guests.length) {
      // No handler: ack and leave the line masked (Xen's "no_irq_type" path for a stray level IRQ).
      this.ioapic.mask(irq);
      this.ioapic.lapicEoi(irq);
      return;
    }
    const level = this.ioapic.isLevel(irq);
    // mask_and_ack: `old` holds the line at the IO-APIC and EOIs the local APIC now.
    if (level && desc.ackType === 'unmask') {
      this.ioapic.mask(irq);
      this.ioapic.lapicEoi(irq);
    }
    const waiting = new Set<number>();
    for (const domid of desc.guests) {
      const d = this.xen.domain(domid);
      if (!d) continue;
      if (hvmDoIrqDpci(this.xen, d, irq)) {
        waiting.add(domid);
        c.perDomain.set(domid, (c.perDomain.get(domid) ?? 0) + 1);
      }
    }
    if (!level) return;
    if (waiting.size) this.inFlight.set(irq, waiting);
    else this.end(irq, desc.ackType);
  }

  /** pirq_guest_eoi / pirq_guest_unmask: `d` is done with `irq`; the last one ends it. */
  pirqGuestEoi(d: Domain, irq: number): void {
    const waiting = this.inFlight.get(irq);
    if (!waiting?.delete(d.domid) || waiting.size) return;
    this.inFlight.delete(irq);
    this.end(irq, this.xen.irqs.desc(irq).ackType);
  }

  /** A domain going away owes no EOIs. */
  forget(d: Domain): void {
    for (const irq of [...this.inFlight.keys()]) this.pirqGuestEoi(d, irq);
  }

  isInFlight(irq: number): boolean {
    return this.inFlight.has(irq);
  }

  /** `end`: old → unmask at the IO-APIC; new (ACKTYPE_EOI) → the deferred local-APIC EOI. */
  private end(irq: number, ack: string): void {
    if (ack === 'eoi') this.ioapic.lapicEoi(irq);
    else this.ioapic.unmask(irq);
  }

  /** Snapshot: per-IRQ counters and the guests each in-flight IRQ still waits for (JSON-safe). */
  save(): GuestIrqsState {
    return {
      counters: [...this.counters].map(([irq, c]) => [irq, c.count, [...c.perDomain]]),
      inFlight: [...this.inFlight].map(([irq, w]) => [irq, [...w]]),
    };
  }

  restore(s: GuestIrqsState): void {
    this.counters.clear();
    for (const [irq, count, perDomain] of s.counters) this.counters.set(irq, { count, perDomain: new Map(perDomain) });
    this.inFlight.clear();
    for (const [irq, w] of s.inFlight) this.inFlight.set(irq, new Set(w));
  }

  /** shutdown when the last guest unbinds (IRQ_DISABLED): mask the line. */
  shutdown(irq: number): void {
    if (!this.ioapic.masked(irq)) this.ioapic.mask(irq);
  }

  /** startup on the first binding: unmask the line. */
  startup(irq: number): void {
    if (this.ioapic.masked(irq)) this.ioapic.unmask(irq);
  }
}
