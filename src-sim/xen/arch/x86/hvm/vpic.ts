/**
 * An HVM domain's virtual 8259 pair (xen/arch/x86/hvm/vpic.c): the same 8259A model as the
 * machine's, owned by Xen per domain, reached by the guest's ports 0x20/0x21, 0xA0/0xA1 and the
 * ELCR at 0x4D0/0x4D1. Xen watches the guest's OCW2 writes: a *specific* EOI (command 3 or 7)
 * of an ISA IRQ is where a passthrough interrupt's end is noticed (hvm_dpci_eoi); a
 * non-specific EOI never reaches the passthrough code (xen.md §5.2).
 */
import type { Scope } from '../../../../engine/scope.ts';
import { I8259Pair, I8259_PORTS, type I8259Region } from '../../../../hw/intc/i8259.ts';

export class Vpic {
  readonly pic: I8259Pair;
  /** Called with the ISA IRQ (0-15) the guest specifically EOI'd. */
  onSpecificEoi?: (isaIrq: number) => void;

  /** `scope` is the domain's "vpic" scope (d1.vpic): the 8259 pair takes its name from it. */
  constructor(scope: Scope) {
    this.pic = new I8259Pair(scope);
  }

  /** The region and offset a guest port falls in, if it is one of the vPIC's. */
  private decode(port: number): { region: I8259Region; off: number } | undefined {
    const p = I8259_PORTS.find((r) => port >= r.base && port < r.base + r.length);
    return p ? { region: p.region, off: port - p.base } : undefined;
  }

  claims(port: number): boolean {
    return this.decode(port) !== undefined;
  }

  read(port: number, size: 1 | 2 | 4): number {
    const d = this.decode(port)!;
    return this.pic.region(d.region).read(d.off, size);
  }

  write(port: number, size: 1 | 2 | 4, value: number): void {
    const d = this.decode(port)!;
    this.pic.region(d.region).write(d.off, size, value);
    // OCW2 (A0 = 0, bits 4:3 = 00) with command specific EOI (3) or rotate on specific EOI (7).
    if (d.region !== 'elcr' && d.off === 0 && (value & 0x18) === 0 && ((value >> 5) & 3) === 3) {
      this.onSpecificEoi?.((value & 7) + (d.region === 'pic2' ? 8 : 0));
    }
  }

  /** The interrupt Xen would inject now (INTR high), acknowledged: its vector. */
  acknowledge(): number | undefined {
    return this.pic.intr.level ? this.pic.acknowledge() : undefined;
  }
}
