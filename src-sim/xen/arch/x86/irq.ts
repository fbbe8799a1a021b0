/**
 * Machine IRQ descriptors as far as guests bind them (xen/arch/x86/irq.c): `pirq_guest_bind`
 * shares a line among at most IRQ_MAX_GUESTS domains when every binder agrees to share, with
 * the ack type `pirq_acktype` gives the line; `pirq_guest_unbind` drops a domain. A line Xen
 * uses itself cannot be bound. Refusals are gdprintk(XENLOG_INFO), hidden by default.
 */
import type { XenConsole } from '../../common/console.ts';
import { EBUSY, EINVAL } from '../../common/errno.ts';

export const IRQ_MAX_GUESTS = 7;
const FILE = 'irq.c';

export type AckType = 'none' | 'unmask' | 'eoi';

export interface IrqDesc {
  irq: number;
  /** The line's handler type: 'IO-APIC-level', 'IO-APIC-edge', 'XT-PIC' … */
  type: string;
  /** A Xen-internal action holds the line (serial console, DMA_MSI …). */
  xenAction?: string;
  guests: number[];
  shareable: boolean;
  ackType: AckType;
  inFlight: number;
}

export class IrqTable {
  private readonly descs = new Map<number, IrqDesc>();

  constructor(
    private readonly con: XenConsole,
    private readonly ackNew: () => boolean,
  ) {}

  desc(irq: number): IrqDesc {
    let d = this.descs.get(irq);
    if (!d) {
      d = { irq, type: irq < 16 ? 'IO-APIC-edge' : 'IO-APIC-level', guests: [], shareable: true, ackType: 'none', inFlight: 0 };
      this.descs.set(irq, d);
    }
    return d;
  }

  /** pirq_acktype. */
  ackTypeOf(type: string): AckType {
    if (type === 'IO-APIC-edge' || type === 'local-APIC-edge') return 'none';
    if (type === 'IO-APIC-level') return this.ackNew() ? 'eoi' : 'unmask';
    return 'unmask';
  }

  /** setup_irq for a handler of Xen's own (`name`, e.g. "ns16550"): 0, or -EBUSY when the line has an action. */
  setupIrq(irq: number, name: string): number {
    if (irq < 0 || irq > 255) return -EINVAL;
    const d = this.desc(irq);
    if (d.xenAction || d.guests.length) return -EBUSY;
    d.xenAction = name;
    return 0;
  }

  /** pirq_guest_bind(v, irq, will_share) for domain `domid`; `current` tags the refusal message. */
  bind(domid: number, irq: number, willShare: boolean, current: number): number {
    if (irq < 0 || irq > 255) return -EINVAL;
    const d = this.desc(irq);
    if (d.xenAction) {
      this.con.gdprintk('info', { file: FILE }, current, `Cannot bind IRQ ${irq} to guest. In use by '${d.xenAction}'.`);
      return -EBUSY;
    }
    if (d.guests.length) {
      if (!willShare || !d.shareable) {
        this.con.gdprintk('info', { file: FILE }, current, `Cannot bind IRQ ${irq} to guest. Will not share with others.`);
        return -EBUSY;
      }
      if (d.guests.length >= IRQ_MAX_GUESTS) {
        this.con.gdprintk('info', { file: FILE }, current, `Cannot bind IRQ ${irq} to guest. Already at max share.`);
        return -EBUSY;
      }
    } else {
      d.shareable = willShare;
      d.ackType = this.ackTypeOf(d.type);
    }
    if (!d.guests.includes(domid)) d.guests.push(domid);
    return 0;
  }

  unbind(domid: number, irq: number): void {
    const d = this.descs.get(irq);
    if (d) d.guests = d.guests.filter((g) => g !== domid);
  }

  bound(): IrqDesc[] {
    return [...this.descs.values()].filter((d) => d.guests.length > 0).sort((a, b) => a.irq - b.irq);
  }

  /** Snapshot: every descriptor touched so far, with its bound guests and ack type. */
  save(): IrqDesc[] {
    return [...this.descs.values()].map((d) => ({ ...d, guests: [...d.guests] }));
  }

  restore(descs: IrqDesc[]): void {
    this.descs.clear();
    for (const d of descs) this.descs.set(d.irq, { ...d, guests: [...d.guests] });
  }
}
