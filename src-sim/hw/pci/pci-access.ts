/**
 * The host's configuration space as the OS sees it (Linux's /sys/bus/pci/devices/*: the list
 * of functions found by a config-cycle scan, each `config` file's size, the `resource` sizes).
 * lspci in the guest models reads the machine only through this.
 */
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import type { PciHost } from './pci-host.ts';

export interface HostConfigAccess {
  devices(): Bdf[];
  configSize(b: Bdf): number;
  read(b: Bdf, offset: number, size: 1 | 2 | 4): number;
  sizes(b: Bdf): { bars: number[]; rom: number } | undefined;
}

/**
 * Scans every bus the host bridge routes to, reading vendor IDs by config cycles. A function
 * that is there but whose config space reads all ones (powered down, or fallen off the link
 * after boot) stays listed, as Linux keeps it in sysfs: lspci then shows it as
 * "Illegal Vendor ID … (rev ff)" rather than not at all.
 */
export function scanFunctions(host: PciHost): Bdf[] {
  const found: Bdf[] = [];
  for (const segment of host.segments) {
    for (let bus = 0; bus < 256; bus++) {
      if (!host.routeBus(segment, bus)) continue;
      for (let devfn = 0; devfn < 256; devfn++) {
        const bdf = { segment, bus, device: devfn >> 3, fn: devfn & 7 };
        const vendor = host.configRead(bdf, 0, 2);
        if (vendor !== 0xffff || host.find(bdf)) found.push(bdf);
      }
    }
  }
  return found;
}

export function configAccess(host: PciHost): HostConfigAccess {
  return {
    devices: () => scanFunctions(host),
    configSize: (b) => host.find(b)?.config.size ?? 0,
    read: (b, offset, size) => host.configRead(b, offset, size),
    sizes: (b) => {
      const fn = host.find(b);
      if (!fn || !fn.config.bars.some((x) => x.size) ) return undefined;
      const bars = [0, 0, 0, 0, 0, 0];
      for (const bar of fn.config.bars) bars[bar.index] = bar.size;
      return { bars, rom: fn.config.romSize };
    },
  };
}
