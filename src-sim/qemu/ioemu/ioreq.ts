/**
 * qemu-dm's side of the ioreq channel (tools/ioemu/target-i386-dm/helper2.c, hw/pci_host.h): the
 * guest's port accesses Xen did not handle. PCI configuration mechanism #1 at 0xCF8/0xCFC is
 * decoded onto the guest's emulated bus; an unclaimed port reads as all-ones and swallows
 * writes (default_ioport_readb/writeb); unclaimed MMIO likewise.
 */
import type { IoreqServer } from '../../xen/arch/x86/hvm/io.ts';
import type { PciBus } from './hw/pci.ts';
import type { IoportTable } from './ioport.ts';

const ALL_ONES = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

export class QemuIoreq implements IoreqServer {
  private configAddress = 0;

  constructor(
    private readonly bus: PciBus,
    /** Ports emulated devices claimed when the guest mapped their I/O BARs. */
    private readonly ioports?: IoportTable,
  ) {}

  /** Snapshot: the latched CONFIG_ADDRESS. */
  save(): { configAddress: number } {
    return { configAddress: this.configAddress };
  }

  restore(s: { configAddress: number }): void {
    this.configAddress = s.configAddress >>> 0;
  }

  private target(): { devfn: number; reg: number } | undefined {
    const a = this.configAddress;
    if (!(a & 0x80000000) || ((a >>> 16) & 0xff) !== 0) return undefined;
    return { devfn: (a >>> 8) & 0xff, reg: a & 0xfc };
  }

  portRead(port: number, size: 1 | 2 | 4): number {
    if (port === 0xcf8 && size === 4) return this.configAddress;
    if (port >= 0xcfc && port <= 0xcff) {
      const t = this.target();
      const d = t && this.bus.device(t.devfn);
      return d ? d.readConfig(t.reg + (port & 3), size) : ALL_ONES[size];
    }
    const dev = this.ioports?.lookup(port);
    return dev ? dev.handler.read(dev.offset, size) : ALL_ONES[size];
  }

  portWrite(port: number, size: 1 | 2 | 4, value: number): void {
    if (port === 0xcf8 && size === 4) {
      this.configAddress = value >>> 0;
      return;
    }
    if (port >= 0xcfc && port <= 0xcff) {
      const t = this.target();
      if (t) this.bus.device(t.devfn)?.writeConfig(t.reg + (port & 3), value, size);
      return;
    }
    const dev = this.ioports?.lookup(port);
    dev?.handler.write(dev.offset, size, value);
  }

  mmioRead(_gpa: number, size: 1 | 2 | 4): number {
    return ALL_ONES[size];
  }

  mmioWrite(): void {}
}
