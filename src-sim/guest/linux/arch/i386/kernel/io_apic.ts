/**
 * The FC5 guest kernel's IO-APIC mode (Linux 2.6.16 arch/i386/kernel/apic.c setup_local_APIC,
 * io_apic.c setup_IO_APIC_irqs / assign_irq_vector / io_apic_set_pci_routing, and
 * drivers/acpi/pci_irq.c), reached only through the guest's MMIO:
 *
 * - the local APIC: enabled with spurious vector 0xFF, flat logical mode, CPU 0's logical id 1;
 * - the ISA IRQs from the firmware's tables: each pin gets a vector as assign_irq_vector hands
 *   them out (from FIRST_DEVICE_VECTOR 0x31 in steps of 8, skipping the syscall vector 0x80,
 *   wrapping with an offset below FIRST_SYSTEM_VECTOR 0xEF), edge ISA IRQs unmasked, the level
 *   (PCI-capable) ones masked until a driver wants them;
 * - a PCI device's interrupt from the _PRT: its GSI becomes its IRQ number, level, active low,
 *   logical destination CPU 0, lowest priority ("ACPI: PCI Interrupt … -> GSI 28 (level, low)
 *   -> IRQ 28");
 * - the end of an interrupt: a write to the local APIC's EOI register — before the handler for
 *   an edge IRQ (ack_edge_ioapic_irq), after it for a level one (end_level_ioapic_irq).
 */
import type { GuestMmio, HvmAcpiTables } from '../../../../hvmloader/acpi.ts';
import { KERN_INFO, type KernelLog } from '../../../printk.ts';

const FIRST_DEVICE_VECTOR = 0x31;
const FIRST_SYSTEM_VECTOR = 0xef;
const SYSCALL_VECTOR = 0x80;
const APIC_TASKPRI = 0x80;
const APIC_EOI = 0xb0;
const APIC_LDR = 0xd0;
const APIC_DFR = 0xe0;
const APIC_SPIV = 0xf0;
const IOREGSEL = 0x00;
const IOWIN = 0x10;
const IOREDTBL = 0x10;
const RTE_LOWEST_PRIO = 1 << 8;
const RTE_DEST_LOGICAL = 1 << 11;
const RTE_ACTIVE_LOW = 1 << 13;
const RTE_LEVEL = 1 << 15;
const RTE_MASKED = 1 << 16;
/** cpu_mask_to_apicid(TARGET_CPUS) in flat logical mode: CPU 0. */
const DEST_CPU0 = 0x01;

export interface IoApicIrq {
  irq: number;
  vector: number;
  level: boolean;
}

export class GuestIoApic {
  private currentVector = FIRST_DEVICE_VECTOR;
  private offset = 0;
  private readonly byVector = new Map<number, IoApicIrq>();
  private readonly byIrq = new Map<number, IoApicIrq>();

  constructor(
    private readonly mmio: GuestMmio,
    private readonly tables: HvmAcpiTables,
    private readonly log: KernelLog,
  ) {}

  /** setup_local_APIC + setup_IO_APIC: the LAPIC on, every ISA IRQ given its pin and vector. */
  setup(): void {
    const lapic = this.tables.lapicAddress;
    this.mmio.memWrite(lapic + APIC_DFR, 4, 0xffffffff);
    this.mmio.memWrite(lapic + APIC_LDR, 4, DEST_CPU0 << 24);
    this.mmio.memWrite(lapic + APIC_TASKPRI, 4, 0);
    this.mmio.memWrite(lapic + APIC_SPIV, 4, 0x100 | 0xff);
    this.log.printk(KERN_INFO, 'ENABLING IO-APIC IRQs');
    // setup_IO_APIC_irqs walks the pins in order; each finds its ISA IRQ in the tables.
    for (const r of [...this.tables.isa].sort((a, b) => a.gsi - b.gsi)) this.route(r.irq, r.gsi, r.level, r.activeLow, r.level);
    const timer = this.byIrq.get(0);
    if (timer) this.log.printk(KERN_INFO, `..TIMER: vector=0x${timer.vector.toString(16).toUpperCase()} apic1=0 pin1=${this.pinOf(0)} apic2=-1 pin2=-1`);
  }

  private pinOf(irq: number): number {
    return this.tables.isa.find((r) => r.irq === irq)?.gsi ?? irq;
  }

  /** assign_irq_vector. */
  private assignVector(): number {
    do {
      this.currentVector += 8;
      if (this.currentVector >= FIRST_SYSTEM_VECTOR) {
        this.offset = (this.offset + 1) % 8;
        this.currentVector = FIRST_DEVICE_VECTOR + this.offset;
      }
    } while (this.currentVector === SYSCALL_VECTOR);
    return this.currentVector;
  }

  /** One redirection entry: IRQ `irq` on pin `gsi`, with a fresh vector. */
  private route(irq: number, gsi: number, level: boolean, activeLow: boolean, masked: boolean): IoApicIrq {
    const e: IoApicIrq = { irq, vector: this.assignVector(), level };
    this.byVector.set(e.vector, e);
    this.byIrq.set(irq, e);
    const lo = e.vector | RTE_LOWEST_PRIO | RTE_DEST_LOGICAL | (activeLow ? RTE_ACTIVE_LOW : 0) | (level ? RTE_LEVEL : 0) | (masked ? RTE_MASKED : 0);
    this.writeRte(gsi, lo, DEST_CPU0 << 24);
    return e;
  }

  private writeRte(pin: number, lo: number, hi: number): void {
    const base = this.tables.ioapic.address;
    this.mmio.memWrite(base + IOREGSEL, 4, IOREDTBL + 2 * pin + 1);
    this.mmio.memWrite(base + IOWIN, 4, hi);
    this.mmio.memWrite(base + IOREGSEL, 4, IOREDTBL + 2 * pin);
    this.mmio.memWrite(base + IOWIN, 4, lo >>> 0);
  }

  /**
   * acpi_pci_irq_enable for device `slot`, interrupt pin `pin` (1 = INTA): the _PRT's GSI, routed
   * level/low and unmasked. Returns the IRQ (the GSI), or undefined when the _PRT has no entry.
   */
  enablePciIrq(bdf: string, slot: number, pin: number): number | undefined {
    const prt = this.tables.prt.find((p) => p.slot === slot && p.pin === pin - 1);
    if (!prt) return undefined;
    const gsi = prt.gsi - this.tables.ioapic.gsiBase;
    this.log.printk(KERN_INFO, `ACPI: PCI Interrupt ${bdf}[${String.fromCharCode(64 + pin)}] -> GSI ${prt.gsi} (level, low) -> IRQ ${gsi}`);
    this.route(gsi, gsi, true, true, false);
    return gsi;
  }

  /** The routing of Linux IRQ `irq`, if the kernel set one up. */
  irqByNumber(irq: number): IoApicIrq | undefined {
    return this.byIrq.get(irq);
  }

  /** The IRQ a vector was given, if any. */
  irqOf(vector: number): IoApicIrq | undefined {
    return this.byVector.get(vector);
  }

  /** ack_APIC_irq: a write to the local APIC's EOI register. */
  ackApicIrq(): void {
    this.mmio.memWrite(this.tables.lapicAddress + APIC_EOI, 4, 0);
  }
}
