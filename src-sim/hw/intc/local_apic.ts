/**
 * A local APIC's interrupt acceptance (Intel SDM vol. 3 ch. 10, "Interrupt Handling" and
 * "Task and Processor Priorities"), the part device interrupts meet: a fixed interrupt message
 * sets its vector's IRR bit (and its TMR bit when level-triggered); the CPU is interrupted only
 * by the highest IRR vector whose priority class (vector bits 7:4) is above the processor
 * priority PPR — the higher of TPR and the highest in-service (ISR) class; the CPU's
 * acknowledge moves that vector from IRR to ISR; a write to EOI retires the highest ISR vector
 * and, if its TMR bit is set, broadcasts the EOI to the I/O APICs (which clear Remote IRR).
 * So an interrupt left in service blocks every vector of its own class and below: this is
 * what makes Xen's deferred EOI (`ioapic_ack=new`) hold more than the one line.
 *
 * The same model serves the machine's CPU 0 (Xen's) and, wrapped by hvm/vlapic.ts, an HVM
 * guest's virtual local APIC, as QEMU's hw/intc/apic.c serves both. Registers are data; ISR,
 * TMR and IRR are eight 32-bit rows each at 16-byte strides. Held but not acted on (traced
 * when touched): SVR (its software-enable bit), LVT0/LVT1 (virtual-wire mode). LDR/DFR are
 * held for logical destinations. Not modelled: the timer, IPIs (ICR), error status, x2APIC.
 */
import { checkVersion, defineTrace, type Scope, type TraceSink } from '../../engine/index.ts';
import type { RegionHandler } from '../bus/address-space.ts';
import { RegisterFile, type RegisterDef, type RegisterFileState } from '../regs/register-file.ts';
import { IrqLine, type IrqPin } from './wire.ts';

export const APIC_DEFAULT_BASE = 0xfee00000;
export const APIC_MMIO_SIZE = 0x1000;
export const APIC_ID = 0x20;
export const APIC_LVR = 0x30;
export const APIC_TASKPRI = 0x80;
export const APIC_PROCPRI = 0xa0;
export const APIC_EOI = 0xb0;
export const APIC_LDR = 0xd0;
export const APIC_DFR = 0xe0;
export const APIC_SPIV = 0xf0;
export const APIC_ISR = 0x100;
export const APIC_LVT0 = 0x350;
export const APIC_LVT1 = 0x360;
export const APIC_TMR = 0x180;
export const APIC_IRR = 0x200;
/** Version 0x14 (integrated APIC), six LVT entries: what Xen's vlapic and Core 2 report. */
const APIC_VERSION = 0x00050014;

export const lapicAcceptTrace = defineTrace<{ id: string; vector: number; level: boolean; blocked: boolean }>(
  'lapic.accept',
  (f) => `${f.id} accepts vector 0x${f.vector.toString(16)} (${f.level ? 'level' : 'edge'})${f.blocked ? ', held in IRR: priority at or below an interrupt in service' : ''}`,
);
export const lapicAccessTrace = defineTrace<{ id: string; what: string }>('lapic.unmodelled', (f) => `${f.id} access to ${f.what}`);
export const lapicEoiTrace = defineTrace<{ id: string; vector: number; broadcast: boolean }>(
  'lapic.eoi',
  (f) => (f.vector < 0 ? `${f.id} EOI with nothing in service` : `${f.id} EOI: vector 0x${f.vector.toString(16)} out of service${f.broadcast ? ', EOI broadcast to the I/O APICs' : ''}`),
);

function vectorRows(name: string, base: number): RegisterDef[] {
  return Array.from({ length: 8 }, (_, i) => ({ name: `${name}${i}`, offset: base + 0x10 * i, size: 4 as const }));
}

function apicRegisters(apicId: number): RegisterDef[] {
  return [
    { name: 'ID', offset: APIC_ID, size: 4, reset: (apicId & 0xff) << 24, writable: 0xff000000 },
    { name: 'LVR', offset: APIC_LVR, size: 4, reset: APIC_VERSION },
    { name: 'TPR', offset: APIC_TASKPRI, size: 4, writable: 0xff, onWrite: 'priority' },
    { name: 'PPR', offset: APIC_PROCPRI, size: 4, onRead: 'ppr' },
    { name: 'EOI', offset: APIC_EOI, size: 4, writable: 0xffffffff, writeOnly: 0xffffffff, onWrite: 'eoi' },
    { name: 'LDR', offset: APIC_LDR, size: 4, writable: 0xff000000 },
    { name: 'DFR', offset: APIC_DFR, size: 4, reset: 0xffffffff, writable: 0xf0000000 },
    { name: 'SVR', offset: APIC_SPIV, size: 4, reset: 0xff, writable: 0x1ff, fidelity: 'partial' },
    { name: 'LVT0', offset: APIC_LVT0, size: 4, reset: 0x10000, writable: 0x1a7ff, fidelity: 'partial' },
    { name: 'LVT1', offset: APIC_LVT1, size: 4, reset: 0x10000, writable: 0x1a7ff, fidelity: 'partial' },
    ...vectorRows('ISR', APIC_ISR),
    ...vectorRows('TMR', APIC_TMR),
    ...vectorRows('IRR', APIC_IRR),
  ];
}

export interface LocalApicState {
  version: 1;
  regs: RegisterFileState;
}

export class LocalApic implements RegionHandler {
  readonly regs: RegisterFile;
  /** The INTR input of the CPU: high while a vector is deliverable. */
  readonly intr: IrqLine;
  private readonly intPin: IrqPin;
  /** The EOI broadcast of a level-triggered vector (to the I/O APICs, or to Xen's vIOAPIC). */
  onLevelEoi: (vector: number) => void = () => {};
  private readonly tracer: TraceSink;
  /** The instance name, from the scope: "lapic0", "d1.vlapic". */
  readonly id: string;

  constructor(scope: Scope, apicId = 0) {
    this.tracer = scope.tracer;
    this.id = scope.name;
    this.intr = new IrqLine(`${scope.name}.intr`);
    this.intPin = this.intr.pin(scope.name);
    this.regs = new RegisterFile(APIC_MMIO_SIZE, apicRegisters(apicId));
    this.regs.hooks = {
      onUnassigned: (offset, size, write, reg) =>
        this.tracer.emit(lapicAccessTrace, { id: this.id, what: `${write ? 'write' : 'read'} of ${size} at 0x${offset.toString(16)}${reg ? ` (${reg.name}, held but not acted on)` : ''}` }),
    };
    this.regs.bindHooks({
      write: { priority: () => this.update(), eoi: () => this.eoi() },
      read: { ppr: () => this.regs.set('PPR', this.ppr()) },
    });
  }

  // ---- MMIO (the bus gives offsets) ------------------------------------------------------------

  read(offset: number, size: 1 | 2 | 4): number {
    return this.regs.read(offset, size);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.regs.write(offset, size, value);
  }

  // ---- the 256-bit vector rows -------------------------------------------------------------------

  private bit(base: number, vector: number): boolean {
    return ((this.regs.raw32(base + 0x10 * (vector >>> 5)) >>> (vector & 31)) & 1) === 1;
  }

  private setBit(base: number, vector: number, on: boolean): void {
    const off = base + 0x10 * (vector >>> 5);
    const m = 1 << (vector & 31);
    const v = this.regs.raw32(off);
    this.regs.setRaw32(off, on ? v | m : v & ~m);
  }

  /** The highest vector set in a row group, or -1. */
  private highest(base: number): number {
    for (let i = 7; i >= 0; i--) {
      const v = this.regs.raw32(base + 0x10 * i);
      if (v) return 32 * i + 31 - Math.clz32(v);
    }
    return -1;
  }

  inService(vector: number): boolean {
    return this.bit(APIC_ISR, vector);
  }

  requested(vector: number): boolean {
    return this.bit(APIC_IRR, vector);
  }

  /** PPR: TPR if its class is at least the highest in-service class, else that class. */
  ppr(): number {
    const tpr = this.regs.get('TPR') & 0xff;
    const isrv = Math.max(0, this.highest(APIC_ISR));
    return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
  }

  /** The vector the CPU would be interrupted with now, or -1. */
  deliverable(): number {
    const v = this.highest(APIC_IRR);
    return v >= 0 && (v & 0xf0) > (this.ppr() & 0xf0) ? v : -1;
  }

  // ---- acceptance, acknowledge, EOI ------------------------------------------------------------

  /** A fixed interrupt message for `vector` (from an I/O APIC, an MSI, a VT-d fault event). */
  accept(vector: number, level: boolean): void {
    this.setBit(APIC_IRR, vector, true);
    this.setBit(APIC_TMR, vector, level);
    this.update();
    if (this.tracer.active) this.tracer.emit(lapicAcceptTrace, { id: this.id, vector, level, blocked: this.deliverable() !== vector && (vector & 0xf0) <= (this.ppr() & 0xf0) });
  }

  /** The CPU's interrupt acknowledge: the deliverable vector moves from IRR to ISR. */
  acknowledge(): number | undefined {
    const v = this.deliverable();
    if (v < 0) return undefined;
    this.setBit(APIC_IRR, v, false);
    this.setBit(APIC_ISR, v, true);
    this.update();
    return v;
  }

  /** A write to EOI: the highest in-service vector retires; a level one is broadcast. */
  private eoi(): void {
    const v = this.highest(APIC_ISR);
    const broadcast = v >= 0 && this.bit(APIC_TMR, v);
    if (v >= 0) this.setBit(APIC_ISR, v, false);
    this.tracer.emit(lapicEoiTrace, { id: this.id, vector: v, broadcast });
    if (broadcast) this.onLevelEoi(v);
    this.update();
  }

  private update(): void {
    this.intPin.set(this.deliverable() >= 0);
  }

  reset(): void {
    this.regs.reset();
    this.update();
  }

  // ---- snapshot ----------------------------------------------------------------------------------

  save(): LocalApicState {
    return { version: 1, regs: this.regs.save() };
  }

  /** Restores the registers; INTR is recomputed from IRR, ISR and TPR. */
  restore(s: LocalApicState): void {
    checkVersion(this.id, s, 1);
    this.regs.restore(s.regs);
    this.update();
  }
}
