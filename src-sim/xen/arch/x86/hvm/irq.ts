/** The HVM virtual platform's PCI INTx wiring (xen/include/asm-x86/hvm/irq.h). */

/** hvm_pci_intx_gsi: virtual slot/INTx → guest GSI 16..47 (the vIOAPIC's pins). */
export function hvmPciIntxGsi(dev: number, intx: number): number {
  return (((dev << 2) + (dev >> 3) + intx) & 31) + 16;
}

/** hvm_pci_intx_link: virtual slot/INTx → PIIX3 PCI link 0..3 (the "barber's pole"). */
export function hvmPciIntxLink(dev: number, intx: number): number {
  return (dev + intx) & 3;
}

/** hvm_isa_irq_to_gsi: ISA IRQ 0 is GSI 2 on the vIOAPIC. */
export function hvmIsaIrqToGsi(isaIrq: number): number {
  return isaIrq ? isaIrq : 2;
}

/** The virtual platform's INTx wire state of one domain (struct hvm_irq). */
export class HvmIrq {
  /** Asserted (device, intx) pairs, as device*4+intx. */
  readonly intx = new Set<number>();
  readonly gsiAssertCount = new Array<number>(48).fill(0);
  readonly linkAssertCount = [0, 0, 0, 0];
  /**
   * The GSI wire `gsi` of the virtual IO-APIC went high or low (gsi_assert_count 0 ↔ 1): Xen's
   * vioapic_irq_positive_edge for the device's GSI and for the routed ISA IRQ's pin.
   */
  onGsi?: (gsi: number, level: boolean) => void;

  constructor(
    /** PIIX3 link routes the guest programmed. */
    private readonly route: () => readonly number[],
    /** The ISA IRQ's vPIC input (level). */
    private readonly setIsaIrq: (isaIrq: number, level: boolean) => void,
  ) {}

  /** __hvm_pci_intx_assert: GSI count, link count, the routed ISA IRQ's count and vPIC edge. */
  assert(device: number, intx: number): void {
    const key = device * 4 + intx;
    if (this.intx.has(key)) return;
    this.intx.add(key);
    const gsi = hvmPciIntxGsi(device, intx);
    if (this.gsiAssertCount[gsi]++ === 0) this.onGsi?.(gsi, true);
    const link = hvmPciIntxLink(device, intx);
    const isa = this.route()[link];
    if (this.linkAssertCount[link]++ === 0 && isa && this.gsiAssertCount[isa]++ === 0) {
      this.onGsi?.(isa, true);
      this.setIsaIrq(isa, true);
    }
  }

  /**
   * hvm_set_pci_link_route's fixup: a link asserted while it was routed elsewhere (or nowhere —
   * a passthrough line can fire before hvmloader routes the links) moves its assertion to the
   * new ISA IRQ, so the counts stay true and the guest sees the level where it now looks.
   */
  routeChanged(link: number, oldIsa: number, newIsa: number): void {
    if (this.linkAssertCount[link] === 0 || oldIsa === newIsa) return;
    if (oldIsa && --this.gsiAssertCount[oldIsa] === 0) this.setIsaIrq(oldIsa, false);
    if (newIsa && this.gsiAssertCount[newIsa]++ === 0) this.setIsaIrq(newIsa, true);
  }

  /** __hvm_pci_intx_deassert. */
  deassert(device: number, intx: number): void {
    const key = device * 4 + intx;
    if (!this.intx.delete(key)) return;
    const gsi = hvmPciIntxGsi(device, intx);
    if (--this.gsiAssertCount[gsi] === 0) this.onGsi?.(gsi, false);
    const link = hvmPciIntxLink(device, intx);
    const isa = this.route()[link];
    if (--this.linkAssertCount[link] === 0 && isa && --this.gsiAssertCount[isa] === 0) {
      this.onGsi?.(isa, false);
      this.setIsaIrq(isa, false);
    }
  }
}
