/**
 * Which dom0 driver claims a PCI function (the id tables of 2.6.18's drivers): e1000 by
 * vendor/device, the rest by class. Binding happens at device_initcall, after pciback took
 * what it hides.
 */
import { KERN_INFO, type KernelLog } from '../../printk.ts';
import type { LinuxPciDev } from './probe.ts';

/** e1000_pci_tbl entries of the 82540-82573 families the simulator models. */
const E1000_IDS = new Set([0x100e, 0x100f, 0x1010, 0x1011, 0x1012, 0x1013, 0x1015, 0x1016, 0x1017, 0x101d, 0x1026, 0x1027, 0x1028, 0x105e, 0x105f, 0x1060, 0x107d, 0x107e, 0x107f, 0x108b, 0x108c, 0x109a, 0x10b9]);

const BY_CLASS: [mask: number, value: number, driver: string][] = [
  [0xffffff, 0x0c0320, 'ehci_hcd'],
  [0xffffff, 0x0c0300, 'uhci_hcd'],
  [0xffffff, 0x010601, 'ahci'],
  [0xffff00, 0x010100, 'ata_piix'],
  [0xffff00, 0x0c0500, 'i801_smbus'],
  [0xffff00, 0x040300, 'HDA Intel'],
  [0xffff00, 0x060400, 'pcieport-driver'],
];

export function driverFor(dev: LinuxPciDev): string | undefined {
  if (dev.vendor === 0x8086 && E1000_IDS.has(dev.device)) return 'e1000';
  return BY_CLASS.find(([mask, value]) => (dev.classCode & mask) === value)?.[2];
}

/** device_initcall: every unclaimed function whose id a driver knows gets that driver. */
export function bindDrivers(devs: LinuxPciDev[], log: KernelLog): string[] {
  const netdevs: string[] = [];
  for (const dev of devs) {
    if (dev.driver) continue;
    const driver = driverFor(dev);
    if (!driver) continue;
    dev.driver = driver;
    if (driver !== 'e1000') continue;
    const eth = `eth${netdevs.length}`;
    netdevs.push(eth);
    log.printk(KERN_INFO, `e1000: ${eth}: e1000_probe: Intel(R) PRO/1000 Network Connection`);
  }
  return netdevs;
}
