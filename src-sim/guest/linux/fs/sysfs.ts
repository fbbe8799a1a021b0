/**
 * The part of dom0's sysfs xend reads (drivers/pci/pci-sysfs.c): per function
 * `/sys/bus/pci/devices/DDDD:BB:DD.F/{vendor,device,subsystem_vendor,subsystem_device,class,irq,resource}`
 * and the `driver` symlink. A missing file is ENOENT, a missing link too (no driver bound).
 */
import type { LinuxPciDev } from '../drivers/pci/probe.ts';

export const SYSFS_PCI_DEVICES = '/sys/bus/pci/devices';

const hex = (n: number, w: number) => '0x' + n.toString(16).padStart(w, '0');

export class FileNotFound extends Error {
  readonly errno = 2;
  constructor(readonly path: string) {
    super(`[Errno 2] No such file or directory: '${path}'`);
  }
}

export class PciSysfs {
  constructor(private readonly devs: () => LinuxPciDev[]) {}

  private dev(path: string): [LinuxPciDev, string] {
    const m = /^\/sys\/bus\/pci\/devices\/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\/(\w+)$/.exec(path);
    const dev = m && this.devs().find((d) => d.name === m[1]);
    if (!m || !dev) throw new FileNotFound(path);
    return [dev, m[2]];
  }

  read(path: string): string {
    const [d, file] = this.dev(path);
    switch (file) {
      case 'vendor':
        return hex(d.vendor, 4) + '\n';
      case 'device':
        return hex(d.device, 4) + '\n';
      case 'subsystem_vendor':
        return hex(d.subsystemVendor, 4) + '\n';
      case 'subsystem_device':
        return hex(d.subsystemDevice, 4) + '\n';
      case 'class':
        return hex(d.classCode, 6) + '\n';
      case 'irq':
        return `${d.irq}\n`;
      case 'resource':
        return d.resources.map((r) => `${hex(r.start, 16)} ${hex(r.end, 16)} ${hex(r.flags, 16)}\n`).join('');
      default:
        throw new FileNotFound(path);
    }
  }

  /** os.readlink of `…/driver`: the bound driver's directory. */
  readlink(path: string): string {
    const [d, file] = this.dev(path);
    if (file !== 'driver' || !d.driver) throw new FileNotFound(path);
    return `../../../bus/pci/drivers/${d.driver}`;
  }
}
