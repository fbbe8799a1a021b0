/**
 * The PC's cascaded 8259A pair with the chipset's ELCR (Intel 8259A datasheet 231468; the PIIX/
 * ICH Edge/Level Control Register at 0x4D0/0x4D1), modelled after QEMU hw/intc/i8259.c
 * (pic_get_irq, pic_intack, pic_ioport_write) and as Linux 2.6 (arch/i386/kernel/i8259.c) and
 * Xen 3.x program it: ICW1–ICW4, OCW1–OCW3, IRR/ISR/IMR, fixed and rotating priority,
 * specific and non-specific EOI, automatic EOI, special mask and special fully nested modes,
 * poll mode, cascade of the slave on master IR2, spurious IRQ 7/15.
 *
 * The 8259A is a state machine more than a register file: its ports are declared as data
 * (I8259_PORTS) and its state is named fields; only the ELCR is a RegisterFile. Inputs are
 * wires: edge-triggered inputs latch IRR on a rising edge (a pulse is enough); level inputs
 * (ICW1.LTIM or ELCR) make IRR follow the line, so a line still high after EOI requests again.
 * Not modelled: 8080/8085 call sequences (ICW1.ADI), buffered mode, ICW3 slave-ID checks.
 */
import { checkVersion, defineTrace, type Scope, type TraceSink } from '../../engine/index.ts';
import type { RegionHandler } from '../bus/address-space.ts';
import { RegisterFile, type RegisterFileState } from '../regs/register-file.ts';
import { IrqLine, type IrqPin } from './wire.ts';

/** The pair's I/O regions and what each port offset means (devices.md §3.1). */
export const I8259_PORTS = [
  { region: 'pic1', base: 0x20, length: 2, ports: ['command: ICW1, OCW2, OCW3 / read IRR, ISR or poll', 'data: ICW2–ICW4, OCW1 / read IMR'] },
  { region: 'pic2', base: 0xa0, length: 2, ports: ['command: ICW1, OCW2, OCW3 / read IRR, ISR or poll', 'data: ICW2–ICW4, OCW1 / read IMR'] },
  { region: 'elcr', base: 0x4d0, length: 2, ports: ['ELCR1: IRQ 0–7 edge (0) / level (1)', 'ELCR2: IRQ 8–15 edge (0) / level (1)'] },
] as const;

export type I8259Region = (typeof I8259_PORTS)[number]['region'];

/** IRQ 0, 1, 2, 8 and 13 are always edge (QEMU masks ELCR writes with 0xF8 / 0xDE). */
const ELCR_REGISTERS = [
  { name: 'ELCR1', offset: 0, size: 1 as const, writable: 0xf8 },
  { name: 'ELCR2', offset: 1, size: 1 as const, writable: 0xde },
];

export const i8259IntackTrace = defineTrace<{ chip: string; irq: number; vector: number }>('i8259.intack', (f) => `${f.chip} INTA: IR${f.irq} → vector 0x${f.vector.toString(16)}`);
export const i8259SpuriousTrace = defineTrace<{ chip: string; vector: number }>('i8259.spurious', (f) => `${f.chip} spurious interrupt, vector 0x${f.vector.toString(16)} (ISR untouched)`);
export const i8259EoiTrace = defineTrace<{ chip: string; irq: number; specific: boolean; rotate: boolean }>(
  'i8259.eoi',
  (f) => `${f.chip} ${f.specific ? 'specific' : 'non-specific'} EOI${f.rotate ? ' with rotation' : ''}: IR${f.irq} out of service`,
);
export const i8259InitTrace = defineTrace<{ chip: string; base: number; level: boolean; autoEoi: boolean }>(
  'i8259.init',
  (f) => `${f.chip} initialised: vectors 0x${f.base.toString(16)}–0x${(f.base + 7).toString(16)}${f.level ? ', level (LTIM)' : ''}${f.autoEoi ? ', auto-EOI' : ''}`,
);
export const i8259IntTrace = defineTrace<{ level: boolean }>('i8259.int', (f) => `INT to CPU ${f.level ? 'raised' : 'lowered'}`);

type InitStep = 'ready' | 'icw2' | 'icw3' | 'icw4';

/** One 8259A's state, as named fields (the snapshot is this object). */
export interface PicChipState {
  irr: number;
  isr: number;
  imr: number;
  /** Current level of the eight IR inputs. */
  inputs: number;
  irqBase: number;
  /** IR index that has the lowest priority + 1 (rotation); 0 = IR0 highest. */
  priorityAdd: number;
  readIsr: boolean;
  poll: boolean;
  specialMask: boolean;
  init: InitStep;
  needIcw4: boolean;
  single: boolean;
  ltim: boolean;
  autoEoi: boolean;
  rotateOnAutoEoi: boolean;
  specialFullyNested: boolean;
  icw3: number;
}

export interface I8259State {
  version: 1;
  master: PicChipState;
  slave: PicChipState;
  elcr: RegisterFileState;
}

function freshChip(): PicChipState {
  return {
    irr: 0, isr: 0, imr: 0, inputs: 0, irqBase: 0, priorityAdd: 0, readIsr: false, poll: false, specialMask: false,
    init: 'ready', needIcw4: false, single: false, ltim: false, autoEoi: false, rotateOnAutoEoi: false, specialFullyNested: false, icw3: 0,
  };
}

export class I8259Pair {
  master: PicChipState = freshChip();
  slave: PicChipState = freshChip();
  readonly elcr = new RegisterFile(2, ELCR_REGISTERS);
  /** The master's INT output to the CPU's INTR pin. */
  readonly intr = new IrqLine('i8259.int');
  private readonly intPin: IrqPin = this.intr.pin('i8259.master');
  private readonly handlers: Record<I8259Region, RegionHandler>;

  private readonly tracer: TraceSink;
  /** The instance name, from the scope: "pc.i8259" on the host, "dom1.vpic" for a guest's. */
  readonly id: string;

  constructor(scope: Scope) {
    this.tracer = scope.tracer;
    this.id = scope.name;
    this.handlers = {
      pic1: { read: (off) => this.portRead(this.master, off), write: (off, _s, v) => this.portWrite(this.master, off, v & 0xff) },
      pic2: { read: (off) => this.portRead(this.slave, off), write: (off, _s, v) => this.portWrite(this.slave, off, v & 0xff) },
      elcr: { read: (off, size) => this.elcr.read(off, size), write: (off, size, v) => this.elcrWrite(off, size, v) },
    };
  }

  /** The handler the I/O port decoder maps at I8259_PORTS[region]. */
  region(name: I8259Region): RegionHandler {
    return this.handlers[name];
  }

  /** Wires ISA IRQ `irq` (0–15; not 2, the cascade) to a line. */
  connect(irq: number, line: IrqLine): void {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15 || irq === 2) throw new RangeError(`8259 input ${irq} cannot be wired (0–15, not the cascade IR2)`);
    line.connect((level) => this.setIrq(irq, level));
    if (line.level) this.setIrq(irq, true);
  }

  /** Drives IRQ `irq` (0–7 master, 8–15 slave). */
  setIrq(irq: number, level: boolean): void {
    if (irq < 8) this.setInput(this.master, irq, level, this.elcr.bytes[0]);
    else this.setInput(this.slave, irq - 8, level, this.elcr.bytes[1]);
    this.update();
  }

  private setInput(c: PicChipState, ir: number, level: boolean, elcr: number): void {
    const mask = 1 << ir;
    const levelMode = c.ltim || (elcr & mask) !== 0;
    if (levelMode) c.irr = level ? c.irr | mask : c.irr & ~mask;
    else if (level && (c.inputs & mask) === 0) c.irr |= mask; // rising edge latches
    c.inputs = level ? c.inputs | mask : c.inputs & ~mask;
  }

  private levelMask(c: PicChipState): number {
    if (c.ltim) return 0xff;
    return c === this.master ? this.elcr.bytes[0] : this.elcr.bytes[1];
  }

  // ---- priority resolution ------------------------------------------------------------------

  /** Priority rank (0 highest) of the best bit in `mask`, or 8 if none. */
  private priority(c: PicChipState, mask: number): number {
    if ((mask & 0xff) === 0) return 8;
    let p = 0;
    while ((mask & (1 << ((p + c.priorityAdd) & 7))) === 0) p++;
    return p;
  }

  /** The IR this chip would signal now, or −1 (masked, or not above what is in service). */
  private pending(c: PicChipState): number {
    const p = this.priority(c, c.irr & ~c.imr);
    if (p === 8) return -1;
    let inService = c.isr;
    if (c.specialMask) inService &= ~c.imr;
    if (c === this.master && c.specialFullyNested) inService &= ~(1 << 2);
    return p < this.priority(c, inService) ? (p + c.priorityAdd) & 7 : -1;
  }

  /** Re-evaluates the slave's INT (master IR2) and the master's INT to the CPU. */
  private update(): void {
    const slaveInt = this.pending(this.slave) >= 0;
    this.setInput(this.master, 2, slaveInt, 0);
    const level = this.pending(this.master) >= 0;
    if (level !== this.intPin.level) {
      this.tracer.emit(i8259IntTrace, { level });
      this.intPin.set(level);
    }
  }

  // ---- INTA and EOI -------------------------------------------------------------------------

  /** The CPU's interrupt-acknowledge cycle: returns the vector and moves IRR to ISR. */
  acknowledge(): number {
    const irq = this.pending(this.master);
    let vector: number;
    if (irq < 0) {
      vector = this.master.irqBase + 7;
      this.tracer.emit(i8259SpuriousTrace, { chip: 'master', vector });
    } else if (irq === 2 && !this.master.single) {
      this.ackChip(this.master, 2);
      const irq2 = this.pending(this.slave);
      if (irq2 < 0) {
        // The slave's request vanished: it answers IR7, the master's ISR2 stays set.
        vector = this.slave.irqBase + 7;
        this.tracer.emit(i8259SpuriousTrace, { chip: 'slave', vector });
      } else {
        this.ackChip(this.slave, irq2);
        vector = this.slave.irqBase + irq2;
        this.tracer.emit(i8259IntackTrace, { chip: 'slave', irq: irq2, vector });
      }
    } else {
      this.ackChip(this.master, irq);
      vector = this.master.irqBase + irq;
      this.tracer.emit(i8259IntackTrace, { chip: 'master', irq, vector });
    }
    this.update();
    return vector;
  }

  private ackChip(c: PicChipState, ir: number): void {
    const mask = 1 << ir;
    if (c.autoEoi) {
      if (c.rotateOnAutoEoi) c.priorityAdd = (ir + 1) & 7;
    } else c.isr |= mask;
    // An edge request is consumed; a level request stays while the line is high.
    if ((this.levelMask(c) & mask) === 0) c.irr &= ~mask;
  }

  private eoi(c: PicChipState, cmd: number, level: number): void {
    const chip = c === this.master ? 'master' : 'slave';
    const specific = cmd === 3 || cmd === 7;
    const rotate = cmd === 5 || cmd === 7;
    let ir: number;
    if (specific) ir = level;
    else {
      const p = this.priority(c, c.isr);
      if (p === 8) return; // nothing in service: a non-specific EOI does nothing
      ir = (p + c.priorityAdd) & 7;
    }
    c.isr &= ~(1 << ir);
    if (rotate) c.priorityAdd = (ir + 1) & 7;
    this.tracer.emit(i8259EoiTrace, { chip, irq: c === this.master ? ir : ir + 8, specific, rotate });
  }

  // ---- ports --------------------------------------------------------------------------------

  private portRead(c: PicChipState, offset: number): number {
    if (offset === 1) return c.imr;
    if (c.poll) return this.pollRead(c);
    return c.readIsr ? c.isr : c.irr;
  }

  /** Poll mode (OCW3.P): the read acknowledges the highest request: bit 7 = pending, 2–0 = IR. */
  private pollRead(c: PicChipState): number {
    c.poll = false;
    const ir = this.pending(c);
    if (ir < 0) return 0;
    this.ackChip(c, ir);
    this.update();
    return 0x80 | ir;
  }

  private portWrite(c: PicChipState, offset: number, v: number): void {
    if (offset === 0) {
      if (v & 0x10) this.icw1(c, v);
      else if (v & 0x08) this.ocw3(c, v);
      else this.ocw2(c, v);
    } else this.dataWrite(c, v);
    this.update();
  }

  /** ICW1 restarts initialisation: IMR, ISR, rotation and modes cleared, edge latches reset. */
  private icw1(c: PicChipState, v: number): void {
    Object.assign(c, { isr: 0, imr: 0, priorityAdd: 0, readIsr: false, poll: false, specialMask: false, autoEoi: false, rotateOnAutoEoi: false, specialFullyNested: false });
    c.needIcw4 = (v & 0x01) !== 0;
    c.single = (v & 0x02) !== 0;
    c.ltim = (v & 0x08) !== 0;
    c.irr = c.inputs & this.levelMask(c);
    c.init = 'icw2';
  }

  private dataWrite(c: PicChipState, v: number): void {
    switch (c.init) {
      case 'icw2':
        c.irqBase = v & 0xf8;
        c.init = !c.single ? 'icw3' : c.needIcw4 ? 'icw4' : 'ready';
        break;
      case 'icw3':
        c.icw3 = v;
        c.init = c.needIcw4 ? 'icw4' : 'ready';
        break;
      case 'icw4':
        c.autoEoi = (v & 0x02) !== 0;
        c.specialFullyNested = (v & 0x10) !== 0;
        c.init = 'ready';
        break;
      case 'ready':
        c.imr = v; // OCW1
        return;
    }
    if (c.init === 'ready') this.tracer.emit(i8259InitTrace, { chip: c === this.master ? 'master' : 'slave', base: c.irqBase, level: c.ltim, autoEoi: c.autoEoi });
  }

  /** OCW2: R/SL/EOI in bits 7–5, level in 2–0 (devices.md §3.1). */
  private ocw2(c: PicChipState, v: number): void {
    const cmd = v >>> 5;
    switch (cmd) {
      case 0: // clear rotate in automatic EOI mode
      case 4: // set rotate in automatic EOI mode
        c.rotateOnAutoEoi = cmd === 4;
        break;
      case 1:
      case 3:
      case 5:
      case 7:
        this.eoi(c, cmd, v & 7);
        break;
      case 6: // set priority: IR(v & 7) becomes the lowest
        c.priorityAdd = ((v & 7) + 1) & 7;
        break;
      default: // 2: no operation
        break;
    }
  }

  private ocw3(c: PicChipState, v: number): void {
    if (v & 0x04) c.poll = true;
    if (v & 0x02) c.readIsr = (v & 0x01) !== 0;
    if (v & 0x40) c.specialMask = (v & 0x20) !== 0;
  }

  /** ELCR write: level lines' IRR immediately follows their input. */
  private elcrWrite(offset: number, size: 1 | 2 | 4, v: number): void {
    this.elcr.write(offset, size, v);
    for (const c of [this.master, this.slave]) {
      const lm = this.levelMask(c);
      c.irr = (c.irr & ~lm) | (c.inputs & lm);
    }
    this.update();
  }

  // ---- snapshot -----------------------------------------------------------------------------

  save(): I8259State {
    return { version: 1, master: { ...this.master }, slave: { ...this.slave }, elcr: this.elcr.save() };
  }

  /** Restores the chips; the INT output is recomputed from them. */
  restore(s: I8259State): void {
    checkVersion(this.id, s, 1);
    this.master = { ...s.master };
    this.slave = { ...s.slave };
    this.elcr.restore(s.elcr);
    this.update();
  }
}
