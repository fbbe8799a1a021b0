/**
 * An HVM guest's virtual local APIC (xen/arch/x86/hvm/vlapic.c), as far as device interrupts
 * need it: the machine's local APIC model (hw/intc/local_apic.ts) owned by Xen per vCPU, reached
 * by the guest's MMIO page at 0xFEE00000. The vIOAPIC sets vectors in its IRR
 * (vlapic_set_irq); vmx_intr_assist acknowledges the deliverable one and injects it; the guest's
 * write to EOI retires it, and for a level-triggered vector Xen calls vioapic_update_EOI
 * (vlapic_EOI_set) — where a passthrough interrupt's end is noticed in IO-APIC mode.
 *
 * One vCPU (the FC5 guest has `vcpus = 1`): its APIC id is 0.
 */
import type { Scope } from '../../../../engine/scope.ts';
import { APIC_DEFAULT_BASE, APIC_LDR, APIC_MMIO_SIZE, LocalApic } from '../../../../hw/intc/local_apic.ts';
import { HvmMmioPage } from './mmio-page.ts';

export class Vlapic extends HvmMmioPage {
  readonly apic: LocalApic;

  /** `scope` is the vCPU's "vlapic" scope (d1.vlapic): the local APIC takes its name from it. */
  constructor(scope: Scope) {
    const apic = new LocalApic(scope, 0);
    super(APIC_DEFAULT_BASE, APIC_MMIO_SIZE, apic);
    this.apic = apic;
  }

  /** Called with a level-triggered vector the guest EOI'd (vlapic_EOI_set → vioapic_update_EOI). */
  set onLevelEoi(f: (vector: number) => void) {
    this.apic.onLevelEoi = f;
  }

  /** vlapic_match_dest for an I/O APIC message: physical id 0 or broadcast, or logical flat LDR. */
  matchesDest(dest: number, logical: boolean): boolean {
    if (!logical) return dest === 0xff || dest === this.apic.regs.get('ID') >>> 24;
    return (dest & (this.apic.read(APIC_LDR, 4) >>> 24)) !== 0;
  }

  /** The vector Xen injects now (the highest deliverable), acknowledged. */
  acknowledge(): number | undefined {
    return this.apic.acknowledge();
  }

  save(): ReturnType<LocalApic['save']> {
    return this.apic.save();
  }

  restore(s: ReturnType<LocalApic['save']>): void {
    this.apic.restore(s);
  }
}
