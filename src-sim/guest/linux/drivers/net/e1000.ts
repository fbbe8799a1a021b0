/**
 * The guest's e1000 driver (Linux 2.6.16 drivers/net/e1000, as in Fedora Core 5), the parts an
 * assigned 8257x needs: probe through config space (BARs, IRQ line, bus mastering), reset, the
 * receive and transmit rings in the guest's own memory (guest-physical addresses: VT-d turns them
 * into machine addresses), interrupts on, and the interrupt handler that reads ICR, reaps
 * received frames and refills the ring, and transmit (e1000_xmit_frame, cleaned on TXDW). It reaches the NIC only through the guest's MMIO.
 */
import * as R from '../../../../hw/net/e1000/e1000x_regs.ts';
import { KERN_INFO, type KernelLog } from '../../printk.ts';

export interface GuestBus {
  memRead(gpa: number, size: 1 | 2 | 4): number;
  memWrite(gpa: number, size: 1 | 2 | 4, value: number): void;
}

export interface E1000Stats {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  interrupts: number;
  /** Interrupts with an empty ICR (IRQ_NONE: shared line or a stale virtual INTx). */
  spurious: number;
  /** Virtual time of the first received frame. */
  firstRxNs?: number;
}

export const RX_DESCS = 64;
export const TX_DESCS = 64;
const BUF = 2048;

export interface GuestE1000State {
  stats: E1000Stats;
  rxNext: number;
  txNext: number;
  txClean: number;
  mac: string;
}

export class GuestE1000 {
  readonly stats: E1000Stats = { rxFrames: 0, rxBytes: 0, txFrames: 0, interrupts: 0, spurious: 0 };
  private rxNext = 0;
  private txNext = 0;
  private txClean = 0;
  mac = '';

  constructor(
    protected readonly bus: GuestBus,
    private readonly log: KernelLog,
    readonly name: string,
    /** Guest-physical address of BAR0 as the guest's PCI setup left it. */
    readonly mmio: number,
    readonly irq: number,
    /** Guest memory the driver owns: rings and buffers (dma_alloc_coherent / skb data). */
    private readonly dmaBase: number,
    private readonly now: () => number,
  ) {}

  /** Snapshot: ring positions, counters and the MAC the driver read. */
  save(): GuestE1000State {
    return { stats: { ...this.stats }, rxNext: this.rxNext, txNext: this.txNext, txClean: this.txClean, mac: this.mac };
  }

  restore(s: GuestE1000State): void {
    Object.assign(this.stats, s.stats);
    if (s.stats.firstRxNs === undefined) delete this.stats.firstRxNs;
    this.rxNext = s.rxNext;
    this.txNext = s.txNext;
    this.txClean = s.txClean;
    this.mac = s.mac;
  }

  private rd(off: number): number {
    return this.bus.memRead(this.mmio + off, 4) >>> 0;
  }

  private wr(off: number, v: number): void {
    this.bus.memWrite(this.mmio + off, 4, v >>> 0);
  }

  protected get rxRing(): number {
    return this.dmaBase;
  }

  private get txRing(): number {
    return this.dmaBase + 16 * RX_DESCS;
  }

  private rxBuf(i: number): number {
    return this.dmaBase + 0x1000 + BUF * i;
  }

  private txBuf(i: number): number {
    return this.dmaBase + 0x1000 + BUF * RX_DESCS + BUF * i;
  }

  /**
   * e1000_probe + e1000_open: reset, MAC, rings, receiver and transmitter on, interrupts on.
   * `probed`: the kernel already announced the probe at boot (dom0's ifup later opens it).
   */
  open(probed = false): void {
    this.wr(R.IMC, 0xffffffff);
    this.wr(R.CTRL, this.rd(R.CTRL) | R.CTRL_RST);
    this.wr(R.IMC, 0xffffffff);
    this.rd(R.ICR);
    const ral = this.rd(R.RA);
    const rah = this.rd(R.RA + 4);
    this.mac = [ral, ral >>> 8, ral >>> 16, ral >>> 24, rah, rah >>> 8].map((b) => (b & 0xff).toString(16).padStart(2, '0')).join(':');
    if (!probed) this.log.printk(KERN_INFO, `e1000: ${this.name}: e1000_probe: Intel(R) PRO/1000 Network Connection`);
    this.wr(R.CTRL, this.rd(R.CTRL) | R.CTRL_SLU);
    for (let i = 0; i < RX_DESCS; i++) {
      this.writeU64(this.rxRing + 16 * i, this.rxBuf(i));
      this.writeU64(this.rxRing + 16 * i + 8, 0);
    }
    this.wr(R.RDBAL, this.rxRing);
    this.wr(R.RDBAL + 4, 0);
    this.wr(R.RDLEN, RX_DESCS * 16);
    this.wr(R.RDH, 0);
    this.wr(R.RDT, RX_DESCS - 1);
    this.wr(R.RCTL, R.RCTL_EN | R.RCTL_BAM | R.RCTL_SECRC);
    this.wr(R.TDBAL, this.txRing);
    this.wr(R.TDBAL + 4, 0);
    this.wr(R.TDLEN, TX_DESCS * 16);
    this.wr(R.TDH, 0);
    this.wr(R.TDT, 0);
    this.wr(R.TCTL, R.TCTL_EN | R.TCTL_PSP | (0x0f << R.TCTL_CT_SHIFT) | (0x3f << R.TCTL_COLD_SHIFT));
    this.wr(R.IMS, R.ICR_RXT0 | R.ICR_TXDW | R.ICR_LSC);
    if (this.rd(R.STATUS) & R.STATUS_LU) this.log.printk(KERN_INFO, `e1000: ${this.name}: e1000_watchdog: NIC Link is Up 1000 Mbps Full Duplex`);
  }

  protected writeU64(gpa: number, v: number): void {
    this.bus.memWrite(gpa, 4, v % 0x1_0000_0000);
    this.bus.memWrite(gpa + 4, 4, Math.floor(v / 0x1_0000_0000));
  }

  /**
   * e1000_xmit_frame: copy the frame into the next TX buffer, one descriptor (EOP, insert FCS,
   * report status), ring the TDT doorbell. Returns false when the ring is full (NETDEV_TX_BUSY).
   */
  transmit(frame: Uint8Array): boolean {
    const i = this.txNext;
    if ((i + 1) % TX_DESCS === this.txClean) return false;
    const buf = this.txBuf(i);
    for (let k = 0; k < frame.length; k += 4) {
      let v = 0;
      for (let j = Math.min(3, frame.length - k - 1); j >= 0; j--) v = v * 256 + frame[k + j];
      this.bus.memWrite(buf + k, 4, v);
    }
    const d = this.txRing + 16 * i;
    this.writeU64(d, buf);
    this.bus.memWrite(d + 8, 4, frame.length | ((R.TXD_CMD_EOP | R.TXD_CMD_IFCS | R.TXD_CMD_RS) << 24));
    this.bus.memWrite(d + 12, 4, 0);
    this.txNext = (i + 1) % TX_DESCS;
    this.wr(R.TDT, this.txNext);
    return true;
  }

  /** e1000_clean_tx_irq: descriptors the NIC reported done (DD) are free again. */
  private cleanTx(): void {
    while (this.txClean !== this.txNext) {
      const d = this.txRing + 16 * this.txClean;
      if (!(this.bus.memRead(d + 12, 1) & 1)) break;
      this.stats.txFrames++;
      this.bus.memWrite(d + 12, 4, 0);
      this.txClean = (this.txClean + 1) % TX_DESCS;
    }
  }

  /** e1000_intr: returns false for IRQ_NONE. */
  interrupt(): boolean {
    const icr = this.rd(R.ICR);
    if (!icr) {
      this.stats.spurious++;
      return false;
    }
    this.stats.interrupts++;
    if (icr & (R.ICR_RXT0 | R.ICR_RXDMT0)) this.cleanRx();
    if (icr & R.ICR_TXDW) this.cleanTx();
    return true;
  }

  /** e1000_clean_rx_irq: every descriptor the NIC wrote back (DD), handed up and given back. */
  private cleanRx(): void {
    for (;;) {
      const d = this.rxRing + 16 * this.rxNext;
      const status = this.bus.memRead(d + 12, 1);
      if (!(status & R.RXD_STA_DD)) break;
      const len = this.bus.memRead(d + 8, 2);
      this.stats.rxFrames++;
      this.stats.rxBytes += len;
      if (this.stats.firstRxNs === undefined) {
        this.stats.firstRxNs = this.now();
        // Not a Linux message: the simulator marks the milestone in the event log.
        this.log.milestone(`${this.name}: first frame received (${len} bytes)`);
      }
      this.bus.memWrite(d + 8, 4, 0);
      this.bus.memWrite(d + 12, 4, 0);
      this.wr(R.RDT, this.rxNext);
      this.rxNext = (this.rxNext + 1) % RX_DESCS;
    }
  }
}
