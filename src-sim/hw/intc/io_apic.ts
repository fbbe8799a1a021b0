/**
 * I/O APIC (Intel 82093AA datasheet 290566; the ICH-integrated version 0x20 with its EOI
 * register), modelled after QEMU hw/intc/ioapic.c and include/hw/i386/ioapic_internal.h and as
 * Xen's xen/arch/x86/io_apic.c programs it.
 *
 * The MMIO window (IOREGSEL at 0x00, IOWIN at 0x10, EOI at 0x40 on version 0x20) and the
 * indirect registers (ID, VER, ARB, 24 redirection entries) are two RegisterFiles. Each pin is a
 * wire: an edge-triggered entry sends one message per rising edge; a level-triggered entry sends
 * one when the line is high and Remote IRR is clear, sets Remote IRR, and sends again after the
 * EOI for its vector if the line is still high. Masked edges are lost and masked levels wait,
 * as the 82093AA datasheet says. Messages go to an injected sink (the local APICs / Xen).
 * Not modelled: pin polarity (wires carry the asserted/deasserted level, so an active-low PCI
 * line is "high" when asserted), delivery-status timing (messages are accepted at once), and
 * the 82093AA Remote-IRR erratum.
 */
import { checkVersion, defineTrace, type Scope, type TraceSink } from '../../engine/index.ts';
import type { RegionHandler } from '../bus/address-space.ts';
import { RegisterFile, type RegisterDef, type RegisterFileState } from '../regs/register-file.ts';
import type { IrqLine } from './wire.ts';

export const IOAPIC_DEFAULT_BASE = 0xfec00000;
export const IOAPIC_MMIO_SIZE = 0x1000;
export const IOREGSEL = 0x00;
export const IOWIN = 0x10;
export const IOAPIC_EOI = 0x40;

export const IOAPICID = 0x00;
export const IOAPICVER = 0x01;
export const IOAPICARB = 0x02;
export const IOREDTBL = 0x10;

export const RTE_VECTOR = 0xff;
export const RTE_DELIVERY_MODE_SHIFT = 8;
export const RTE_DEST_LOGICAL = 1 << 11;
export const RTE_DELIVERY_STATUS = 1 << 12;
export const RTE_POLARITY_LOW = 1 << 13;
export const RTE_REMOTE_IRR = 1 << 14;
export const RTE_LEVEL = 1 << 15;
export const RTE_MASKED = 1 << 16;
/** Bits software may write in the low dword: all but delivery status and Remote IRR. */
const RTE_LO_WRITABLE = 0x0001afff;

export type IoApicVersion = 0x11 | 0x20;

export interface ApicMessage {
  /** I/O APIC input that sent it. */
  pin: number;
  vector: number;
  /** 0 fixed, 1 lowest priority, 2 SMI, 4 NMI, 5 INIT, 7 ExtINT. */
  deliveryMode: number;
  logical: boolean;
  /** Destination field (bits 63–56). */
  dest: number;
  level: boolean;
}

export type ApicMessageSink = (m: ApicMessage) => void;

export const ioapicDeliverTrace = defineTrace<{ id: string; pin: number; vector: number; dest: number; level: boolean }>(
  'ioapic.deliver',
  (f) => `${f.id} pin ${f.pin} → vector 0x${f.vector.toString(16)} dest ${f.dest} (${f.level ? 'level' : 'edge'})`,
);
export const ioapicEoiTrace = defineTrace<{ id: string; vector: number; pins: string; via: string }>(
  'ioapic.eoi',
  (f) => `${f.id} EOI vector 0x${f.vector.toString(16)} (${f.via}): Remote IRR cleared on ${f.pins || 'no pin'}`,
);
export const ioapicRteTrace = defineTrace<{ id: string; pin: number; lo: number; hi: number }>(
  'ioapic.rte',
  (f) => `${f.id} IOREDTBL[${f.pin}] = 0x${f.hi.toString(16).padStart(8, '0')}_${f.lo.toString(16).padStart(8, '0')}`,
);
export const ioapicAccessTrace = defineTrace<{ id: string; what: string }>('ioapic.unassigned', (f) => `${f.id} access to ${f.what}`);

/** The strapped APIC ID is the reset value of ID and ARB; VER carries the pin count. */
function indirectRegisters(pins: number, version: IoApicVersion, apicId: number): RegisterDef[] {
  const id = (apicId & 0xf) << 24;
  const defs: RegisterDef[] = [
    { name: 'IOAPICID', offset: IOAPICID * 4, size: 4, reset: id, writable: 0x0f000000 },
    { name: 'IOAPICVER', offset: IOAPICVER * 4, size: 4, reset: version | ((pins - 1) << 16) },
    { name: 'IOAPICARB', offset: IOAPICARB * 4, size: 4, reset: id },
  ];
  for (let n = 0; n < pins; n++) {
    defs.push({ name: `IOREDTBL${n}_LO`, offset: (IOREDTBL + 2 * n) * 4, size: 4, reset: RTE_MASKED, writable: RTE_LO_WRITABLE });
    defs.push({ name: `IOREDTBL${n}_HI`, offset: (IOREDTBL + 2 * n + 1) * 4, size: 4, writable: 0xff000000 });
  }
  return defs;
}

function windowRegisters(version: IoApicVersion): RegisterDef[] {
  const defs: RegisterDef[] = [
    { name: 'IOREGSEL', offset: IOREGSEL, size: 4, writable: 0xff },
    { name: 'IOWIN', offset: IOWIN, size: 4, writable: 0xffffffff },
  ];
  if (version === 0x20) defs.push({ name: 'EOI', offset: IOAPIC_EOI, size: 4, writable: 0xff, writeOnly: 0xffffffff });
  return defs;
}

export interface IoApicOptions {
  version?: IoApicVersion;
  apicId?: number;
  pins?: number;
}

export interface IoApicState {
  version: 1;
  window: RegisterFileState;
  regs: RegisterFileState;
  /** Level of each input pin, bit n = pin n. */
  inputs: number;
}

export class IoApic implements RegionHandler {
  readonly pins: number;
  readonly hwVersion: IoApicVersion;
  readonly window: RegisterFile;
  readonly regs: RegisterFile;
  private inputs = 0;
  /** Where interrupt messages go: the local APICs (or Xen's vector handling). */
  sink: ApicMessageSink = () => {};

  private readonly tracer: TraceSink;
  /** The instance name, from the scope: "pc.ioapic", "dom1.vioapic". */
  readonly id: string;

  constructor(scope: Scope, opts: IoApicOptions = {}) {
    this.tracer = scope.tracer;
    this.id = scope.name;
    this.pins = opts.pins ?? 24;
    this.hwVersion = opts.version ?? 0x20;
    this.window = new RegisterFile(IOAPIC_MMIO_SIZE, windowRegisters(this.hwVersion));
    this.regs = new RegisterFile((IOREDTBL + 2 * this.pins) * 4, indirectRegisters(this.pins, this.hwVersion, opts.apicId ?? 0));
    this.window.hooks = {
      onRead: (reg) => {
        if (reg.offset === IOWIN) this.window.setRaw32(IOWIN, this.indirectRead());
      },
      onWrite: (reg, _old, value) => this.windowWritten(reg, value),
      onUnassigned: (offset, size, write) => this.tracer.emit(ioapicAccessTrace, { id: this.id, what: `${write ? 'write' : 'read'} of ${size} at 0x${offset.toString(16)}` }),
    };
  }

  // ---- MMIO (the bus gives offsets) ------------------------------------------------------------

  read(offset: number, size: 1 | 2 | 4): number {
    return this.window.read(offset, size);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.window.write(offset, size, value);
  }

  private get selected(): number {
    return this.window.raw32(IOREGSEL) & 0xff;
  }

  private indirectRead(): number {
    const index = this.selected;
    if (index * 4 >= this.regs.size || !this.regs.registerAt(index * 4)) {
      this.tracer.emit(ioapicAccessTrace, { id: this.id, what: `IOWIN read of unimplemented index 0x${index.toString(16)}` });
      return 0;
    }
    return this.regs.read(index * 4, 4);
  }

  private windowWritten(reg: RegisterDef, value: number): void {
    if (reg.offset === IOWIN) this.indirectWrite(value);
    else if (reg.offset === IOAPIC_EOI) this.eoi(value & 0xff, 'EOI register');
  }

  private indirectWrite(value: number): void {
    const index = this.selected;
    if (index * 4 >= this.regs.size || !this.regs.registerAt(index * 4)) {
      this.tracer.emit(ioapicAccessTrace, { id: this.id, what: `IOWIN write of unimplemented index 0x${index.toString(16)}` });
      return;
    }
    this.regs.write(index * 4, 4, value);
    if (index === IOAPICID) this.regs.setRaw32(IOAPICARB * 4, this.regs.raw32(IOAPICID * 4));
    if (index < IOREDTBL) return;
    const pin = (index - IOREDTBL) >> 1;
    if ((index & 1) === 0) this.entryChanged(pin);
    this.tracer.emit(ioapicRteTrace, { id: this.id, pin, lo: this.lo(pin), hi: this.hi(pin) });
  }

  /**
   * A low-dword write: switching to edge clears Remote IRR (the trick Linux and Xen use on
   * 82093AA-class parts without an EOI register); an unmasked level entry whose line is high
   * and not awaiting EOI delivers now (the masked level "waited").
   */
  private entryChanged(pin: number): void {
    const lo = this.lo(pin);
    if ((lo & RTE_LEVEL) === 0 && lo & RTE_REMOTE_IRR) this.setLo(pin, lo & ~RTE_REMOTE_IRR);
    this.service(pin);
  }

  // ---- redirection entries ---------------------------------------------------------------------

  lo(pin: number): number {
    return this.regs.raw32((IOREDTBL + 2 * pin) * 4);
  }

  hi(pin: number): number {
    return this.regs.raw32((IOREDTBL + 2 * pin + 1) * 4);
  }

  private setLo(pin: number, v: number): void {
    this.regs.setRaw32((IOREDTBL + 2 * pin) * 4, v);
  }

  // ---- inputs and delivery ---------------------------------------------------------------------

  /** Wires input `pin` to a line (GSI = pin for the first I/O APIC). */
  connect(pin: number, line: IrqLine): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= this.pins) throw new RangeError(`I/O APIC ${this.id} has no pin ${pin}`);
    line.connect((level) => this.setIrq(pin, level));
    if (line.level) this.setIrq(pin, true);
  }

  setIrq(pin: number, level: boolean): void {
    const mask = 1 << pin;
    const was = (this.inputs & mask) !== 0;
    this.inputs = level ? this.inputs | mask : this.inputs & ~mask;
    if (!level) return;
    const lo = this.lo(pin);
    if (lo & RTE_LEVEL) this.service(pin);
    else if (!was && (lo & RTE_MASKED) === 0) this.deliver(pin, lo);
  }

  /** A level entry whose line is high, unmasked and not awaiting EOI sends its message. */
  private service(pin: number): void {
    const lo = this.lo(pin);
    if ((lo & RTE_LEVEL) === 0 || lo & (RTE_MASKED | RTE_REMOTE_IRR)) return;
    if ((this.inputs & (1 << pin)) === 0) return;
    this.setLo(pin, lo | RTE_REMOTE_IRR);
    this.deliver(pin, lo);
  }

  private deliver(pin: number, lo: number): void {
    const msg: ApicMessage = {
      pin,
      vector: lo & RTE_VECTOR,
      deliveryMode: (lo >>> RTE_DELIVERY_MODE_SHIFT) & 7,
      logical: (lo & RTE_DEST_LOGICAL) !== 0,
      dest: this.hi(pin) >>> 24,
      level: (lo & RTE_LEVEL) !== 0,
    };
    this.tracer.emit(ioapicDeliverTrace, { id: this.id, pin, vector: msg.vector, dest: msg.dest, level: msg.level });
    this.sink(msg);
  }

  /**
   * End of interrupt for `vector`: the local APIC's EOI broadcast (or, on version 0x20, a write
   * of the EOI register). Every level entry with that vector drops Remote IRR and, if its line is
   * still high, sends again at once.
   */
  eoi(vector: number, via = 'LAPIC broadcast'): void {
    const cleared: number[] = [];
    for (let pin = 0; pin < this.pins; pin++) {
      const lo = this.lo(pin);
      if ((lo & RTE_VECTOR) !== vector || (lo & RTE_REMOTE_IRR) === 0) continue;
      this.setLo(pin, lo & ~RTE_REMOTE_IRR);
      cleared.push(pin);
    }
    this.tracer.emit(ioapicEoiTrace, { id: this.id, vector, pins: cleared.join(','), via });
    for (const pin of cleared) this.service(pin);
  }

  remoteIrr(pin: number): boolean {
    return (this.lo(pin) & RTE_REMOTE_IRR) !== 0;
  }

  reset(): void {
    this.window.reset();
    this.regs.reset();
  }

  // ---- snapshot --------------------------------------------------------------------------------

  save(): IoApicState {
    return { version: 1, window: this.window.save(), regs: this.regs.save(), inputs: this.inputs };
  }

  restore(s: IoApicState): void {
    checkVersion(this.id, s, 1);
    this.window.restore(s.window);
    this.regs.restore(s.regs);
    this.inputs = s.inputs;
  }
}

