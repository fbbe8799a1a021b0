/**
 * An HVM domain's virtual IO-APIC (xen/arch/x86/hvm/vioapic.c, 2007-09 to 4.0): the machine's
 * I/O APIC model (hw/intc/io_apic.ts) owned by Xen per domain with 48 pins (VIOAPIC_NUM_PINS),
 * version 0x11 (no EOI register on x86), at 0xFEC00000 (VIOAPIC_DEFAULT_BASE_ADDRESS, a
 * 0x100-byte window). Its inputs are the domain's GSI wires: a pin is high while
 * gsi_assert_count is non-zero. A level entry delivers when its pin is high, unmasked and not
 * awaiting EOI (Remote IRR), as vioapic_irq_positive_edge and vioapic_write_redirent do; the
 * message goes to the vCPU's virtual local APIC (ioapic_inj_irq → vlapic_set_irq).
 *
 * vioapic_update_EOI (the guest EOI'd a level vector at its vLAPIC): the first entry with that
 * vector (get_eoi_gsi; none → "Can't find redir item for %d EOI") drops Remote IRR, Xen's
 * passthrough code hears of it (`if (vtd_enabled) hvm_dpci_eoi(gsi, ent)`) and, still asserted,
 * the entry delivers again. Simplified: the model's EOI clears Remote IRR on every entry with
 * that vector, not only the first; a guest never gives two entries one vector.
 */
import type { Scope } from '../../../../engine/scope.ts';
import { IOAPIC_DEFAULT_BASE, IoApic, RTE_MASKED, RTE_VECTOR, type ApicMessage, type IoApicState } from '../../../../hw/intc/io_apic.ts';
import { HvmMmioPage } from './mmio-page.ts';
import type { Vlapic } from './vlapic.ts';

export const VIOAPIC_NUM_PINS = 48;
export const VIOAPIC_MEM_LENGTH = 0x100;

/** dest_Fixed and dest_LowestPrio: the delivery modes ioapic_inj_irq takes. */
const FIXED = 0;
const LOWEST_PRIO = 1;

export interface VioapicHooks {
  /** hvm_dpci_eoi for the entry's GSI, with whether the entry is masked. */
  dpciEoi(gsi: number, masked: boolean): void;
  /** gdprintk(XENLOG_WARNING) on the domain's behalf. */
  warn(text: string): void;
}

export class Vioapic extends HvmMmioPage {
  readonly ioapic: IoApic;

  /** `scope` is the domain's "vioapic" scope (d1.vioapic). */
  constructor(
    scope: Scope,
    private readonly vlapic: Vlapic,
    private readonly hooks: VioapicHooks,
  ) {
    const ioapic = new IoApic(scope, { pins: VIOAPIC_NUM_PINS, version: 0x11 });
    super(IOAPIC_DEFAULT_BASE, VIOAPIC_MEM_LENGTH, ioapic);
    this.ioapic = ioapic;
    this.ioapic.sink = (m) => this.deliver(m);
  }

  /** The domain's GSI wire `gsi` (gsi_assert_count going 0 → 1 or back). */
  setIrq(gsi: number, level: boolean): void {
    this.ioapic.setIrq(gsi, level);
  }

  /** vioapic_deliver: fixed and lowest-priority messages to the one vCPU whose vLAPIC matches. */
  private deliver(m: ApicMessage): void {
    if (m.deliveryMode !== FIXED && m.deliveryMode !== LOWEST_PRIO) {
      this.hooks.warn(`Unsupported delivery mode ${m.deliveryMode}`);
      return;
    }
    if (this.vlapic.matchesDest(m.dest, m.logical)) this.vlapic.apic.accept(m.vector, m.level);
  }

  /** vioapic_update_EOI for `vector`. */
  updateEoi(vector: number): void {
    let gsi = -1;
    for (let pin = 0; pin < VIOAPIC_NUM_PINS && gsi < 0; pin++) if ((this.ioapic.lo(pin) & RTE_VECTOR) === vector) gsi = pin;
    if (gsi < 0) {
      this.hooks.warn(`Can't find redir item for ${vector} EOI`);
      return;
    }
    this.hooks.dpciEoi(gsi, (this.ioapic.lo(gsi) & RTE_MASKED) !== 0);
    this.ioapic.eoi(vector, 'vLAPIC EOI');
  }

  save(): IoApicState {
    return this.ioapic.save();
  }

  restore(s: IoApicState): void {
    this.ioapic.restore(s);
  }
}
