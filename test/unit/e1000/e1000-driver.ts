/**
 * The one test driver for the E1000 (what a guest's e1000/e1000e driver does, in Linux's
 * order): it touches the NIC only through 32-bit BAR0 accesses and the memory its DMA
 * addresses name — reset, EEPROM MAC through EERD, rings, RCTL/TCTL, IMS, TDT/RDT doorbells,
 * cleaning RX. The bench-top rig (a NIC on its own) and the seed PC scenarios (the NIC behind
 * VT-d, addresses translated) both drive the device with it.
 */
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';

/** Memory as the driver sees it: the addresses it gives the NIC (guest-physical). */
export interface DriverMemory {
  readU8(addr: number): number;
  readU32(addr: number): number;
  readU64(addr: number): number;
  writeU32(addr: number, v: number): void;
  writeU64(addr: number, v: number): void;
  write(addr: number, bytes: Uint8Array): void;
}

/** BAR0 as the driver's readl/writel reach it. */
export interface DriverRegisters {
  rd(offset: number): number;
  wr(offset: number, value: number): void;
}

export const RX_RING = 0x10000;
export const TX_RING = 0x20000;
export const RX_BUFS = 0x100000;
export const TX_BUFS = 0x200000;
export const BUF_SIZE = 2048;

/** Linux's next_to_use / next_to_clean and ring sizes. */
export interface DriverState {
  rxCount: number;
  txCount: number;
  txNext: number;
  txClean: number;
  rxClean: number;
}

export class E1000Driver {
  state: DriverState = { rxCount: 0, txCount: 0, txNext: 0, txClean: 0, rxClean: 0 };

  constructor(
    private readonly regs: DriverRegisters,
    private readonly mem: DriverMemory,
  ) {}

  /** e1000_reset_hw: mask everything, stop RX/TX, CTRL.RST, mask again, clear ICR. */
  resetHw(): void {
    const { rd, wr } = this.io();
    wr(R.IMC, 0xffffffff);
    wr(R.RCTL, 0);
    wr(R.TCTL, R.TCTL_PSP);
    wr(R.CTRL, rd(R.CTRL) | R.CTRL_RST);
    wr(R.IMC, 0xffffffff);
    rd(R.ICR);
  }

  eepromWord(word: number): number {
    const { rd, wr } = this.io();
    wr(R.EERD, (word << R.EERD_ADDR_SHIFT) | R.EERD_START);
    const v = rd(R.EERD);
    if ((v & R.EERD_DONE) === 0) throw new Error('EERD not done');
    return v >>> R.EERD_DATA_SHIFT;
  }

  readMac(): string {
    const bytes: number[] = [];
    for (let w = 0; w < 3; w++) {
      const v = this.eepromWord(w);
      bytes.push(v & 0xff, v >>> 8);
    }
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  /** e1000_configure_rx: ring of `count` descriptors (a multiple of 8), all but one given to hardware. */
  setupRx(count: number, rctlExtra = 0, rxBufs = RX_BUFS): void {
    const { wr } = this.io();
    this.state.rxCount = count;
    for (let i = 0; i < count; i++) {
      this.mem.writeU64(RX_RING + 16 * i, rxBufs + BUF_SIZE * i);
      this.mem.writeU64(RX_RING + 16 * i + 8, 0);
    }
    wr(R.RDBAL, RX_RING);
    wr(R.RDBAH, 0);
    wr(R.RDLEN, count * 16);
    wr(R.RDH, 0);
    wr(R.RDT, 0);
    wr(R.RCTL, R.RCTL_EN | R.RCTL_BAM | R.RCTL_SECRC | rctlExtra);
    wr(R.RDT, count - 1);
  }

  /** e1000_configure_tx. */
  setupTx(count: number): void {
    const { wr } = this.io();
    this.state.txCount = count;
    wr(R.TDBAL, TX_RING);
    wr(R.TDBAH, 0);
    wr(R.TDLEN, count * 16);
    wr(R.TDH, 0);
    wr(R.TDT, 0);
    wr(R.TCTL, R.TCTL_EN | R.TCTL_PSP | (0x0f << R.TCTL_CT_SHIFT) | (0x3f << R.TCTL_COLD_SHIFT));
  }

  /** e1000_up: reset, rings, and the interrupts a NAPI driver takes (RX timer, TX written back). */
  bringUp(rx: number, tx: number, rxBufs = RX_BUFS): void {
    if (rx % 8 || tx % 8) throw new Error('e1000 rings are multiples of 8 descriptors');
    this.resetHw();
    this.setupRx(rx, 0, rxBufs);
    this.setupTx(tx);
    this.io().wr(R.IMS, R.ICR_RXT0 | R.ICR_TXDW);
  }

  /** Queues one frame in one descriptor (EOP|IFCS|RS) without ringing the doorbell. */
  post(frame: Uint8Array, cmdExtra = 0): void {
    const i = this.state.txNext;
    const buf = TX_BUFS + BUF_SIZE * i;
    this.mem.write(buf, frame);
    this.mem.writeU64(TX_RING + 16 * i, buf);
    const cmd = R.TXD_CMD_EOP | R.TXD_CMD_IFCS | R.TXD_CMD_RS | cmdExtra;
    this.mem.writeU32(TX_RING + 16 * i + 8, frame.length | (cmd << 24));
    this.mem.writeU32(TX_RING + 16 * i + 12, 0);
    this.state.txNext = (i + 1) % this.state.txCount;
  }

  doorbell(): void {
    this.io().wr(R.TDT, this.state.txNext);
  }

  send(frame: Uint8Array): void {
    this.post(frame);
    this.doorbell();
  }

  txDone(i: number): boolean {
    return (this.mem.readU8(TX_RING + 16 * i + 12) & R.TXD_STA_DD) !== 0;
  }

  /** RX descriptor i as written back: buffer address, length, status. */
  rxDesc(i: number): { addr: number; length: number; status: number } {
    const lo = this.mem.readU32(RX_RING + 16 * i + 8);
    return { addr: this.mem.readU64(RX_RING + 16 * i), length: lo & 0xffff, status: this.mem.readU8(RX_RING + 16 * i + 12) };
  }

  /** e1000_clean_rx_irq: take DD descriptors, clear them, give them back through RDT. */
  cleanRx(): number {
    let n = 0;
    for (;;) {
      const i = this.state.rxClean;
      if ((this.mem.readU8(RX_RING + 16 * i + 12) & R.RXD_STA_DD) === 0) break;
      this.mem.writeU64(RX_RING + 16 * i + 8, 0);
      this.io().wr(R.RDT, i);
      this.state.rxClean = (i + 1) % this.state.rxCount;
      n++;
    }
    return n;
  }

  private io(): DriverRegisters {
    const r = this.regs;
    return { rd: (o) => r.rd(o), wr: (o, v) => r.wr(o, v) };
  }
}
