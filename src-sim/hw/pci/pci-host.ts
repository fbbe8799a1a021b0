/**
 * The host bridge and its PCI hierarchy (the Q35/ICH9-era MCH: QEMU's i440fx/q35 host plus
 * pci_host.c). It owns the root buses of each segment, routes configuration cycles by bus
 * number through bridges, answers configuration mechanism #1 on I/O ports 0xCF8/0xCFC, and is
 * the owner that applies BAR move intents to the platform's I/O-port and MMIO decoders.
 */
import { formatBdf, type Bdf } from '../../../src-shared/units/bdf.ts';
import { defineTrace, type Tracer } from '../../engine/trace.ts';
import type { IoPortSpace } from '../bus/ioport.ts';
import type { MmioSpace } from '../bus/mmio.ts';
import type { BarMoveIntent } from './bar.ts';
import type { BarInfo } from './config-layout.ts';
import { PciBus } from './pci-bus.ts';
import { PciFunction, type PciFunctionState } from './pci-function.ts';
import { PCI_COMMAND_IO, PCI_COMMAND_MEMORY } from './pci-regs.ts';

export const CONFIG_ADDRESS_PORT = 0xcf8;
export const CONFIG_DATA_PORT = 0xcfc;

export const tracePciBarMove = defineTrace<{ fn: string; bar: number; from: string; to: string; size: number }>(
  'pci.bar_move',
  (f) => `${f.fn} BAR${f.bar} ${f.from} -> ${f.to} (${f.size} bytes)`,
);
export const tracePciBarConflict = defineTrace<{ fn: string; bar: number; error: string }>('pci.bar_conflict', (f) => `${f.fn} BAR${f.bar} not decoded: ${f.error}`);

export interface PciHostState {
  version: 1;
  configAddress: number;
  functions: Record<string, PciFunctionState>;
}

export interface PciHostWiring {
  io?: IoPortSpace;
  mmio?: MmioSpace;
  tracer?: Tracer;
}

export class PciHost {
  private readonly roots = new Map<number, PciBus[]>();
  private readonly all: PciFunction[] = [];
  /** The latched CONFIG_ADDRESS dword (mechanism #1). */
  private configAddress = 0;

  constructor(private readonly wiring: PciHostWiring = {}) {
    wiring.io?.map('pci.config_address', CONFIG_ADDRESS_PORT, 4, {
      read: (off, size) => (off === 0 && size === 4 ? this.configAddress >>> 0 : 0xffffffff >>> (32 - 8 * size)),
      // Only a dword write latches the address; byte writes to 0xCF8-0xCFB are other registers.
      write: (off, size, v) => {
        if (off === 0 && size === 4) this.configAddress = v >>> 0;
      },
    });
    wiring.io?.map('pci.config_data', CONFIG_DATA_PORT, 4, {
      read: (off, size) => this.mechanism1Read(off, size),
      write: (off, size, v) => this.mechanism1Write(off, size, v),
    });
  }

  /** A root bus the host bridge decodes directly (bus 0; extra roots such as an uncore bus ff). */
  rootBus(segment: number, number: number): PciBus {
    const list = this.roots.get(segment) ?? [];
    let bus = list.find((b) => b.number === number);
    if (!bus) {
      bus = new PciBus(segment, undefined, number);
      list.push(bus);
      list.sort((a, b) => a.number - b.number);
      this.roots.set(segment, list);
    }
    return bus;
  }

  get segments(): number[] {
    return [...this.roots.keys()].sort((a, b) => a - b);
  }

  /** The bus a config cycle for `bus` in `segment` reaches now, or undefined (master abort). */
  routeBus(segment: number, bus: number): PciBus | undefined {
    const list = this.roots.get(segment);
    if (!list) return undefined;
    for (const root of list) if (root.number === bus) return root;
    for (const root of list) {
      const hit = root.route(bus);
      if (hit) return hit;
    }
    return undefined;
  }

  find(b: Bdf): PciFunction | undefined {
    return this.routeBus(b.segment, b.bus)?.at((b.device << 3) | b.fn);
  }

  /**
   * Places a function at its address: on the root bus of that number, or on the secondary
   * bus of the bridge that claims it; a bus nothing claims becomes another root bus (as the
   * extra root buses of imported machines are).
   */
  attach(fn: PciFunction): void {
    const { segment, bus } = fn.bdf;
    const target = this.routeBus(segment, bus) ?? this.rootBus(segment, bus);
    target.plug(fn);
    if (fn.isBridge) fn.secondaryBus = new PciBus(segment, fn);
    this.all.push(fn);
    fn.config.listeners = {
      ...fn.config.listeners,
      barMove: (intent) => this.applyMove(fn, intent),
      command: (old, value) => this.commandChanged(fn, old, value),
    };
    this.placeInitialBars(fn);
  }

  get functions(): readonly PciFunction[] {
    return this.all;
  }

  // ---- configuration cycles ------------------------------------------------------------------

  /** An ECAM-style access (any segment, 4 KiB per function): all ones when nothing answers. */
  configRead(b: Bdf, offset: number, size: 1 | 2 | 4): number {
    const fn = this.find(b);
    if (!fn) return 0xffffffff >>> (32 - 8 * size);
    return fn.config.read(offset, size);
  }

  configWrite(b: Bdf, offset: number, size: 1 | 2 | 4, value: number): void {
    this.find(b)?.config.write(offset, size, value);
  }

  /**
   * The function CONFIG_ADDRESS selects now (segment 0; bus, devfn), or undefined when the
   * enable bit is clear or nothing answers. Decoded without building a Bdf: Xen's and dom0's
   * brute-force scans run this 65536 times each.
   */
  private mechanism1Function(): PciFunction | undefined {
    const a = this.configAddress;
    if (!(a & 0x80000000)) return undefined;
    return this.routeBus(0, (a >>> 16) & 0xff)?.at((a >>> 8) & 0xff);
  }

  private mechanism1Read(off: number, size: 1 | 2 | 4): number {
    const fn = this.mechanism1Function();
    if (!fn) return 0xffffffff >>> (32 - 8 * size);
    return fn.config.read((this.configAddress & 0xfc) + off, size);
  }

  private mechanism1Write(off: number, size: 1 | 2 | 4, value: number): void {
    this.mechanism1Function()?.config.write((this.configAddress & 0xfc) + off, size, value);
  }

  // ---- BAR decoding: the host applies move intents ---------------------------------------------

  private decodeEnabled(fn: PciFunction, bar: BarInfo): boolean {
    return (fn.command & (bar.kind === 'io' ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) !== 0;
  }

  private space(bar: BarInfo) {
    return bar.kind === 'io' ? this.wiring.io : this.wiring.mmio;
  }

  private regionName(fn: PciFunction, bar: number): string {
    return `${fn.id} BAR${bar}`;
  }

  private mapBar(fn: PciFunction, bar: BarInfo, base: number): void {
    const space = this.space(bar);
    if (!space || !bar.size || !base || !this.decodeEnabled(fn, bar)) return;
    const r = space.tryMap(this.regionName(fn, bar.index), base, bar.size, {
      read: (off, size) => fn.barRead(bar.index, off, size),
      write: (off, size, v) => fn.barWrite(bar.index, off, size, v),
    });
    if (!r.ok) this.wiring.tracer?.emit(tracePciBarConflict, { fn: fn.id, bar: bar.index, error: r.error });
  }

  private unmapBar(fn: PciFunction, bar: BarInfo, base: number | undefined): void {
    if (base !== undefined) this.space(bar)?.unmap(this.regionName(fn, bar.index), base);
  }

  private placeInitialBars(fn: PciFunction): void {
    for (const bar of fn.config.bars) {
      const base = fn.config.barAddress(bar);
      fn.config.markApplied(bar.index, base);
      this.mapBar(fn, bar, base);
    }
  }

  private applyMove(fn: PciFunction, intent: BarMoveIntent): void {
    const bar = fn.config.bars.find((b) => b.index === intent.bar);
    if (!bar) return;
    this.unmapBar(fn, bar, intent.oldBase);
    fn.config.markApplied(bar.index, intent.newBase);
    this.mapBar(fn, bar, intent.newBase);
    const hex = (n: number | undefined) => (n === undefined ? 'unmapped' : '0x' + n.toString(16));
    this.wiring.tracer?.emit(tracePciBarMove, { fn: fn.id, bar: bar.index, from: hex(intent.oldBase), to: hex(intent.newBase), size: bar.size });
  }

  private commandChanged(fn: PciFunction, old: number, value: number): void {
    for (const bar of fn.config.bars) {
      const bit = bar.kind === 'io' ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
      if ((old & bit) === (value & bit)) continue;
      const base = fn.config.appliedBase(bar.index);
      if (value & bit) {
        if (base !== undefined) this.mapBar(fn, bar, base);
      } else this.unmapBar(fn, bar, base);
    }
  }

  private remapAll(): void {
    for (const fn of this.all) {
      for (const bar of fn.config.bars) {
        const base = fn.config.appliedBase(bar.index);
        this.unmapBar(fn, bar, base);
      }
    }
    for (const fn of this.all) {
      for (const bar of fn.config.bars) {
        const base = fn.config.appliedBase(bar.index);
        if (base !== undefined) this.mapBar(fn, bar, base);
      }
    }
  }

  // ---- reset and snapshots -------------------------------------------------------------------

  reset(): void {
    for (const fn of this.all) for (const bar of fn.config.bars) this.unmapBar(fn, bar, fn.config.appliedBase(bar.index));
    this.configAddress = 0;
    for (const fn of this.all) {
      fn.reset();
      this.placeInitialBars(fn);
    }
  }

  save(): PciHostState {
    const functions: Record<string, PciFunctionState> = {};
    for (const fn of this.all) functions[formatBdf(fn.bdf)] = fn.save();
    return { version: 1, configAddress: this.configAddress, functions };
  }

  restore(s: PciHostState): void {
    if (s.version !== 1) throw new Error(`PCI host snapshot version ${s.version} is not 1`);
    for (const fn of this.all) for (const bar of fn.config.bars) this.unmapBar(fn, bar, fn.config.appliedBase(bar.index));
    this.configAddress = s.configAddress >>> 0;
    for (const fn of this.all) {
      const st = s.functions[formatBdf(fn.bdf)];
      if (!st) throw new Error(`PCI host snapshot has no state for ${fn.id}`);
      fn.restore(st);
    }
    // Decoder mappings are derived state: rebuilt from the restored BARs and COMMAND.
    this.remapAll();
  }
}
