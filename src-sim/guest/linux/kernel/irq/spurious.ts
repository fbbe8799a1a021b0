/**
 * note_interrupt (Linux 2.6.18 kernel/irq/spurious.c): a level line nobody's handler claims (a
 * stale assertion no EOI can end, a device whose driver is gone) would storm forever. Linux
 * counts every interrupt per IRQ and, when more than 99,900 of a window of 100,000 went
 * unhandled, says "nobody cared" and disables the line. One per kernel: the HVM guest's i8259
 * path and dom0's physical IRQs on event channels both report through it.
 */
import { KERN_ERR, type KernelLog } from '../../printk.ts';

export const NOTE_WINDOW = 100_000;
export const NOTE_UNHANDLED_LIMIT = 99_900;

/** A line's window (irq_desc's irq_count, irqs_unhandled) and whether it was disabled, as saved. */
export type SpuriousState = [irq: number, count: number, unhandled: number, disabled: boolean][];

export class SpuriousIrqs {
  /** Only lines that ever went unhandled: a line always handled costs nothing here. */
  private readonly lines = new Map<number, { count: number; unhandled: number; disabled: boolean }>();

  constructor(private readonly log: KernelLog) {}

  /** Counts one interrupt on `irq`; returns whether the line stays enabled. */
  note(irq: number, handled: boolean): boolean {
    let u = this.lines.get(irq);
    if (!u && handled) return true;
    if (!u) this.lines.set(irq, (u = { count: 0, unhandled: 0, disabled: false }));
    if (!handled) u.unhandled++;
    if (++u.count < NOTE_WINDOW) return !u.disabled;
    u.count = 0;
    if (u.unhandled > NOTE_UNHANDLED_LIMIT) {
      this.log.printk(KERN_ERR, `irq ${irq}: nobody cared (try booting with the "irqpoll" option)`);
      this.log.printk(KERN_ERR, `Disabling IRQ #${irq}`);
      u.disabled = true;
    }
    u.unhandled = 0;
    return !u.disabled;
  }

  disabled(irq: number): boolean {
    return this.lines.get(irq)?.disabled ?? false;
  }

  /** Undefined while no line ever went unhandled (snapshots then carry nothing for it). */
  save(): SpuriousState | undefined {
    return this.lines.size ? [...this.lines].map(([irq, u]) => [irq, u.count, u.unhandled, u.disabled]) : undefined;
  }

  restore(s: SpuriousState | undefined): void {
    this.lines.clear();
    for (const [irq, count, unhandled, disabled] of s ?? []) this.lines.set(irq, { count, unhandled, disabled });
  }
}
