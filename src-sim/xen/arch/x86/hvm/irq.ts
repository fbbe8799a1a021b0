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
