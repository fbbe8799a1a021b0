/**
 * Base Address Registers: decoding the address a BAR currently holds, recognising the
 * firmware's sizing probe, and the move intent a BAR write produces (cloud-hypervisor's
 * detect_bar_reprogramming / BarReprogrammingParams). The config space never moves a
 * mapping itself: the intent goes to the BAR's owner — the platform's decoder on the host,
 * qemu-dm (`xc_domain_memory_mapping`) for an assigned device — which applies it.
 */
import type { BarInfo } from './config-layout.ts';
import { PCI_BASE_ADDRESS_0 } from './pci-regs.ts';

export interface BarMoveIntent {
  bar: number;
  kind: BarInfo['kind'];
  size: number;
  /** The address the owner last applied (undefined: never mapped since reset). */
  oldBase: number | undefined;
  newBase: number;
}

/** Decoded base of `bar` given a dword reader of config space. */
export function barBase(bar: BarInfo, read32: (offset: number) => number): number {
  const lo = read32(PCI_BASE_ADDRESS_0 + 4 * bar.index) >>> 0;
  if (bar.kind === 'io') return (lo & ~0x3) >>> 0 & 0xffff;
  const base = (lo & ~0xf) >>> 0;
  if (bar.kind === 'mem64') return read32(PCI_BASE_ADDRESS_0 + 4 * (bar.index + 1)) * 2 ** 32 + base;
  return base;
}

/**
 * True while a BAR holds its sizing probe (every writable address bit set): the read-back
 * the firmware uses to learn the size, not an address anyone means to decode.
 */
export function isSizingProbe(bar: BarInfo, read32: (offset: number) => number): boolean {
  if (!bar.size) return false;
  const mask = bar.kind === 'io' ? 0xffff & ~(bar.size - 1) : (~Math.min(bar.size - 1, 0xffffffff) & ~0xf) >>> 0;
  const lo = read32(PCI_BASE_ADDRESS_0 + 4 * bar.index) >>> 0;
  const loProbe = (((bar.kind === 'io' ? lo & 0xffff : lo) & mask) >>> 0) === mask;
  if (bar.kind !== 'mem64') return loProbe;
  return loProbe || read32(PCI_BASE_ADDRESS_0 + 4 * (bar.index + 1)) >>> 0 === 0xffffffff;
}

/** The size firmware computes from a read-back (`~(v & mask) + 1`), as in the sizing protocol. */
export function sizeFromReadback(kind: BarInfo['kind'], lo: number, hi = 0): number {
  if (kind === 'io') return (~(lo & ~0x3) + 1) & 0xffff;
  if (kind === 'mem64') {
    const v = (hi >>> 0) * 2 ** 32 + ((lo & ~0xf) >>> 0);
    return v === 0 ? 0 : 2 ** 64 - v;
  }
  return ((~(lo & ~0xf) >>> 0) + 1) % 2 ** 32;
}

/** lspci's "[size=128K]" unit: the largest of "", K, M, G, T that divides exactly. */
export function formatSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (i < units.length - 1 && bytes % 1024 === 0) {
    bytes /= 1024;
    i++;
  }
  return `${bytes}${units[i]}`;
}
