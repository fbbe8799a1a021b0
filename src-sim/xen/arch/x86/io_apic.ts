/**
 * The machine IO-APIC as Xen drives it (xen/arch/x86/io_apic.c), through its MMIO window only:
 * setup_IO_APIC gives every GSI a vector and a masked redirection entry (ISA IRQs edge/high,
 * PCI GSIs 16+ level/low, destination the boot CPU); an IRQ bound to a handler is unmasked
 * (startup). The acknowledgement method: `ioapic_ack=old` masks a level interrupt at the IO-APIC
 * and EOIs the local APIC at once, unmasking when the handlers are done; `new` (the default)
 * leaves the line unmasked and defers the local APIC EOI until every guest bound to it has
 * EOI'd. 2007's acpi_dmar_init forces `old` whenever remapping units are found.
 *
 * Simplified: the 2007 VT-d variant of `old` rewrites the vector to a fake one instead of
 * setting the mask bit; the effect on the line (held until end) is the same and is modelled
 * with the mask bit.
 */
import type { MmioSpace } from '../../../hw/bus/mmio.ts';
import { IOAPIC_DEFAULT_BASE, IOAPIC_EOI, IOREDTBL, IOREGSEL, IOWIN, RTE_LEVEL, RTE_MASKED, RTE_POLARITY_LOW, RTE_VECTOR } from '../../../hw/intc/io_apic.ts';
import { APIC_DEFAULT_BASE, APIC_EOI } from '../../../hw/intc/local_apic.ts';
import type { XenConsole } from '../../common/console.ts';
import type { XenParam } from '../../common/kernel.ts';

/** assign_irq_vector: dynamic vectors from 0x20, eight apart, so each IRQ has its own priority class slot. */
export const FIRST_DYNAMIC_VECTOR = 0x20;

export class IoApicAck {
  ackNew = true;

  constructor(private readonly con: XenConsole) {}

  /** custom_param("ioapic_ack", setup_ioapic_ack). */
  param(): XenParam {
    return {
      name: 'ioapic_ack',
      kind: 'custom',
      set: (v) => {
        if (v === 'old') this.ackNew = false;
        else if (v === 'new') this.ackNew = true;
        else this.con.printk('warning', `Unknown ioapic_ack value specified: '${String(v)}'`);
      },
    };
  }

  /** setup_IO_APIC's report line. */
  report(): void {
    this.con.printk('warning', ` -> Using ${this.ackNew ? 'new' : 'old'} ACK method`);
  }
}

export class MachineIoApic {
  private readonly vectorToIrq = new Map<number, number>();

  constructor(
    private readonly mmio: MmioSpace,
    readonly pins: number,
    private readonly base = IOAPIC_DEFAULT_BASE,
  ) {}

  vector(irq: number): number {
    return FIRST_DYNAMIC_VECTOR + 8 * irq;
  }

  irqOf(vector: number): number | undefined {
    return this.vectorToIrq.get(vector);
  }

  private readRte(pin: number): number {
    this.mmio.write(this.base + IOREGSEL, 4, IOREDTBL + 2 * pin);
    return this.mmio.read(this.base + IOWIN, 4) >>> 0;
  }

  private writeRte(pin: number, lo: number, hi = 0): void {
    this.mmio.write(this.base + IOREGSEL, 4, IOREDTBL + 2 * pin + 1);
    this.mmio.write(this.base + IOWIN, 4, hi);
    this.mmio.write(this.base + IOREGSEL, 4, IOREDTBL + 2 * pin);
    this.mmio.write(this.base + IOWIN, 4, lo >>> 0);
  }

  /** setup_IO_APIC: every pin masked with its vector; PCI GSIs level, active low. */
  setup(): void {
    for (let pin = 0; pin < this.pins; pin++) {
      const v = this.vector(pin);
      this.vectorToIrq.set(v, pin);
      const pci = pin >= 16;
      this.writeRte(pin, v | RTE_MASKED | (pci ? RTE_LEVEL | RTE_POLARITY_LOW : 0), 0);
    }
  }

  isLevel(irq: number): boolean {
    return (this.readRte(irq) & RTE_LEVEL) !== 0;
  }

  mask(irq: number): void {
    this.writeRte(irq, this.readRte(irq) | RTE_MASKED);
  }

  unmask(irq: number): void {
    this.writeRte(irq, this.readRte(irq) & ~RTE_MASKED);
  }

  masked(irq: number): boolean {
    return (this.readRte(irq) & RTE_MASKED) !== 0;
  }

  /**
   * ack_APIC_irq: a write to the local APIC's EOI register. It retires the highest vector in
   * service — callers keep Xen's nesting order — and, for a level one, the local APIC
   * broadcasts the EOI to the IO-APIC, which clears Remote IRR.
   */
  lapicEoi(): void {
    this.mmio.write(APIC_DEFAULT_BASE + APIC_EOI, 4, 0);
  }

  /** The IO-APIC's own EOI register (version 0x20), as restore_real_IO_APIC_vector uses it. */
  ioapicEoi(irq: number): void {
    this.mmio.write(this.base + IOAPIC_EOI, 4, this.readRte(irq) & RTE_VECTOR);
  }
}
