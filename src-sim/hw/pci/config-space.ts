/**
 * One function's configuration space on the shared RegisterFile (QEMU's pci_default_write_config
 * with config/wmask/w1cmask; cloud-hypervisor's PciConfiguration). Guest accesses are split at
 * register boundaries so each register's masks and side effects apply; the side effects are the
 * hardware's own — COMMAND decode enables, BAR writes (a move intent to the BAR's owner),
 * bridge bus numbers and windows — reported to listeners, never applied here.
 */
import { RegisterFile, type RegisterDef, type RegisterFileState } from '../regs/register-file.ts';
import { barBase, isSizingProbe, type BarMoveIntent } from './bar.ts';
import type { BarInfo, ConfigHook, ConfigLayout } from './config-layout.ts';
import * as R from './pci-regs.ts';

/** Read once: `R.X` is a getter under a CommonJS transform, and routing reads the header type per config cycle. */
const { PCI_HEADER_TYPE } = R;

export interface ConfigListeners {
  /** A BAR now decodes somewhere else (not reported while it holds the sizing probe). */
  barMove?: (intent: BarMoveIntent) => void;
  /** COMMAND changed: I/O or memory decode, bus mastering, INTx disable. */
  command?: (old: number, value: number) => void;
  /** A type-1 register changed: bus numbers or a window (the routing reads them live). */
  bridge?: (reg: string, old: number, value: number) => void;
  /** A register whose row names a hook changed: the device model hears COMMAND and MSI enable. */
  written?: (hook: ConfigHook, reg: RegisterDef, old: number, value: number) => void;
}

export interface ConfigSpaceState {
  version: 1;
  registers: RegisterFileState;
  /** Where each BAR's owner last applied it (hex), so restored moves compare correctly. */
  applied: Record<string, string>;
}


export class PciConfigSpace {
  readonly regs: RegisterFile;
  /** Bytes a config access may reach; beyond, reads return all ones (no such register). */
  readonly size: number;
  readonly bars: readonly BarInfo[];
  readonly romSize: number;
  listeners: ConfigListeners = {};
  /** The base each BAR's owner last applied, by BAR index. */
  private readonly applied = new Map<number, number>();

  constructor(layout: ConfigLayout) {
    this.size = layout.size;
    this.bars = layout.bars;
    this.romSize = layout.romSize;
    this.regs = new RegisterFile(layout.size > 256 ? 4096 : 256, layout.defs);
  }

  get headerType(): number {
    return this.regs.bytes[PCI_HEADER_TYPE] & 0x7f;
  }

  get vendorId(): number {
    return this.read(R.PCI_VENDOR_ID, 2);
  }

  /** A configuration read of 1, 2 or 4 bytes; unclaimed bytes read 0, bytes past the end 0xff. */
  read(offset: number, size: 1 | 2 | 4): number {
    let value = 0;
    for (let done = 0; done < size; ) {
      const at = offset + done;
      const chunk = this.chunk(at, size - done);
      const part = at >= this.size ? 2 ** (8 * chunk) - 1 : this.regs.read(at, chunk);
      value += part * 2 ** (8 * done);
      done += chunk;
    }
    return value >>> 0;
  }

  /** A configuration write: each register it touches takes its writable bits, W1C bits clear. */
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const touched: { reg: RegisterDef; old: number }[] = [];
    for (let done = 0; done < size; ) {
      const at = offset + done;
      const chunk = this.chunk(at, size - done);
      if (at < this.size) {
        const reg = this.regs.registerAt(at);
        if (reg && !touched.some((t) => t.reg === reg)) touched.push({ reg, old: this.regs.get(reg.name) });
        this.regs.write(at, chunk, Math.floor(value / 2 ** (8 * done)) % 2 ** (8 * chunk));
      }
      done += chunk;
    }
    for (const { reg, old } of touched) this.afterWrite(reg, old);
  }

  /** The largest access ≤ `want` bytes at `at` that stays inside one register (1, 2 or 4). */
  private chunk(at: number, want: number): 1 | 2 | 4 {
    const reg = this.regs.registerAt(at);
    const end = reg ? reg.offset + reg.size : at + 1;
    const room = Math.min(want, end - at);
    return room >= 4 ? 4 : room >= 2 && at % 2 === 0 ? 2 : 1;
  }

  /** The row's hook, if any: its side effect goes to whoever owns it (platform or model). */
  private afterWrite(reg: RegisterDef, old: number): void {
    const hook = reg.onWrite as ConfigHook | undefined;
    if (!hook) return;
    const value = this.regs.get(reg.name);
    // A BAR write that changes nothing may still end a sizing probe: always re-check it.
    if (hook === 'bar') return this.checkBarMove((reg.offset - R.PCI_BASE_ADDRESS_0) >> 2);
    if (value === old) return;
    this.listeners.written?.(hook, reg, old, value);
    if (hook === 'command') this.listeners.command?.(old, value);
    else if (hook === 'bridge' && this.headerType === R.PCI_HEADER_TYPE_BRIDGE) this.listeners.bridge?.(reg.name, old, value);
  }

  private checkBarMove(index: number): void {
    const bar = this.bars.find((b) => b.index === index || (b.kind === 'mem64' && b.index + 1 === index));
    if (!bar || !bar.size) return;
    const read32 = (o: number) => this.regs.raw32(o);
    if (isSizingProbe(bar, read32)) return;
    const newBase = barBase(bar, read32);
    const oldBase = this.applied.get(bar.index);
    if (newBase === oldBase) return;
    this.listeners.barMove?.({ bar: bar.index, kind: bar.kind, size: bar.size, oldBase, newBase });
  }

  /** The owner reports that it applied a move (or the initial placement). */
  markApplied(bar: number, base: number): void {
    this.applied.set(bar, base);
  }

  appliedBase(bar: number): number | undefined {
    return this.applied.get(bar);
  }

  /** The address a BAR holds now (what a decoder would use when enabled). */
  barAddress(bar: BarInfo): number {
    return barBase(bar, (o) => this.regs.raw32(o));
  }

  /** Power-on / function-level reset: every register back to its declared reset value. */
  reset(): void {
    this.regs.reset();
    this.applied.clear();
  }

  /** A byte copy of the readable space (for dumps and inspectors). */
  image(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.read(i, 1);
    return out;
  }

  save(): ConfigSpaceState {
    const applied: Record<string, string> = {};
    for (const [bar, base] of this.applied) applied[String(bar)] = '0x' + base.toString(16);
    return { version: 1, registers: this.regs.save(), applied };
  }

  restore(s: ConfigSpaceState): void {
    if (s.version !== 1) throw new Error(`config space snapshot version ${s.version} is not 1`);
    this.regs.restore(s.registers);
    this.applied.clear();
    for (const [bar, base] of Object.entries(s.applied)) this.applied.set(Number(bar), parseInt(base, 16));
  }
}
