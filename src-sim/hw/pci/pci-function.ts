/**
 * A PCI function in a slot: its configuration space and, when a device model backs it, the
 * model that handles its BAR accesses (QEMU's PCIDevice). An imported host's functions have
 * no model: they answer config cycles with their real bytes and their BARs read all ones.
 */
import { formatBdf, type Bdf } from '../../../src-shared/units/bdf.ts';
import type { PciFunctionModel } from './function-model.ts';
import { PciConfigSpace, type ConfigSpaceState } from './config-space.ts';
import type { PciBus } from './pci-bus.ts';
import * as R from './pci-regs.ts';

// Module-local copies of the registers routing reads on every config cycle: under a CommonJS
// transform (tsx, vitest) each `R.X` is a getter call, which showed in the boot profile.
const { PCI_HEADER_TYPE_BRIDGE, PCI_HEADER_TYPE_CARDBUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } = R;

export interface PciFunctionState {
  version: 1;
  config: ConfigSpaceState;
  model?: unknown;
}

export class PciFunction {
  /** The bus behind this function when it is a bridge (type-1 header). */
  secondaryBus?: PciBus;
  /** Set by the bus when the function is plugged. */
  bus?: PciBus;

  constructor(
    /** The address the function was placed at (its identity; routing reads bus numbers live). */
    readonly bdf: Bdf,
    readonly config: PciConfigSpace,
    readonly model?: PciFunctionModel,
  ) {}

  get id(): string {
    return `pci.${formatBdf(this.bdf)}`;
  }

  get devfn(): number {
    return (this.bdf.device << 3) | this.bdf.fn;
  }

  get isBridge(): boolean {
    const type = this.config.headerType;
    return type === PCI_HEADER_TYPE_BRIDGE || type === PCI_HEADER_TYPE_CARDBUS;
  }

  /** Secondary and subordinate bus numbers as programmed now (0/0 for a non-bridge). */
  get busRange(): { secondary: number; subordinate: number } {
    return { secondary: this.secondaryNumber, subordinate: this.isBridge ? this.config.regs.bytes[PCI_SUBORDINATE_BUS] : 0 };
  }

  /** The secondary bus number as programmed now (0 for a non-bridge); read on every routed config cycle, so it allocates nothing. */
  get secondaryNumber(): number {
    return this.isBridge ? this.config.regs.bytes[PCI_SECONDARY_BUS] : 0;
  }

  /** Whether this bridge forwards a type-1 cycle for bus `target` now ([secondary, subordinate], an unprogrammed 0 claims nothing). */
  forwardsBus(target: number): boolean {
    if (!this.isBridge) return false;
    const bytes = this.config.regs.bytes;
    const secondary = bytes[PCI_SECONDARY_BUS];
    return secondary !== 0 && target >= secondary && target <= bytes[PCI_SUBORDINATE_BUS];
  }

  get command(): number {
    return this.config.regs.get('COMMAND');
  }

  barRead(bar: number, offset: number, size: 1 | 2 | 4): number {
    if (this.model) return this.model.barRead(bar, offset, size);
    return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
  }

  barWrite(bar: number, offset: number, size: 1 | 2 | 4, value: number): void {
    this.model?.barWrite(bar, offset, size, value);
  }

  reset(): void {
    this.config.reset();
    this.model?.reset();
  }

  /**
   * Set when the model is a snapshot component of its own (registered under its scope's id):
   * the function's state is then its config space only.
   */
  modelSnapshotsItself = false;

  save(): PciFunctionState {
    const s: PciFunctionState = { version: 1, config: this.config.save() };
    if (this.model && !this.modelSnapshotsItself) s.model = this.model.save();
    return s;
  }

  restore(s: PciFunctionState): void {
    if (s.version !== 1) throw new Error(`${this.id}: snapshot version ${s.version} is not 1`);
    this.config.restore(s.config);
    if (this.model && !this.modelSnapshotsItself && s.model !== undefined) this.model.restore(s.model);
  }
}
