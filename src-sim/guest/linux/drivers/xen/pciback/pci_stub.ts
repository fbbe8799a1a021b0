/**
 * pciback's stub driver in a 2.6.18-xen dom0 (drivers/xen/pciback/pci_stub.c): at fs_initcall —
 * before any ordinary driver — it reads `pciback.hide=(BB:DD.F)(…)` and seizes every listed
 * function, or any function behind a listed bridge; only header types 0 and 1 can be exported.
 * A seized device is enabled, then reset (bus mastering off), and waits for a guest.
 */
import { parseHideList, type PciAddress } from '../../../../../../src-shared/config/pci-spec.ts';
import { sameBdf, type Bdf } from '../../../../../../src-shared/units/bdf.ts';
import { KERN_ERR, KERN_INFO, type KernelLog } from '../../../printk.ts';
import type { ConfigCycles, LinuxPciDev } from '../../pci/probe.ts';

export const PCIBACK_DRIVER = 'pciback';
export const PCIBACK_PARAMS = ['hide', 'permissive', 'verbose_request', 'passthrough'] as const;

export interface PcistubResult {
  hidden: PciAddress[];
  /** -EINVAL when the hide list did not parse to the end (the groups before the error still count). */
  rc: number;
}

/** pcistub_init: the hide list as the kernel reads it. */
export function pcistubInit(hide: string | undefined, log: KernelLog): PcistubResult {
  if (hide === undefined) return { hidden: [], rc: 0 };
  const parsed = parseHideList(hide);
  if (parsed.errorAt !== undefined) {
    log.printk(KERN_ERR, `pciback: Error parsing pci_devs_to_hide at "${hide.slice(parsed.errorAt)}"`);
    return { hidden: parsed.groups.map((g) => g.address), rc: -22 };
  }
  return { hidden: parsed.groups.map((g) => g.address), rc: 0 };
}

const matches = (a: PciAddress, b: Bdf) => a.domain === b.segment && a.bus === b.bus && a.slot === b.device && a.func === b.fn;

/** pcistub_match: the function itself or any bridge above it is on the list. */
function pcistubMatch(dev: LinuxPciDev, all: LinuxPciDev[], hidden: PciAddress[]): boolean {
  let bus = dev.bdf.bus;
  if (hidden.some((h) => matches(h, dev.bdf))) return true;
  for (let hops = 0; bus !== 0 && hops < 256; hops++) {
    const bridge = all.find((p) => p.headerType === 1 && secondaryBus(p) === bus);
    if (!bridge) return false;
    if (hidden.some((h) => matches(h, bridge.bdf))) return true;
    bus = bridge.bdf.bus;
  }
  return false;
}

const secondaryBuses = new WeakMap<LinuxPciDev, number>();
function secondaryBus(p: LinuxPciDev): number {
  return secondaryBuses.get(p) ?? -1;
}

/** pcistub_probe for each device the list names: "seizing device", enable, then reset. */
export function pcistubSeize(devs: LinuxPciDev[], hidden: PciAddress[], cfg: ConfigCycles, log: KernelLog): LinuxPciDev[] {
  for (const p of devs) if (p.headerType === 1) secondaryBuses.set(p, cfg.read(p.bdf, 0x19, 1));
  const seized: LinuxPciDev[] = [];
  for (const dev of devs) {
    if (dev.driver || !pcistubMatch(dev, devs, hidden)) continue;
    if (dev.headerType !== 0 && dev.headerType !== 1) {
      log.dev(KERN_ERR, PCIBACK_DRIVER, dev.name, "can't export pci devices that don't have a normal (0) or bridge (1) header type!");
      continue;
    }
    log.dev(KERN_INFO, PCIBACK_DRIVER, dev.name, 'seizing device');
    // pci_enable_device turns decoding on for the resources it has; pciback_reset_device turns bus mastering off.
    const cmd = cfg.read(dev.bdf, 0x04, 2);
    const decode = (dev.resources.some((r) => r.flags & 0x100) ? 1 : 0) | (dev.resources.some((r) => r.flags & 0x200) ? 2 : 0);
    cfg.write(dev.bdf, 0x04, 2, (cmd | decode) & ~0x4);
    dev.driver = PCIBACK_DRIVER;
    seized.push(dev);
  }
  return seized;
}

export function isHidden(hidden: PciAddress[], b: Bdf): boolean {
  return hidden.some((h) => sameBdf({ segment: h.domain, bus: h.bus, device: h.slot, fn: h.func }, b));
}
