/**
 * What hvmloader tells an IO-APIC-mode guest about interrupt routing (tools/firmware/hvmloader:
 * hvmloader.c apic_setup, acpi/build.c's MADT, acpi/dsdt.asl's _PRT, mp_tables.c; 2007-09 to
 * 3.4): one IO-APIC (IOAPIC_ID 1 at 0xFEC00000, GSI base 0), each vCPU's local APIC at
 * 0xFEE00000 with id 2 × vcpu, the ISA IRQs identity-mapped except IRQ 0 → GSI 2, the
 * PCI-capable ISA IRQs (PCI_ISA_IRQ_MASK 0x0c20: 5, 10, 11) level-triggered active-low, and the
 * DSDT's APIC-mode _PRT: slot/pin → GSI by hvm_pci_intx_gsi's formula, which Xen's vIOAPIC
 * wiring uses too (so slot 3 INTA is GSI 28).
 *
 * Simplified: the guest kernel is handed these tables as data (what its ACPI parser would have
 * made of the MADT and _PRT), not as bytes at ACPI_PHYSICAL_ADDRESS; the MP table (built too
 * when `apic = 1`) carries the same facts and is not modelled separately.
 */
import type { GuestPorts } from './hvmloader.ts';

export const IOAPIC_BASE_ADDRESS = 0xfec00000;
export const IOAPIC_ID = 0x01;
export const LAPIC_BASE_ADDRESS = 0xfee00000;
const PCI_ISA_IRQ_MASK = 0x0c20;
const APIC_SPIV = 0xf0;
const APIC_LVT0 = 0x350;
const APIC_LVT1 = 0x360;
const APIC_SPIV_APIC_ENABLED = 0x100;
const APIC_MODE_EXTINT = 7;
const APIC_MODE_NMI = 4;

export interface GuestMmio {
  memRead(gpa: number, size: 1 | 2 | 4): number;
  memWrite(gpa: number, size: 1 | 2 | 4, value: number): void;
}

/** A MADT interrupt source override / MP I/O interrupt entry for an ISA IRQ. */
export interface IsaIrqRoute {
  irq: number;
  gsi: number;
  level: boolean;
  activeLow: boolean;
}

/** One _PRT row of the DSDT in APIC mode. */
export interface PrtEntry {
  slot: number;
  /** 0 = INTA … 3 = INTD, as _PRT numbers pins. */
  pin: number;
  gsi: number;
}

export interface HvmAcpiTables {
  ioapic: { id: number; address: number; gsiBase: number };
  lapicAddress: number;
  isa: IsaIrqRoute[];
  prt: PrtEntry[];
}

/** apic_setup: the IOAPIC ID register as the tables name it; the vCPU's LAPIC in virtual-wire mode. */
export function hvmloaderApicSetup(mmio: GuestMmio): void {
  mmio.memWrite(IOAPIC_BASE_ADDRESS, 4, 0x00);
  mmio.memWrite(IOAPIC_BASE_ADDRESS + 0x10, 4, IOAPIC_ID);
  mmio.memWrite(LAPIC_BASE_ADDRESS + APIC_SPIV, 4, APIC_SPIV_APIC_ENABLED | 0xff);
  mmio.memWrite(LAPIC_BASE_ADDRESS + APIC_LVT0, 4, APIC_MODE_EXTINT << 8);
  mmio.memWrite(LAPIC_BASE_ADDRESS + APIC_LVT1, 4, APIC_MODE_NMI << 8);
}

/**
 * create_mp_tables (apic = 1) and acpi_build_tables with the static DSDT (acpi = 1): the routing
 * an IO-APIC-mode guest finds. Prints "Loading ACPI ..." as hvmloader does when it builds ACPI.
 */
export function hvmloaderInterruptTables(ports: GuestPorts, acpi: boolean): HvmAcpiTables {
  if (acpi) for (const c of 'Loading ACPI ...\n') ports.portWrite(0xe9, 1, c.charCodeAt(0));
  const isa: IsaIrqRoute[] = [];
  for (let irq = 0; irq < 16; irq++) {
    // IRQ 2 is the 8259 cascade: no pin of its own (IRQ 0 is overridden onto GSI 2).
    if (irq === 2) continue;
    const pci = (PCI_ISA_IRQ_MASK & (1 << irq)) !== 0;
    isa.push({ irq, gsi: irq === 0 ? 2 : irq, level: pci, activeLow: pci });
  }
  const prt: PrtEntry[] = [];
  for (let slot = 1; slot < 32; slot++) for (let pin = 0; pin < 4; pin++) prt.push({ slot, pin, gsi: (((slot << 2) + (slot >> 3) + pin) & 31) + 16 });
  return { ioapic: { id: IOAPIC_ID, address: IOAPIC_BASE_ADDRESS, gsiBase: 0 }, lapicAddress: LAPIC_BASE_ADDRESS, isa, prt };
}
