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
import { EthernetWire } from '../../../src-sim/hw/net/ethernet_wire.ts';
import { LinkPartner } from '../../../src-sim/hw/net/link_partner.ts';
import { E1000Driver, type DriverState } from './e1000-driver.ts';

export { RX_RING, TX_RING, RX_BUFS, TX_BUFS, BUF_SIZE } from './e1000-driver.ts';
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
  readonly driver: E1000Driver;

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
    this.driver = new E1000Driver(this, this.mem);
  }

  /** Driver state (Linux: next_to_use / next_to_clean). */
  get drv(): DriverState {
    return this.driver.state;
  }
  set drv(s: DriverState) {
    this.driver.state = s;
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

  // ---- driver steps (the one test driver, e1000-driver.ts) ----------------------------------
  resetHw(): void {
    this.driver.resetHw();
  }
  eepromWord(word: number): number {
    return this.driver.eepromWord(word);
  }
  readMac(): string {
    return this.driver.readMac();
  }
  setupRx(count: number, rctlExtra = 0): void {
    this.driver.setupRx(count, rctlExtra);
  }
  setupTx(count: number): void {
    this.driver.setupTx(count);
  }
  post(frame: Uint8Array, cmdExtra = 0): void {
    this.driver.post(frame, cmdExtra);
  }
  doorbell(): void {
    this.driver.doorbell();
  }
  send(frame: Uint8Array): void {
    this.driver.send(frame);
  }
  txDone(i: number): boolean {
    return this.driver.txDone(i);
  }
  rxDesc(i: number): { addr: number; length: number; status: number } {
    return this.driver.rxDesc(i);
  }
  cleanRx(): number {
    return this.driver.cleanRx();
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
}
