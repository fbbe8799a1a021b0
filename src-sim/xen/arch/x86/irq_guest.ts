/**
 * Machine interrupts of guest-bound IRQs (xen/arch/x86/irq.c __do_IRQ_guest, pirq_guest_eoi,
 * the per-CPU pending-EOI stack, with io_apic.c's ack methods): CPU 0's local APIC lets a vector
 * in, Xen acks it the era's way, and each bound domain gets it — an HVM domain through
 * hvm_do_IRQ_dpci, a PV one (dom0) through its event channel (send_guest_pirq). The line is
 * released (`end`) only when every domain that took it has EOI'd (or timed out).
 *
 * - Edge (ACKTYPE_NONE): the local APIC is EOI'd at once.
 * - `old` (ACKTYPE_UNMASK): mask_and_ack masks the entry at the IO-APIC and EOIs the local APIC
 *   at once; `end` unmasks. Only this one line is held while a guest sits on it.
 * - `new` (ACKTYPE_EOI): the line stays unmasked and the local APIC EOI is deferred: the vector
 *   goes on CPU 0's pending-EOI stack and stays in the local APIC's ISR until every guest is
 *   done, then the ready EOIs are flushed from the top of the stack (only the highest vector in
 *   service can be EOI'd). Meanwhile every vector of its priority class and below waits in the
 *   local APIC's IRR: the "global interrupt problem" of sharing with `new` (xen.md §5.5).
 */
import type { Domain } from '../../common/domain.ts';
import { sendGuestPirq } from '../../common/event_channel.ts';
import { hvmDoIrqDpci } from '../../drivers/passthrough/io.ts';
import type { Xen } from '../../xen.ts';
import type { MachineIoApic } from './io_apic.ts';
import type { GuestIrqHandling, IrqCounters } from './irq_guest-api.ts';

export type { IrqCounters } from './irq_guest-api.ts';

interface PendingEoi {
  vector: number;
  irq: number;
  ready: boolean;
}

export interface GuestIrqsState {
  counters: [irq: number, count: number, perDomain: [domid: number, count: number][]][];
  inFlight: [irq: number, domids: number[]][];
  /** CPU 0's pending-EOI stack, lowest first (absent in snapshots of worlds that never deferred one). */
  pendingEoi?: PendingEoi[];
}

export class GuestIrqs implements GuestIrqHandling {
  readonly counters = new Map<number, IrqCounters>();
  /** Domains each in-flight IRQ is still waiting for. */
  private readonly inFlight = new Map<number, Set<number>>();
  /** CPU 0's pending-EOI stack (ACKTYPE_EOI vectors awaiting their deferred EOI), lowest first. */
  private readonly pendingEoi: PendingEoi[] = [];

  constructor(
    private readonly xen: Xen,
    readonly ioapic: MachineIoApic,
  ) {}

  private counter(irq: number): IrqCounters {
    let c = this.counters.get(irq);
    if (!c) this.counters.set(irq, (c = { count: 0, perDomain: new Map() }));
    return c;
  }

  /** do_IRQ for the vector CPU 0's local APIC just let in. */
  doIrq(vector: number): void {
    const irq = this.ioapic.irqOf(vector);
    if (irq === undefined) return this.ioapic.lapicEoi();
    const desc = this.xen.irqs.desc(irq);
    const c = this.counter(irq);
    c.count++;
    if (!desc.guests.length) {
      // No handler: ack and leave the line masked (Xen's "no_irq_type" path for a stray level IRQ).
      this.ioapic.mask(irq);
      return this.ioapic.lapicEoi();
    }
    const level = this.ioapic.isLevel(irq);
    const ack = level ? desc.ackType : 'none';
    // mask_and_ack: `old` holds the line at the IO-APIC; edge and `old` EOI the local APIC now.
    if (ack === 'unmask') this.ioapic.mask(irq);
    if (ack !== 'eoi') this.ioapic.lapicEoi();
    else this.pendingEoi.push({ vector, irq, ready: false });
    const waiting = new Set<number>();
    for (const domid of desc.guests) {
      const d = this.xen.domain(domid);
      // A dying domain's bindings are about to go (domain_kill unbinds them): it takes nothing new.
      if (!d || d.state === 'dying') continue;
      if (hvmDoIrqDpci(this.xen, d, irq) || sendGuestPirq(d, irq)) {
        if (ack !== 'none') waiting.add(domid);
        c.perDomain.set(domid, (c.perDomain.get(domid) ?? 0) + 1);
      }
    }
    if (ack === 'none') return;
    if (waiting.size) this.inFlight.set(irq, waiting);
    else this.end(irq, ack);
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

  /** `end`: old → unmask at the IO-APIC; new → mark the deferred EOI ready and flush the stack. */
  private end(irq: number, ack: string): void {
    if (ack !== 'eoi') return this.ioapic.unmask(irq);
    const e = this.pendingEoi.find((p) => p.irq === irq && !p.ready);
    if (e) e.ready = true;
    this.flushReadyEoi();
  }

  /** flush_ready_eoi: EOI the local APIC for every ready entry on top of the stack. */
  private flushReadyEoi(): void {
    while (this.pendingEoi.at(-1)?.ready) {
      this.pendingEoi.pop();
      this.ioapic.lapicEoi();
    }
  }

  /** Snapshot: per-IRQ counters and the guests each in-flight IRQ still waits for (JSON-safe). */
  save(): GuestIrqsState {
    return {
      counters: [...this.counters].map(([irq, c]) => [irq, c.count, [...c.perDomain]]),
      inFlight: [...this.inFlight].map(([irq, w]) => [irq, [...w]]),
      pendingEoi: this.pendingEoi.map((e) => ({ ...e })),
    };
  }

  restore(s: GuestIrqsState): void {
    this.counters.clear();
    for (const [irq, count, perDomain] of s.counters) this.counters.set(irq, { count, perDomain: new Map(perDomain) });
    this.inFlight.clear();
    for (const [irq, w] of s.inFlight) this.inFlight.set(irq, new Set(w));
    this.pendingEoi.splice(0, this.pendingEoi.length, ...(s.pendingEoi ?? []).map((e) => ({ ...e })));
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
