/**
 * The seed's HVM guest: 32-bit Fedora Core 5 (Linux 2.6.16), as far as the assigned NIC sees it.
 * It boots after hvmloader: programs its two 8259s (vectors 0x20 and 0x28), finds the e1000 by a
 * PCI scan through 0xCF8/0xCFC (which qemu-dm answers), turns bus mastering on (written through
 * to the real device), and opens it.
 *
 * In PIC mode (acpi=0, apic=0) its interrupt entry does what i8259.c's handler does: mask the
 * line and send the *specific* EOI at once (mask_and_ack_8259A), run the driver's handler, then
 * unmask. In IO-APIC mode (apic=1: hvmloader's tables) it masks the 8259s entirely, programs the
 * (virtual) IO-APIC from the tables (arch/i386/kernel/io_apic.ts), takes the NIC's interrupt on
 * the GSI the _PRT gives its slot, and EOIs at the local APIC after the handler.
 *
 * Its own views read what it sees, never host state: `lspci` through its config cycles (so
 * qemu-dm's virtual bus and the assigned device's virtualised header) and /proc/interrupts from
 * the counts its own interrupt entry kept.
 */
import type { Tracer } from '../../engine/index.ts';
import { KernelLog } from './printk.ts';
import { GuestE1000, type GuestBus, type GuestE1000State } from './drivers/net/e1000.ts';
import { MaliciousE1000, type GuestDomctl } from './drivers/net/e1000-attack.ts';
import { Guest8139, RX_BUF_TOT_LEN, type Guest8139State } from './drivers/net/8139too.ts';
import { conf1Read, conf1Write, GuestConf1Access } from './arch/i386/pci/direct.ts';
import { showInterrupts } from './fs/proc/interrupts.ts';
import { lspci, type LspciOptions } from '../lspci/lspci.ts';
import type { PciAccess } from '../lspci/ls-device.ts';
import type { HvmAcpiTables } from '../hvmloader/acpi.ts';
import { GuestIoApic } from './arch/i386/kernel/io_apic.ts';
import { SpuriousIrqs, type SpuriousState } from './kernel/irq/spurious.ts';

export interface GuestCpu extends GuestBus {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
  /** Installs the kernel's interrupt entry (IDT + sti). */
  setInterruptHandler(handler: (vector: number) => void): void;
  now(): number;
  /** HYPERVISOR_domctl on itself (only the malicious driver uses it). */
  domctl(op: GuestDomctl): number;
}

/** e1000_pci_tbl ids of the parts the simulator models: the 82540EM and the 8257x (82571EB / 82572EI). */
const E1000_IDS = new Set([0x100e, 0x105e, 0x105f, 0x1060, 0x107d, 0x107e, 0x107f, 0x10b9]);
/** Where the kernel's DMA-able allocations for the NIC start (guest-physical). */
const DMA_POOL = 0x0100_0000;

export interface Fc5GuestState {
  imr: number[];
  /** (irq, count) pairs of kstat_irqs. */
  kstat: [number, number][];
  actions: [number, string[]][];
  log: string[];
  nic?: GuestE1000State;
  /** The 8139too driver, when eth0 is qemu-dm's emulated RTL8139. */
  rtl?: Guest8139State;
  /** note_interrupt's window per IRQ that ever went unhandled: [irq, irq_count, irqs_unhandled, disabled]. */
  unhandled?: SpuriousState;
}

/** Where the 8139too driver's rings go (guest-physical), past the e1000's pool. */
const DMA_POOL_8139 = 0x0200_0000;

export class Fc5Guest {
  readonly log: KernelLog;
  nic?: GuestE1000;
  /** The emulated RTL8139's driver, when the guest's eth0 is qemu-dm's NIC. */
  rtl?: Guest8139;
  private imr = [0xff, 0xff];
  /** kstat_cpu(0).irqs: counted by __do_IRQ on entry, handled or not. */
  private readonly kstat = new Map<number, number>();
  /** IO-APIC mode: the kernel's IO-APIC routing, set up at boot from hvmloader's tables. */
  private ioapic?: GuestIoApic;
  /** note_interrupt's windows, for lines that went unhandled. */
  private readonly spurious: SpuriousIrqs;
  /** irq_desc[].action names: setup_irq / request_irq in registration order. */
  private readonly actions = new Map<number, string[]>();

  constructor(
    private readonly cpu: GuestCpu,
    tracer: Tracer,
    domid: number,
    /**
     * hvmloader's hvm_info (acpi/apic from the config): with APIC tables the kernel runs in
     * IO-APIC mode — the 8259s fully masked, device interrupts expected from the IO-APIC.
     */
    private readonly apicMode = false,
    /** Bind the malicious driver (e1000-attack.ts) to the NIC instead of e1000. */
    private readonly malicious = false,
    /** hvmloader's MADT/_PRT (IO-APIC mode): without them an apic=1 kernel has no routing to program. */
    private readonly tables?: HvmAcpiTables,
  ) {
    this.log = new KernelLog(tracer, `dom${domid}`);
    this.spurious = new SpuriousIrqs(this.log);
  }

  private cfgRead(devfn: number, reg: number, size: 1 | 2 | 4): number {
    return conf1Read(this.cpu, 0, devfn, reg, size);
  }

  private cfgWrite(devfn: number, reg: number, size: 1 | 2 | 4, value: number): void {
    conf1Write(this.cpu, 0, devfn, reg, size, value);
  }

  /** The guest's PCI bus as its own config cycles read it (for lspci). */
  pciAccess(): PciAccess {
    return new GuestConf1Access(this.cpu);
  }

  /** `lspci [opts]` run inside the guest. */
  lspci(opts: LspciOptions = {}): string {
    return lspci(this.pciAccess(), opts);
  }

  /** Interrupts the guest's do_IRQ took on a PIC line (kstat_irqs). */
  interruptCount(irq: number): number {
    return this.kstat.get(irq) ?? 0;
  }

  /**
   * `cat /proc/interrupts` in the guest: one CPU, the actions it registered. Timer ticks are
   * counted like any other line, but qemu-dm's PIT is not modelled, so IRQ 0 only counts what
   * really arrived (nothing yet); no NMI watchdog, no local APIC timer (apic=0), no spurious
   * IRQ 7 (ERR) and no IO-APIC mismatch (MIS) occur in this model.
   */
  procInterrupts(): string {
    const rows = [...this.actions].map(([irq, names]) => ({ irq, counts: [this.interruptCount(irq)], typename: this.chipName(irq), actions: names }));
    return showInterrupts(1, rows, { nmi: [0], loc: [0], err: 0, mis: 0 });
  }

  /** The irq_chip typename: the 8259A in PIC mode; in IO-APIC mode PCI lines are level, ISA edge. */
  private chipName(irq: number): string {
    if (!this.apicMode) return 'XT-PIC';
    const e = this.ioapic?.irqByNumber(irq);
    return (e ? e.level : irq === this.nic?.irq) ? 'IO-APIC-level' : 'IO-APIC-edge';
  }

  /** Snapshot: the 8259 masks it wrote, its interrupt counts and actions, its log and its NIC driver. */
  save(): Fc5GuestState {
    const s: Fc5GuestState = { imr: [...this.imr], kstat: [...this.kstat], actions: [...this.actions].map(([irq, n]) => [irq, [...n]]), log: [...this.log.lines], nic: this.nic?.save() };
    if (this.rtl) s.rtl = this.rtl.save();
    const unhandled = this.spurious.save();
    if (unhandled) s.unhandled = unhandled;
    return s;
  }

  /** The driver object exists by construction (boot replayed); this loads its fields. */
  restore(s: Fc5GuestState): void {
    if (!!s.nic !== !!this.nic) throw new Error(`the guest's e1000 driver is ${this.nic ? 'bound' : 'not bound'} here but ${s.nic ? 'was' : 'was not'} in the snapshot`);
    this.imr = [...s.imr];
    this.kstat.clear();
    for (const [irq, n] of s.kstat) this.kstat.set(irq, n);
    this.actions.clear();
    for (const [irq, n] of s.actions) this.actions.set(irq, [...n]);
    this.log.lines.splice(0, this.log.lines.length, ...s.log);
    this.spurious.restore(s.unhandled);
    if (s.nic) this.nic!.restore(s.nic);
    if (!!s.rtl !== !!this.rtl) throw new Error(`the guest's 8139too driver is ${this.rtl ? 'bound' : 'not bound'} here but ${s.rtl ? 'was' : 'was not'} in the snapshot`);
    if (s.rtl) this.rtl!.restore(s.rtl);
  }

  private setupIrq(irq: number, name: string): void {
    this.actions.set(irq, [...(this.actions.get(irq) ?? []), name]);
  }

  boot(): void {
    const out = (p: number, v: number) => this.cpu.portWrite(p, 1, v);
    [0x11, 0x20, 0x04, 0x01].forEach((v, i) => out(i ? 0x21 : 0x20, v));
    [0x11, 0x28, 0x02, 0x01].forEach((v, i) => out(i ? 0xa1 : 0xa0, v));
    // PIC mode leaves the cascade open; IO-APIC mode (init_IO_APIC_traps) masks the 8259s entirely.
    this.imr = this.apicMode ? [0xff, 0xff] : [0xff & ~(1 << 2), 0xff];
    out(0x21, this.imr[0]);
    out(0xa1, this.imr[1]);
    if (this.apicMode && this.tables) {
      this.ioapic = new GuestIoApic(this.cpu, this.tables, this.log);
      this.ioapic.setup();
    }
    this.cpu.setInterruptHandler((v) => (this.ioapic ? this.doIoApicIrq(v) : this.doIrq(v)));
    // time_init's setup_irq(0, "timer"); the cascade action exists only without an IO-APIC.
    this.setupIrq(0, 'timer');
    if (!this.apicMode) this.setupIrq(2, 'cascade');
    for (let devfn = 0; devfn < 256; devfn += 1) {
      const id = this.cfgRead(devfn, 0, 4);
      if (id === 0xffffffff || (id & 0xffff) !== 0x8086 || !E1000_IDS.has(id >>> 16)) continue;
      this.probeE1000(devfn);
      break;
    }
    // FC5's modprobe.conf names one eth0 driver, the one kudzu found at install: the seed
    // guest's is e1000 (its emulated NIC stays unused); a guest without it runs 8139too.
    if (!this.nic) this.probe8139();
  }

  private probe8139(): void {
    for (let devfn = 0; devfn < 256; devfn += 8) {
      if (this.cfgRead(devfn, 0, 4) !== 0x813910ec) continue;
      const io = this.cfgRead(devfn, 0x10, 4) & ~0x3;
      const irq = this.cfgRead(devfn, 0x3c, 1);
      this.cfgWrite(devfn, 0x04, 2, this.cfgRead(devfn, 0x04, 2) | 0x5);
      this.rtl = new Guest8139(this.cpu, this.log, 'eth0', io, irq, DMA_POOL_8139);
      this.rtl.open();
      this.setupIrq(irq, this.rtl.name);
      this.enableIrq(irq);
      return;
    }
  }

  /** The driver memory the 8139too rings occupy (guest-physical [start, end)), when bound. */
  get rtlDmaRange(): [number, number] | undefined {
    return this.rtl ? [DMA_POOL_8139, DMA_POOL_8139 + RX_BUF_TOT_LEN] : undefined;
  }

  private probeE1000(devfn: number): void {
    const bar0 = this.cfgRead(devfn, 0x10, 4) & ~0xf;
    const line = this.cfgRead(devfn, 0x3c, 1);
    const bdf = `0000:00:${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`;
    const irq = this.ioapic?.enablePciIrq(bdf, devfn >> 3, this.cfgRead(devfn, 0x3d, 1)) ?? line;
    // pci_enable_device + pci_set_master.
    this.cfgWrite(devfn, 0x04, 2, this.cfgRead(devfn, 0x04, 2) | 0x7);
    const Driver = this.malicious ? MaliciousE1000 : GuestE1000;
    this.nic = new Driver(this.cpu, this.log, 'eth0', bar0 >>> 0, irq, DMA_POOL, () => this.cpu.now());
    this.nic.open();
    // e1000_open: request_irq(irq, e1000_intr, SA_SHIRQ, netdev->name).
    this.setupIrq(irq, this.nic.name);
    this.enableIrq(irq);
  }

  private setImr(irq: number, masked: boolean): void {
    const chip = irq < 8 ? 0 : 1;
    const bit = 1 << (irq & 7);
    this.imr[chip] = masked ? this.imr[chip] | bit : this.imr[chip] & ~bit;
    this.cpu.portWrite(chip ? 0xa1 : 0x21, 1, this.imr[chip]);
  }

  private enableIrq(irq: number): void {
    // In IO-APIC mode the line is enabled at the (virtual) IO-APIC, never at the 8259s.
    if (!this.apicMode) this.setImr(irq, false);
  }

  /** do_IRQ for a PIC vector: mask_and_ack_8259A (specific EOI), the handler, end_8259A_irq. */
  private doIrq(vector: number): void {
    const irq = vector - 0x20;
    if (irq < 0 || irq > 15) return;
    this.count(irq);
    this.setImr(irq, true);
    if (irq >= 8) {
      this.cpu.portWrite(0xa0, 1, 0x60 + (irq & 7));
      this.cpu.portWrite(0x20, 1, 0x62);
    } else this.cpu.portWrite(0x20, 1, 0x60 + irq);
    // A shared ISA line runs every action on it; the line counts as handled if any claimed it.
    let handled = false;
    if (this.nic && irq === this.nic.irq) handled = this.nic.interrupt() || handled;
    if (this.rtl && irq === this.rtl.irq) handled = this.rtl.interrupt() || handled;
    if (this.spurious.note(irq, handled)) this.setImr(irq, false);
  }

  private count(irq: number): void {
    this.kstat.set(irq, (this.kstat.get(irq) ?? 0) + 1);
  }

  /**
   * do_IRQ for an IO-APIC vector: an edge IRQ is acknowledged at the local APIC first
   * (ack_edge_ioapic_irq), a level one after its handler ran (end_level_ioapic_irq), so the
   * line's Remote IRR stays set while the driver works. A vector with no IRQ is only acked.
   */
  private doIoApicIrq(vector: number): void {
    const apic = this.ioapic!;
    const e = apic.irqOf(vector);
    if (!e) return apic.ackApicIrq();
    this.count(e.irq);
    if (!e.level) apic.ackApicIrq();
    if (this.nic && e.irq === this.nic.irq) this.nic.interrupt();
    if (e.level) apic.ackApicIrq();
  }
}
