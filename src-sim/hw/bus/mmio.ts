/**
 * The host-physical MMIO space that memory BARs, the VT-d register blocks and the I/O APIC
 * decode in. Addresses are numbers (exact below 2^53, well above any 2007 physical address).
 */
import { AddressSpace } from './address-space.ts';

/** 52 bits: the widest physical address any x86 of the era (or since) decodes. */
export const MMIO_LIMIT = 2 ** 52;

export class MmioSpace extends AddressSpace {
  constructor() {
    super('MMIO', MMIO_LIMIT);
  }
}
