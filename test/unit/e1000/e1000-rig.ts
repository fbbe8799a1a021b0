/**
 * A bench-top for the E1000 tests: one NIC plugged into a PCI context with RAM behind a DMA
 * port, its INTx pin on a line, a cable to a link partner, and a small driver that touches the
 * NIC only through BAR accesses and guest memory, in the order Linux's e1000/e1000e does
 * (reset, EEPROM MAC, rings, RCTL/TCTL, IMS, TDT/RDT doorbells).
 */
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { DirectDmaPort, type DmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { IrqLine } from '../../../src-sim/hw/intc/wire.ts';
import { E1000, type E1000Options } from '../../../src-sim/hw/net/e1000/e1000.ts';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { EthernetWire } from '../../../src-sim/hw/net/ethernet_wire.ts';
import { LinkPartner } from '../../../src-sim/hw/net/link_partner.ts';

export const RX_RING = 0x10000;
export const TX_RING = 0x20000;
export const RX_BUFS = 0x100000;
export const TX_BUFS = 0x200000;
export const BUF_SIZE = 2048;
export const PARTNER_MAC = '00:1b:21:00:00:02';

export interface RigOptions extends E1000Options {
  seed?: number;
  dma?: (mem: PhysicalMemory) => DmaPort;
  busMaster?: boolean;
}

export class E1000Rig {
  readonly sim: Simulation;
  readonly mem = new PhysicalMemory(16 * 1024 * 1024);
  readonly intx = new IrqLine('gsi16');
  readonly nic: E1000;
  readonly wire: EthernetWire;
  readonly partner: LinkPartner;
  busMaster: boolean;
  /** Driver state (Linux: next_to_use / next_to_clean). */
  drv = { rxCount: 0, txCount: 0, txNext: 0, txClean: 0, rxClean: 0 };

  constructor(opts: RigOptions = {}) {
    this.sim = new Simulation(opts.seed ?? 2007);
    this.busMaster = opts.busMaster ?? true;
    this.command = this.busMaster ? 0x0006 : 0x0002;
    this.nic = new E1000(opts);
    const sim = this.sim;
    this.nic.plug({
      scope: sim.scope('e1000.0'),
      dma: opts.dma ? opts.dma(this.mem) : new DirectDmaPort(this.mem),
      intx: this.intx.pin('pci.0000:02:00.0'),
      busMasterEnabled: () => this.busMaster,
    });
    this.wire = new EthernetWire(sim.engine, sim.tracer, 'cable0');
    this.nic.connect(this.wire.a);
    this.partner = new LinkPartner(sim.engine, sim.tracer, 'peer', PARTNER_MAC, this.wire.b);
  }

  /** A config write of COMMAND, as the PCI layer reports it to the model. */
  setCommand(value: number): void {
    const old = this.command;
    this.command = value;
    this.busMaster = (value & 0x4) !== 0;
    this.nic.configWritten('command', 'COMMAND', old, value);
  }
  command = 0x0006;

  // ---- guest accessors (what the driver's readl/writel reach) ------------------------------
  rd(offset: number): number {
    return this.nic.barRead(0, offset, 4);
  }
  wr(offset: number, value: number): void {
    this.nic.barWrite(0, offset, 4, value >>> 0);
  }
  get now(): number {
    return this.sim.engine.now;
  }
  run(ns: number): void {
    this.sim.engine.runFor(ns);
  }

  // ---- driver steps ------------------------------------------------------------------------
  /** e1000_reset_hw: mask everything, stop RX/TX, CTRL.RST, mask again, clear ICR. */
  resetHw(): void {
    this.wr(R.IMC, 0xffffffff);
    this.wr(R.RCTL, 0);
    this.wr(R.TCTL, R.TCTL_PSP);
    this.wr(R.CTRL, this.rd(R.CTRL) | R.CTRL_RST);
    this.wr(R.IMC, 0xffffffff);
    this.rd(R.ICR);
  }

  eepromWord(word: number): number {
    this.wr(R.EERD, (word << R.EERD_ADDR_SHIFT) | R.EERD_START);
    const v = this.rd(R.EERD);
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

  /** e1000_configure_rx: ring of `count` descriptors, all but one given to hardware. */
  setupRx(count: number, rctlExtra = 0): void {
    this.drv.rxCount = count;
    for (let i = 0; i < count; i++) {
      this.mem.writeU64(RX_RING + 16 * i, RX_BUFS + BUF_SIZE * i);
      this.mem.writeU64(RX_RING + 16 * i + 8, 0);
    }
    this.wr(R.RDBAL, RX_RING);
    this.wr(R.RDBAH, 0);
    this.wr(R.RDLEN, count * 16);
    this.wr(R.RDH, 0);
    this.wr(R.RDT, 0);
    this.wr(R.RCTL, R.RCTL_EN | R.RCTL_BAM | R.RCTL_SECRC | rctlExtra);
    this.wr(R.RDT, count - 1);
  }

  /** e1000_configure_tx. */
  setupTx(count: number): void {
    this.drv.txCount = count;
    this.wr(R.TDBAL, TX_RING);
    this.wr(R.TDBAH, 0);
    this.wr(R.TDLEN, count * 16);
    this.wr(R.TDH, 0);
    this.wr(R.TDT, 0);
    this.wr(R.TCTL, R.TCTL_EN | R.TCTL_PSP | (0x0f << R.TCTL_CT_SHIFT) | (0x3f << R.TCTL_COLD_SHIFT));
  }

  /** Builds a frame to the partner (header + payload, no FCS). */
  frameToPartner(payload: number, seq = 0): Uint8Array {
    const f = new Uint8Array(14 + payload);
    f.set([0x00, 0x1b, 0x21, 0x00, 0x00, 0x02], 0);
    const mac = this.nic.macAddress.split(':').map((h) => parseInt(h, 16));
    f.set(mac, 6);
    f[12] = 0x88;
    f[13] = 0xb5;
    for (let i = 14; i < f.length; i++) f[i] = (seq + i) & 0xff;
    return f;
  }

  /** Queues one frame in one descriptor (EOP|IFCS|RS) without ringing the doorbell. */
  post(frame: Uint8Array, cmdExtra = 0): void {
    const i = this.drv.txNext;
    const buf = TX_BUFS + BUF_SIZE * i;
    this.mem.write(buf, frame);
    this.mem.writeU64(TX_RING + 16 * i, buf);
    const cmd = R.TXD_CMD_EOP | R.TXD_CMD_IFCS | R.TXD_CMD_RS | cmdExtra;
    this.mem.writeU32(TX_RING + 16 * i + 8, frame.length | (cmd << 24));
    this.mem.writeU32(TX_RING + 16 * i + 12, 0);
    this.drv.txNext = (i + 1) % this.drv.txCount;
  }

  doorbell(): void {
    this.wr(R.TDT, this.drv.txNext);
  }

  send(frame: Uint8Array): void {
    this.post(frame);
    this.doorbell();
  }

  txDone(i: number): boolean {
    return (this.mem.readU8(TX_RING + 16 * i + 12) & R.TXD_STA_DD) !== 0;
  }

  /** RX descriptor i as written back: length, status. */
  rxDesc(i: number): { addr: number; length: number; status: number } {
    const lo = this.mem.readU32(RX_RING + 16 * i + 8);
    return { addr: this.mem.readU64(RX_RING + 16 * i), length: lo & 0xffff, status: this.mem.readU8(RX_RING + 16 * i + 12) };
  }

  /** e1000_clean_rx_irq: take DD descriptors, clear them, give them back through RDT. */
  cleanRx(): number {
    let n = 0;
    for (;;) {
      const i = this.drv.rxClean;
      if ((this.mem.readU8(RX_RING + 16 * i + 12) & R.RXD_STA_DD) === 0) break;
      this.mem.writeU64(RX_RING + 16 * i + 8, 0);
      this.wr(R.RDT, i);
      this.drv.rxClean = (i + 1) % this.drv.rxCount;
      n++;
    }
    return n;
  }
}
