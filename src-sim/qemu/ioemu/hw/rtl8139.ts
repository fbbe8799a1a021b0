/**
 * qemu-dm's emulated RealTek 8139 (tools/ioemu/hw/rtl8139.c, 2007): the NIC xend gives an HVM
 * guest for a `type=ioemu` vif (image.py's default model is rtl8139). The guest reaches its
 * register file (rtl8139_regs.ts) through I/O BAR 0 — every access a round trip through Xen's
 * ioreq to qemu-dm — or the same registers through MMIO BAR 1. Received frames (from the tap on
 * dom0's bridge) are written into the guest's receive ring at RBSTART: a 4-byte header (status,
 * length with CRC), the frame, its CRC, 4-byte aligned, CBR advanced; the guest frees space by
 * moving CAPR (which reads 16 below qemu's RxBufPtr). A TSDn write sends the frame at TSADn.
 * The interrupt line is `ISR & IMR`, driven through the PIIX3 to Xen (xc_hvm_set_pci_intx_level),
 * which routes it to the guest's virtual PIC as the guest programmed the PCI links.
 */
import { checkVersion } from '../../../engine/snapshot.ts';
import type { Scope } from '../../../engine/scope.ts';
import { RegisterFile, type RegisterFileState } from '../../../hw/regs/register-file.ts';
import { crc32 } from '../../../hw/net/ethernet.ts';
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { xcHvmSetPciIntxLevel } from '../../../xen/tools/libxc/xc_linux.ts';
import { cpuPhysicalMemoryRw } from '../target-i386-dm/exec-dm.ts';
import type { IoportTable } from '../ioport.ts';
import { PCI_ADDRESS_SPACE_IO, PCI_ADDRESS_SPACE_MEM, PciDevice, configFromIds } from './pci.ts';
import * as R from './rtl8139_regs.ts';

export const RTL8139_IDS = { vendor: 0x10ec, device: 0x8139, classCode: 0x020000, revision: 0x20, interruptPin: 1, subsystemVendor: 0x10ec, subsystem: 0x8139 };

export interface Rtl8139Stats {
  rxFrames: number;
  rxBytes: number;
  /** Frames dropped: receiver off, not for us, or no room in the ring (RxOverflow). */
  rxDropped: number;
  txFrames: number;
  txBytes: number;
}

export interface Rtl8139State {
  version: 1;
  regs: RegisterFileState;
  irqLevel: boolean;
  stats: Rtl8139Stats;
}

export interface Rtl8139Host {
  xc: XcHandle;
  domid: number;
  ioports: IoportTable;
}

export class Rtl8139 extends PciDevice {
  readonly regs = new RegisterFile(R.RTL8139_IO_SIZE, R.RTL8139_REGISTERS);
  readonly stats: Rtl8139Stats = { rxFrames: 0, rxBytes: 0, rxDropped: 0, txFrames: 0, txBytes: 0 };
  private irqLevel = false;
  /** qemu_send_packet: the VLAN peer (the tap on dom0's bridge). */
  send?: (frame: Uint8Array) => void;
  private readonly io = { read: (o: number, s: 1 | 2 | 4) => this.regs.read(o, s), write: (o: number, s: 1 | 2 | 4, v: number) => this.regs.write(o, s, v) };

  constructor(
    devfn: number,
    readonly mac: Uint8Array,
    private readonly host: Rtl8139Host,
    scope?: Scope,
  ) {
    super('rtl8139', devfn, configFromIds(RTL8139_IDS));
    this.registerRegion(0, R.RTL8139_IO_SIZE, PCI_ADDRESS_SPACE_IO, (_r, addr) => host.ioports.register(addr, R.RTL8139_IO_SIZE, this.io));
    this.registerRegion(1, R.RTL8139_IO_SIZE, PCI_ADDRESS_SPACE_MEM);
    this.regs.bindHooks({
      write: { command: (_d, _o, v) => this.command(v), transmit: (d) => this.transmit((d.offset - R.TSD0) / 4), capr: () => this.updateBufe(), irq: () => this.updateIrq() },
      read: { commandRead: () => this.updateBufe() },
    });
    this.reset();
    scope?.register({ version: 1, save: () => this.save(), restore: (s: Rtl8139State) => this.restore(s), target: this });
  }

  /** rtl8139_reset: the table's reset values, then the station address from the EEPROM (the -net nic macaddr). */
  private reset(): void {
    this.regs.reset();
    for (let i = 0; i < 6; i++) this.regs.bytes[R.IDR0 + i] = this.mac[i];
    this.updateIrq();
  }

  private command(value: number): void {
    if (value & R.CR_RST) {
      this.reset();
      return;
    }
    this.updateBufe();
  }

  private get bufferSize(): number {
    return 8192 << ((this.regs.get('RCR') >> 11) & 3);
  }

  /** qemu's RxBufPtr: the guest's CAPR + 16. */
  private get rxBufPtr(): number {
    return (this.regs.get('CAPR') + 16) % this.bufferSize;
  }

  private updateBufe(): void {
    const empty = this.regs.get('CBR') === this.rxBufPtr;
    this.regs.setClear('CR', empty ? R.CR_BUFE : 0, empty ? 0 : R.CR_BUFE);
  }

  /** The INTx level follows ISR & IMR; only a change goes to Xen. */
  private updateIrq(): void {
    const level = (this.regs.get('ISR') & this.regs.get('IMR')) !== 0;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    xcHvmSetPciIntxLevel(this.host.xc, this.host.domid, 0, this.devfn >> 3, this.config[0x3d] - 1, level);
  }

  private raise(bits: number): void {
    this.regs.set('ISR', this.regs.get('ISR') | bits);
    this.updateIrq();
  }

  /** rtl8139_receive from the VLAN: filtered by RCR, written into the guest's ring. */
  receive(frame: Uint8Array): void {
    const rcr = this.regs.get('RCR');
    const broadcast = frame[0] === 0xff && frame.subarray(0, 6).every((b) => b === 0xff);
    const ours = frame.subarray(0, 6).every((b, i) => b === this.mac[i]);
    const accept = (this.regs.get('CR') & R.CR_RE) !== 0 && (rcr & R.RCR_AAP || (ours && rcr & R.RCR_APM) || (broadcast && rcr & R.RCR_AB));
    if (!accept) {
      this.stats.rxDropped++;
      return;
    }
    const size = this.bufferSize;
    const addr = this.regs.get('CBR');
    const avail = (size + this.rxBufPtr - addr) % size;
    if (avail !== 0 && frame.length + 8 >= avail) {
      this.stats.rxDropped++;
      this.raise(R.ISR_RXOVW);
      return;
    }
    const packet = new Uint8Array(4 + frame.length + 4);
    const status = R.RXSTAT_ROK | (broadcast ? R.RXSTAT_BAR : ours ? R.RXSTAT_PAM : 0);
    const len = frame.length + 4;
    packet.set([status & 0xff, status >> 8, len & 0xff, len >> 8], 0);
    packet.set(frame, 4);
    const crc = crc32(frame, 0, frame.length);
    packet.set([crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24], 4 + frame.length);
    this.writeRing(addr, packet, size, (rcr & R.RCR_NOWRAP) !== 0);
    this.regs.set('CBR', (addr + ((packet.length + 3) & ~3)) % size);
    this.stats.rxFrames++;
    this.stats.rxBytes += frame.length;
    this.updateBufe();
    this.raise(R.ISR_ROK);
  }

  /** rtl8139_write_buffer: past the end the bytes wrap to RBSTART, unless RxNoWrap lets them run on. */
  private writeRing(addr: number, packet: Uint8Array, size: number, noWrap: boolean): void {
    const base = this.regs.get('RBSTART');
    const first = noWrap ? packet.length : Math.min(packet.length, size - addr);
    cpuPhysicalMemoryRw(this.host.xc, this.host.domid, base + addr, packet.subarray(0, first), true);
    if (first < packet.length) cpuPhysicalMemoryRw(this.host.xc, this.host.domid, base, packet.subarray(first), true);
  }

  /** rtl8139_transmit_one: the driver handed descriptor `n` over by clearing OWN in its TSD write. */
  private transmit(n: number): void {
    const name = `TSD${n}`;
    const tsd = this.regs.get(name);
    if (!(this.regs.get('CR') & R.CR_TE) || tsd & R.TSD_OWN) return;
    const frame = new Uint8Array(tsd & R.TSD_SIZE);
    cpuPhysicalMemoryRw(this.host.xc, this.host.domid, this.regs.get(`TSAD${n}`), frame, false);
    this.regs.set(name, tsd | R.TSD_OWN | R.TSD_TOK);
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    this.send?.(frame);
    this.raise(R.ISR_TOK);
  }

  save(): Rtl8139State {
    return { version: 1, regs: this.regs.save(), irqLevel: this.irqLevel, stats: { ...this.stats } };
  }

  restore(s: Rtl8139State): void {
    checkVersion('rtl8139', s, 1);
    this.regs.restore(s.regs);
    this.irqLevel = s.irqLevel;
    Object.assign(this.stats, s.stats);
  }
}
