/**
 * The contract between a PCI function's device model (E1000, …) and the PCI layer that gives
 * it a config space, decodes its BARs and wires it to the platform (QEMU's PCIDeviceClass +
 * MemoryRegionOps split). The model declares its identity and BARs as data and handles BAR
 * accesses by (bar, offset); it never sees bus addresses, never decodes config cycles itself.
 */
import type { DmaPort } from '../memory/dma.ts';
import type { IrqPin } from '../intc/wire.ts';
import type { Scope } from '../../engine/scope.ts';

/**
 * The side effects a config register's row may name: COMMAND decode/master/INTx changes, a BAR
 * moved, a bridge's bus numbers or windows, MSI enable. PciConfigSpace acts on them.
 */
export type ConfigHook = 'command' | 'bar' | 'bridge' | 'msiControl';

export type BarKind = 'mem32' | 'mem64' | 'io';

export interface BarTemplate {
  /** BAR register index 0-5 (a mem64 BAR takes index and index+1). */
  index: number;
  kind: BarKind;
  /** Size in bytes, a power of two (≥ 16 for memory, ≥ 4 for I/O). */
  size: number;
  prefetchable?: boolean;
}

/** A capability's bytes after its ID/next-pointer header, plus which of them software may write. */
export interface CapabilityTemplate {
  /** PCI capability ID: 0x01 PM, 0x05 MSI, 0x10 PCI Express, … */
  id: number;
  /** Offset in config space where the capability starts. */
  offset: number;
  /** Bytes following the 2-byte header (ID, next). */
  body: readonly number[];
  /** Writable-bit masks for `body`, same length; omitted = read-only. */
  writable?: readonly number[];
  /** Write-1-to-clear masks for `body`, same length. */
  w1c?: readonly number[];
}

/**
 * A PCI Express extended capability (offset ≥ 0x100): the same shape, with `id` the extended
 * ID (0x0001 AER, 0x0003 Device Serial Number, …), `body` the bytes after its 4-byte header,
 * and the header's version.
 */
export interface ExtCapabilityTemplate extends CapabilityTemplate {
  version: number;
}

export interface PciConfigTemplate {
  vendorId: number;
  deviceId: number;
  revision: number;
  /** 24-bit class code: base class << 16 | subclass << 8 | prog-if. */
  classCode: number;
  subsystemVendorId: number;
  subsystemId: number;
  /** 0 none, 1 INTA#, … 4 INTD#. */
  interruptPin: number;
  bars: readonly BarTemplate[];
  capabilities: readonly CapabilityTemplate[];
  /** Optional, added compatibly: extended capabilities, chained from 0x100 in offset order. */
  extendedCapabilities?: readonly ExtCapabilityTemplate[];
  /** Config space size: 256 (PCI) or 4096 (PCI Express extended). */
  configSize: 256 | 4096;
}

/** What the platform gives a function when it is plugged in. */
export interface PciFunctionContext {
  /**
   * The function's scope, e.g. "pci.0000:02:00.0": its instance name, and the engine, random
   * streams, trace source and snapshot ids under that name; torn down on hot-unplug.
   */
  scope: Scope;
  /** DMA as this function's requester id, through the remapping unit where one covers it. */
  dma: DmaPort;
  /** The function's INTx pin (per its interrupt pin and the slot's swizzle). */
  intx: IrqPin;
  /** Whether COMMAND.Bus Master Enable is set: a function must not start DMA when it is clear. */
  busMasterEnabled(): boolean;
}

export interface PciFunctionModel<S = unknown> {
  readonly config: PciConfigTemplate;
  plug(ctx: PciFunctionContext): void;
  barRead(bar: number, offset: number, size: 1 | 2 | 4): number;
  barWrite(bar: number, offset: number, size: 1 | 2 | 4, value: number): void;
  /**
   * Optional: software changed a config register whose row names a side effect (`hook`:
   * "command", "msiControl", …; `reg` is the row's name, e.g. "MSI@d0.FLAGS"); `old`/`value`
   * are its values before and after. Models that ignore config writes need not implement it.
   */
  configWritten?(hook: ConfigHook, reg: string, old: number, value: number): void;
  /** The version of the state `save` returns (a world snapshot refuses another). */
  readonly stateVersion?: number;
  /** Function-level reset (also run at power-on). */
  reset(): void;
  save(): S;
  restore(state: S): void;
}
