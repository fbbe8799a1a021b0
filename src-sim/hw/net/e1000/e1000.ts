/**
 * Intel 82571EB/82572EI PCI Express gigabit NIC ("PCIe E1000", the card the 2007 VT-d
 * announcement assigned to an HVM guest), modelled after QEMU hw/net/e1000.c (register
 * dispatch, set_interrupt_cause with mitigation timer, EEPROM via EERD, MDIC to the PHY) and
 * the register semantics of the Linux e1000e driver of 2007 (82571.c, netdev.c).
 *
 * The model plugs into the PCI layer through PciFunctionModel: it declares its config identity
 * and BARs (e1000_pci.ts) and handles BAR accesses by offset. Registers are the table in
 * e1000_regs.ts; hooks below exist only where hardware has a side effect. The interrupt is a
 * level computed from state — (ICR & IMS) ≠ 0 — on the INTx pin, rate-limited by ITR the way
 * QEMU's mit_timer does it: a rising edge opens an ITR × 256 ns window in which no new edge
 * is raised. COMMAND writes reach the model through configWritten: bus mastering resumes held
 * DMA, Interrupt Disable gates the pin. Not modelled: MSI delivery (INTx only), checksum/TSO
 * offloads, the second TX queue, flash contents, EEPROM bit-banging through EECD, wake-up and
 * manageability.
 */
import { hex0x } from '../../../../src-shared/units/hex.ts';
import { checkVersion, type Timer } from '../../../engine/index.ts';
import type { DmaPort, DmaStatus } from '../../memory/dma.ts';
import type { PciConfigTemplate, PciFunctionContext, PciFunctionModel } from '../../pci/function-model.ts';
import type { ConfigHook } from '../../pci/config-layout.ts';
import { PCI_COMMAND_INTX_DISABLE, PCI_COMMAND_MASTER } from '../../pci/pci-regs.ts';
import { RegisterFile, type RegisterDef, type RegisterFileState, type WriteHook } from '../../regs/register-file.ts';
import { formatMac, parseMac } from '../ethernet.ts';
import type { EthernetEndpoint, WireEnd } from '../ethernet_wire.ts';
import { e1000DmaFault, e1000Eeprom, e1000Irq, e1000Link, e1000Mdic, e1000RegAccess, e1000Reset, type E1000Core, type E1000FrameCounters } from './e1000_core.ts';
import { E1000_BAR_CSR, E1000_BAR_FLASH, E1000_BAR_IO, e1000ConfigTemplate, E1000_VARIANTS, type E1000VariantName } from './e1000_pci.ts';
import { PHY_ADDRESS, PHY_FILE_BYTES, PHY_REGISTERS, phyLinkView, phyWriteEffect } from './e1000_phy.ts';
import { E1000_REGISTERS } from './e1000_regs.ts';
import { E1000Rx, type E1000RxState } from './e1000_rx.ts';
import { E1000Tx, type E1000TxState } from './e1000_tx.ts';
import { buildEeprom, EEPROM_WORDS } from './e1000x_common.ts';
import * as R from './e1000x_regs.ts';

export interface E1000Options {
  variant?: E1000VariantName;
  /** MAC from the host profile; otherwise drawn from the stream "<id>.mac" under Intel's OUI. */
  mac?: string;
}

export interface E1000State {
  version: 2;
  frames: E1000FrameCounters;
  mac: string;
  eeprom: number[];
  regs: RegisterFileState;
  phy: RegisterFileState;
  ioaddr: number;
  /** Mirror of COMMAND.Interrupt Disable (config space is the PCI layer's). */
  intxDisabled: boolean;
  rx: E1000RxState;
  tx: E1000TxState;
}

/** Intel's OUI on 8257x adapters of the period (00:15:17). */
const INTEL_OUI = [0x00, 0x15, 0x17];

export class E1000 implements PciFunctionModel<E1000State>, E1000Core, EthernetEndpoint {
  readonly config: PciConfigTemplate;
  readonly stateVersion = 2;
  readonly regs = new RegisterFile(R.MMIO_SIZE, E1000_REGISTERS);
  private readonly phy = new RegisterFile(PHY_FILE_BYTES, PHY_REGISTERS);
  private ctx!: PciFunctionContext;
  private rx!: E1000Rx;
  private tx!: E1000Tx;
  private itr!: Timer;
  private mac: Uint8Array = new Uint8Array(6);
  private eeprom: Uint16Array = new Uint16Array(EEPROM_WORDS);
  private ioaddr = 0;
  private irqLevel = false;
  private intxDisabled = false;
  private wire: WireEnd | undefined;
  readonly frames: E1000FrameCounters = { rx: 0, tx: 0, rxDropped: 0, rxBytes: 0, txBytes: 0 };

  constructor(private readonly opts: E1000Options = {}) {
    const profileMac = opts.mac === undefined ? undefined : this.parseOptionMac(opts.mac);
    this.config = e1000ConfigTemplate(E1000_VARIANTS[opts.variant ?? '82572EI-desktop'], profileMac);
    this.regs.hooks = { onUnassigned: (offset, size, write, reg) => this.onPartialAccess(offset, size, write, reg) };
    this.regs.bindHooks({ write: this.writeHooks(), read: { icrRead: () => this.icrRead() } });
    this.phy.hooks = {
      onUnassigned: (offset, size, write, reg) =>
        this.tracer.emit(e1000RegAccess, { dev: this.id, offset: `PHY reg 0x${(offset >> 1).toString(16)}`, size, write, reg: reg?.name ?? 'unassigned', fidelity: reg?.fidelity ?? 'unimplemented' }),
    };
  }

  // ---- E1000Core -----------------------------------------------------------------------------
  /** The instance name, from the scope the platform plugged the device into. */
  get id(): string {
    return this.ctx.scope.name;
  }
  get scope() {
    return this.ctx.scope;
  }
  get tracer() {
    return this.ctx.scope.tracer;
  }
  get dma(): DmaPort {
    return this.ctx.dma;
  }

  dmaAllowed(): boolean {
    return this.ctx.busMasterEnabled() && (this.regs.raw32(R.CTRL) & R.CTRL_GIO_MASTER_DISABLE) === 0;
  }

  dmaFailed(what: string, addr: number, status: DmaStatus): void {
    this.tracer.emit(e1000DmaFault, { dev: this.id, what, addr: '0x' + addr.toString(16), status });
  }

  setCause(bits: number): void {
    const regs = this.regs;
    regs.setRaw32(R.ICR, regs.raw32(R.ICR) | bits);
    this.updateIrq();
  }

  // ---- PciFunctionModel ----------------------------------------------------------------------

  plug(ctx: PciFunctionContext): void {
    this.ctx = ctx;
    this.itr = ctx.scope.timer('itr', () => this.updateIrq());
    this.rx = new E1000Rx(this);
    this.tx = new E1000Tx(this);
    this.tx.wire = this.wire;
    this.mac = this.opts.mac ? this.parseOptionMac(this.opts.mac) : this.randomMac();
    const v = E1000_VARIANTS[this.opts.variant ?? '82572EI-desktop'];
    this.eeprom = buildEeprom({ mac: this.mac, deviceId: v.deviceId, subsystemId: v.subsystemId, subsystemVendorId: v.subsystemVendorId });
    this.reset();
  }

  private parseOptionMac(text: string): Uint8Array {
    const m = parseMac(text);
    if (!m) throw new Error(`e1000: "${text}" is not a MAC address`);
    return m;
  }

  private randomMac(): Uint8Array {
    const s = this.ctx.scope.rng.stream(this.ctx.scope.qualify('mac'));
    const r = s.nextUint32();
    return Uint8Array.from([...INTEL_OUI, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff]);
  }

  get macAddress(): string {
    return formatMac(this.mac);
  }

  barRead(bar: number, offset: number, size: 1 | 2 | 4): number {
    if (bar === E1000_BAR_CSR) return this.csrRead(offset, size);
    if (bar === E1000_BAR_IO) return this.ioRead(offset, size);
    if (bar === E1000_BAR_FLASH) {
      this.tracer.emit(e1000RegAccess, { dev: this.id, offset: hex0x(offset), size, write: false, reg: 'flash', fidelity: 'unimplemented' });
      return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff; // an erased flash part
    }
    throw new Error(`e1000: read of BAR${bar}, which the device does not declare`);
  }

  barWrite(bar: number, offset: number, size: 1 | 2 | 4, value: number): void {
    if (bar === E1000_BAR_CSR) return this.regs.write(offset, size, value);
    if (bar === E1000_BAR_IO) return this.ioWrite(offset, size, value);
    if (bar === E1000_BAR_FLASH) {
      this.tracer.emit(e1000RegAccess, { dev: this.id, offset: hex0x(offset), size, write: true, reg: 'flash', fidelity: 'unimplemented' });
      return;
    }
    throw new Error(`e1000: write of BAR${bar}, which the device does not declare`);
  }

  /** CSR read: the rows carry their read side effects (ICR clears, 64-bit counters clear as a pair). */
  private csrRead(offset: number, size: 1 | 2 | 4): number {
    return this.regs.read(offset, size);
  }

  /** After ICR was read (and so cleared): IAME auto-masks IAM's causes, and the line follows. */
  private icrRead(): void {
    if (this.regs.raw32(R.CTRL_EXT) & R.CTRL_EXT_IAME) this.regs.setRaw32(R.IMS, this.regs.raw32(R.IMS) & ~this.regs.raw32(R.IAM));
    this.updateIrq();
  }

  /** I/O BAR: IOADDR selects a CSR, IODATA reads or writes it (devices.md §2.9). */
  private ioRead(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || (offset !== R.IOADDR && offset !== R.IODATA)) {
      this.tracer.emit(e1000RegAccess, { dev: this.id, offset: hex0x(offset), size, write: false, reg: 'I/O window', fidelity: 'unimplemented' });
      return 0xffffffff;
    }
    return offset === R.IOADDR ? this.ioaddr : this.csrRead(this.ioaddr & (R.MMIO_SIZE - 4), 4);
  }

  private ioWrite(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || (offset !== R.IOADDR && offset !== R.IODATA)) {
      this.tracer.emit(e1000RegAccess, { dev: this.id, offset: hex0x(offset), size, write: true, reg: 'I/O window', fidelity: 'unimplemented' });
      return;
    }
    if (offset === R.IOADDR) this.ioaddr = value & 0x0001fffc;
    else this.regs.write(this.ioaddr & (R.MMIO_SIZE - 4), 4, value);
  }

  private onPartialAccess(offset: number, size: number, write: boolean, reg?: RegisterDef): void {
    this.tracer.emit(e1000RegAccess, { dev: this.id, offset: hex0x(offset), size, write, reg: reg?.name ?? 'unassigned', fidelity: reg?.fidelity ?? 'unimplemented' });
  }

  // ---- register side effects -----------------------------------------------------------------

  /** The write hooks E1000_REGISTERS' rows name (QEMU's macreg_writeops[]). */
  private writeHooks(): Record<string, WriteHook> {
    const regs = this.regs;
    return {
      ctrl: (_r, _old, value) => this.ctrlWritten(value),
      eecd: (_r, _old, value) => regs.setRaw32(R.EECD, value & R.EECD_REQ ? value | R.EECD_GNT : value & ~R.EECD_GNT),
      eerd: (_r, _old, value) => this.eerdWritten(value),
      ctrlExt: (_r, _old, value) => {
        if (value & R.CTRL_EXT_EE_RST) this.loadReceiveAddress(); // EEPROM reload is instant
        regs.setRaw32(R.CTRL_EXT, value & ~R.CTRL_EXT_EE_RST);
      },
      mdic: (_r, _old, value) => this.mdicWritten(value),
      icrWritten: () => this.updateIrq(),
      ics: (_r, _old, value) => this.setCause(value),
      ims: (_r, old, value) => {
        regs.setRaw32(R.IMS, old | value); // IMS sets bits; IMC clears them
        this.updateIrq();
      },
      imc: (_r, _old, value) => {
        regs.setRaw32(R.IMS, regs.raw32(R.IMS) & ~value);
        this.updateIrq();
      },
      rxRingMoved: () => this.rx.invalidateCache(),
      txRingMoved: () => this.tx.invalidateCache(),
      rxKick: () => this.rx.drain(),
      txKick: () => this.tx.kick(),
      rdtr: (_r, _old, value) => {
        if (value & R.RDTR_FPD) {
          regs.setRaw32(R.RDTR, value & ~R.RDTR_FPD);
          this.rx.flushPendingDelay();
        }
      },
    };
  }

  private ctrlWritten(value: number): void {
    if (value & R.CTRL_RST) {
      this.tracer.emit(e1000Reset, { dev: this.id, why: 'CTRL.RST' });
      this.resetDevice();
      return;
    }
    if (value & R.CTRL_PHY_RST) {
      this.regs.setRaw32(R.CTRL, value & ~R.CTRL_PHY_RST);
      this.phy.reset();
    }
    this.refreshStatus();
  }

  /** EERD: a word read from the EEPROM completes at once (DONE with the data in 31:16). */
  private eerdWritten(value: number): void {
    if ((value & R.EERD_START) === 0) return;
    const word = (value >>> R.EERD_ADDR_SHIFT) & 0x3fff;
    const data = word < EEPROM_WORDS ? this.eeprom[word] : 0xffff;
    this.regs.setRaw32(R.EERD, ((data << R.EERD_DATA_SHIFT) | (word << R.EERD_ADDR_SHIFT) | R.EERD_DONE) >>> 0);
    this.tracer.emit(e1000Eeprom, { dev: this.id, word, data });
  }

  /** MDIC: PHY register read/write through MDIO, complete at once (READY), MDAC if asked. */
  private mdicWritten(value: number): void {
    const phyAddr = (value >>> R.MDIC_PHY_SHIFT) & 0x1f;
    const reg = (value >>> R.MDIC_REG_SHIFT) & 0x1f;
    const isRead = (value & R.MDIC_OP_READ) !== 0;
    let data = value & R.MDIC_DATA_MASK;
    const error = phyAddr !== PHY_ADDRESS;
    if (!error) {
      if (isRead) data = phyLinkView(reg, this.phy.read(reg * 2, 2), this.linkUp);
      else this.phy.write(reg * 2, 2, phyWriteEffect(reg, data));
    }
    const result = (value & ~(R.MDIC_DATA_MASK | R.MDIC_ERROR)) | data | R.MDIC_READY | (error ? R.MDIC_ERROR : 0);
    this.regs.setRaw32(R.MDIC, result >>> 0);
    this.tracer.emit(e1000Mdic, { dev: this.id, op: isRead ? 'read' : 'write', reg, data, error });
    if (value & R.MDIC_INT_EN) this.setCause(R.ICR_MDAC);
  }

  // ---- interrupt -----------------------------------------------------------------------------

  /**
   * The INTx level is (ICR & IMS) ≠ 0, except that a rising edge inside the ITR window waits for
   * the window to close (QEMU set_interrupt_cause + e1000_mit_timer). ICR.INT_ASSERTED mirrors
   * the line, which is how an 82571 driver on a shared line tells its interrupt from others'.
   */
  private updateIrq(): void {
    const regs = this.regs;
    const icr = regs.raw32(R.ICR);
    const pending = (icr & regs.raw32(R.IMS) & ~R.ICR_INT_ASSERTED) !== 0;
    if (pending && !this.irqLevel) {
      if (this.itr.armed) return;
      const itr = regs.raw32(R.ITR) & 0xffff;
      if (itr) this.itr.armIn(itr * R.ITR_UNIT_NS);
      const iac = regs.raw32(R.IAC);
      if (iac < 0xffffffff) regs.setRaw32(R.IAC, iac + 1);
    }
    if (pending === this.irqLevel) {
      // Keep ICR.INT_ASSERTED true to the line even if software wrote 1 to it (W1C).
      if (pending && (icr & R.ICR_INT_ASSERTED) === 0) regs.setRaw32(R.ICR, icr | R.ICR_INT_ASSERTED);
      return;
    }
    this.irqLevel = pending;
    regs.setRaw32(R.ICR, pending ? icr | R.ICR_INT_ASSERTED : icr & ~R.ICR_INT_ASSERTED);
    if (this.tracer.active) this.tracer.emit(e1000Irq, { dev: this.id, level: pending, icr: regs.raw32(R.ICR), ims: regs.raw32(R.IMS) });
    this.ctx.intx.set(pending && !this.intxDisabled);
  }

  // ---- config space side effects (the PCI layer owns the bytes) ------------------------------

  /** COMMAND: bus mastering turned on resumes held DMA; Interrupt Disable gates the INTx pin. */
  configWritten(hook: ConfigHook, reg: string, old: number, value: number): void {
    if (hook === 'command') {
      this.intxDisabled = (value & PCI_COMMAND_INTX_DISABLE) !== 0;
      this.ctx.intx.set(this.irqLevel && !this.intxDisabled);
      if ((value & ~old & PCI_COMMAND_MASTER) !== 0) {
        this.tx.kick();
        this.rx.drain();
      }
    } else if (hook === 'msiControl' && value & 1 && !(old & 1)) {
      // MSI has no delivery path in this model yet: the device keeps signalling on INTx.
      this.tracer.emit(e1000RegAccess, { dev: this.id, offset: reg, size: 2, write: true, reg: 'MSI enable', fidelity: 'unimplemented' });
    }
  }

  // ---- link ----------------------------------------------------------------------------------

  /** Plugs the NIC's port into one end of a cable. */
  connect(end: WireEnd): void {
    this.wire = end;
    end.attach(this);
    if (this.tx) this.tx.wire = end;
    if (this.ctx) this.linkChanged(end.linkUp);
  }

  get linkUp(): boolean {
    return this.wire?.linkUp ?? false;
  }

  frameReceived(frame: Uint8Array, len: number, fcsKnownGood: boolean): void {
    this.rx.frameArrived(frame, len, fcsKnownGood);
  }

  transmitReady(): void {
    this.tx.transmitReady();
  }

  linkChanged(up: boolean): void {
    const was = (this.regs.raw32(R.STATUS) & R.STATUS_LU) !== 0;
    this.refreshStatus();
    if (was === up) return;
    this.tracer.emit(e1000Link, { dev: this.id, up });
    this.setCause(R.ICR_LSC);
    if (up) this.tx.transmitReady();
  }

  /** STATUS from the link and the master-disable handshake (no DMA is ever left pending). */
  private refreshStatus(): void {
    let s = 0;
    if (this.linkUp) s |= R.STATUS_LU | R.STATUS_FD | R.STATUS_SPEED_1000;
    if ((this.regs.raw32(R.CTRL) & R.CTRL_GIO_MASTER_DISABLE) === 0) s |= R.STATUS_GIO_MASTER_ENABLE;
    this.regs.setRaw32(R.STATUS, s);
  }

  // ---- reset and snapshot --------------------------------------------------------------------

  /** Function-level reset / power-on. */
  reset(): void {
    this.intxDisabled = false;
    this.resetDevice();
    this.ioaddr = 0;
  }

  /** CTRL.RST: registers to their table values, EEPROM reloaded into RA[0], queues flushed. */
  private resetDevice(): void {
    this.regs.reset();
    this.phy.reset();
    this.rx.reset();
    this.tx.reset();
    this.itr.cancel();
    this.loadReceiveAddress();
    this.refreshStatus();
    this.irqLevel = false;
    this.ctx.intx.set(false);
  }

  private loadReceiveAddress(): void {
    const m = this.mac;
    this.regs.setRaw32(R.RA, (m[0] | (m[1] << 8) | (m[2] << 16) | (m[3] << 24)) >>> 0);
    this.regs.setRaw32(R.RA + 4, (m[4] | (m[5] << 8) | R.RAH_AV) >>> 0);
  }

  save(): E1000State {
    return {
      version: 2,
      frames: { ...this.frames },
      mac: formatMac(this.mac),
      eeprom: Array.from(this.eeprom),
      regs: this.regs.save(),
      phy: this.phy.save(),
      ioaddr: this.ioaddr,
      intxDisabled: this.intxDisabled,
      rx: this.rx.save(),
      tx: this.tx.save(),
    };
  }

  /** Restores into a plugged device; the INTx level is recomputed from ICR.INT_ASSERTED. */
  restore(s: E1000State): void {
    checkVersion(this.id, s, 2);
    // Snapshots from before the byte counters had none: they start again from 0.
    Object.assign(this.frames, { rxBytes: 0, txBytes: 0 }, s.frames);
    this.mac = this.parseOptionMac(s.mac);
    this.eeprom = Uint16Array.from(s.eeprom);
    this.regs.restore(s.regs);
    this.phy.restore(s.phy);
    this.ioaddr = s.ioaddr;
    this.intxDisabled = s.intxDisabled;
    this.rx.restore(s.rx);
    this.tx.restore(s.tx);
    this.irqLevel = (this.regs.raw32(R.ICR) & R.ICR_INT_ASSERTED) !== 0;
    this.ctx.intx.set(this.irqLevel && !this.intxDisabled);
  }
}

