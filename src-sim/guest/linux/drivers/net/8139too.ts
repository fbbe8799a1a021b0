/**
 * The guest's 8139too driver (Linux 2.6.16 drivers/net/8139too.c, built with its default
 * CONFIG_8139TOO_PIO: registers through the I/O BAR) for qemu-dm's emulated RTL8139: reset,
 * station address from IDR0-5, a 32 KiB receive ring (RxNoWrap, with slack after it) and four
 * 1536-byte transmit buffers in the guest's own memory, interrupts on. rtl8139_interrupt reads
 * and acks ISR, walks received frames until CR.BUFE (moving CAPR 16 behind its read pointer, as
 * the chip expects) and reclaims sent descriptors. It keeps its own register names, as the C
 * driver does; every access is a port access the guest's CPU makes.
 */
import type { KernelLog } from '../../printk.ts';

const IDR0 = 0x00;
const TSD0 = 0x10;
const TSAD0 = 0x20;
const RBSTART = 0x30;
const CHIPCMD = 0x37;
const CAPR = 0x38;
const IMR = 0x3c;
const ISR = 0x3e;
const TCR = 0x40;
const RCR = 0x44;

const CMD_RESET = 0x10;
const CMD_RX_ENB = 0x08;
const CMD_TX_ENB = 0x04;
const RX_BUF_EMPTY = 0x01;
const INT_ROK = 0x0001;
const INT_RXERR = 0x0002;
const INT_TOK = 0x0004;
const INT_TXERR = 0x0008;
const INT_RXOVW = 0x0010;
const TX_STAT_OWN = 0x2000;
const TX_STAT_OK = 0x8000;
const RX_CFG_RCV32K = 2 << 11;
const RX_NO_WRAP = 0x80;
const ACCEPT_BROADCAST = 0x08;
const ACCEPT_MY_PHYS = 0x02;
/** TCR: IFG standard, max DMA burst 1024 bytes. */
const TX_CONFIG = (3 << 24) | (6 << 8);

const RX_BUF_LEN = 32 * 1024;
/** RX_BUF_TOT_LEN: the ring plus 16 bytes and one frame of slack for RxNoWrap. */
export const RX_BUF_TOT_LEN = RX_BUF_LEN + 16 + 1536;
const NUM_TX_DESC = 4;
const TX_BUF_SIZE = 1536;

export interface Rtl8139Bus {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
  memRead(gpa: number, size: 1 | 2 | 4): number;
  memWrite(gpa: number, size: 1 | 2 | 4, value: number): void;
}

export interface Rtl8139DriverStats {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  interrupts: number;
  spurious: number;
  /** Frames refused because all four transmit buffers were in flight. */
  txBusy: number;
}

export interface Guest8139State {
  stats: Rtl8139DriverStats;
  mac: string;
  /** The driver's ring positions: cur_rx, cur_tx, dirty_tx. */
  rings: [curRx: number, curTx: number, dirtyTx: number];
}

export class Guest8139 {
  readonly stats: Rtl8139DriverStats = { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, interrupts: 0, spurious: 0, txBusy: 0 };
  mac = '';
  private curRx = 0;
  private curTx = 0;
  private dirtyTx = 0;
  /** netif_rx: frames handed up. */
  receive?: (frame: Uint8Array) => void;

  constructor(
    private readonly bus: Rtl8139Bus,
    private readonly log: KernelLog,
    readonly name: string,
    /** The I/O BAR's base port, as the guest's PCI setup left it. */
    readonly ioaddr: number,
    readonly irq: number,
    /** Guest memory the driver owns for its rings (guest-physical). */
    private readonly dmaBase: number,
  ) {}

  /** Snapshot: what the driver counted and where it is in its rings. */
  save(): Guest8139State {
    return { stats: { ...this.stats }, mac: this.mac, rings: [this.curRx, this.curTx, this.dirtyTx] };
  }

  restore(s: Guest8139State): void {
    Object.assign(this.stats, s.stats);
    this.mac = s.mac;
    [this.curRx, this.curTx, this.dirtyTx] = s.rings;
  }

  private get rxRing(): number {
    return this.dmaBase;
  }

  private txBuf(entry: number): number {
    return this.dmaBase + RX_BUF_TOT_LEN + entry * TX_BUF_SIZE;
  }

  private in(off: number, size: 1 | 2 | 4): number {
    return this.bus.portRead(this.ioaddr + off, size) >>> 0;
  }

  private out(off: number, size: 1 | 2 | 4, v: number): void {
    this.bus.portWrite(this.ioaddr + off, size, v >>> 0);
  }

  /** rtl8139_init_one's station address, then rtl8139_open → rtl8139_hw_start. */
  open(): void {
    this.out(CHIPCMD, 1, CMD_RESET);
    for (let i = 0; i < 1000 && this.in(CHIPCMD, 1) & CMD_RESET; i++);
    this.mac = Array.from({ length: 6 }, (_, i) => this.in(IDR0 + i, 1).toString(16).padStart(2, '0')).join(':');
    this.log.printk(6, `${this.name}: RealTek RTL8139 at 0x${this.ioaddr.toString(16)}, ${this.mac}, IRQ ${this.irq}`);
    this.out(CHIPCMD, 1, CMD_RX_ENB | CMD_TX_ENB);
    this.out(RCR, 4, RX_CFG_RCV32K | RX_NO_WRAP | ACCEPT_BROADCAST | ACCEPT_MY_PHYS);
    this.out(TCR, 4, TX_CONFIG);
    this.out(RBSTART, 4, this.rxRing);
    for (let i = 0; i < NUM_TX_DESC; i++) this.out(TSAD0 + 4 * i, 4, this.txBuf(i));
    this.out(CAPR, 2, (this.curRx - 16) & 0xffff);
    this.out(IMR, 2, INT_ROK | INT_RXERR | INT_TOK | INT_TXERR | INT_RXOVW);
  }

  /** rtl8139_start_xmit: false when all four descriptors are in flight (the queue stops). */
  xmit(frame: Uint8Array): boolean {
    if (this.curTx - this.dirtyTx >= NUM_TX_DESC || frame.length > TX_BUF_SIZE) {
      this.stats.txBusy++;
      return false;
    }
    const entry = this.curTx % NUM_TX_DESC;
    this.copyToGuest(this.txBuf(entry), frame);
    this.out(TSD0 + 4 * entry, 4, Math.max(frame.length, 60));
    this.curTx++;
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    return true;
  }

  /** rtl8139_interrupt: read ISR, ack what it saw, then receive and reclaim; false (IRQ_NONE) when it was not ours. */
  interrupt(): boolean {
    this.stats.interrupts++;
    const status = this.in(ISR, 2);
    if (!status || status === 0xffff) {
      this.stats.spurious++;
      return false;
    }
    this.out(ISR, 2, status);
    if (status & (INT_ROK | INT_RXOVW | INT_RXERR)) this.rxInterrupt();
    if (status & (INT_TOK | INT_TXERR)) this.txInterrupt();
    return true;
  }

  private rxInterrupt(): void {
    while (!(this.in(CHIPCMD, 1) & RX_BUF_EMPTY)) {
      const offset = this.curRx % RX_BUF_LEN;
      const header = this.bus.memRead(this.rxRing + offset, 4) >>> 0;
      const size = header >>> 16;
      if (!(header & 1) || size < 64 || size > 1518 + 4) break;
      const frame = new Uint8Array(size - 4);
      this.copyFromGuest(this.rxRing + offset + 4, frame);
      this.stats.rxFrames++;
      this.stats.rxBytes += frame.length;
      this.receive?.(frame);
      this.curRx = (this.curRx + size + 4 + 3) & ~3;
      this.out(CAPR, 2, (this.curRx - 16) & 0xffff);
    }
  }

  private txInterrupt(): void {
    while (this.dirtyTx !== this.curTx) {
      const status = this.in(TSD0 + 4 * (this.dirtyTx % NUM_TX_DESC), 4);
      if (!(status & (TX_STAT_OK | TX_STAT_OWN))) break;
      this.dirtyTx++;
    }
  }

  private copyToGuest(gpa: number, b: Uint8Array): void {
    for (let i = 0; i < b.length; i += 4) {
      const n = Math.min(4, b.length - i) as 1 | 2 | 3 | 4;
      if (n === 3) {
        this.bus.memWrite(gpa + i, 2, b[i] | (b[i + 1] << 8));
        this.bus.memWrite(gpa + i + 2, 1, b[i + 2]);
      } else this.bus.memWrite(gpa + i, n, n === 4 ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0 : n === 2 ? b[i] | (b[i + 1] << 8) : b[i]);
    }
  }

  private copyFromGuest(gpa: number, b: Uint8Array): void {
    for (let i = 0; i < b.length; i += 4) {
      const v = this.bus.memRead(gpa + i, 4);
      for (let k = 0; k < 4 && i + k < b.length; k++) b[i + k] = (v >>> (8 * k)) & 0xff;
    }
  }
}
