/**
 * The x86 I/O port space (64 KiB of ports, `inb`/`outb` and friends): the 8259s at 0x20/0xA0,
 * PCI configuration mechanism #1 at 0xCF8/0xCFC, I/O BARs (E1000 IOADDR/IODATA).
 */
import { AddressSpace } from './address-space.ts';

export const IO_PORT_LIMIT = 0x10000;

export class IoPortSpace extends AddressSpace {
  constructor() {
    super('I/O port', IO_PORT_LIMIT);
  }
}
