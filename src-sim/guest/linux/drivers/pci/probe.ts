/**
 * dom0's PCI scan (drivers/pci/probe.c): every bus, device and function through configuration
 * mechanism #1, the header, the BARs sized by writing all-ones and restoring (pci_read_bases),
 * the IRQ the firmware routed (the Interrupt Line byte under Xen's IO-APIC routing). This is
 * what sysfs shows and what xend reads.
 */
import type { IoPortSpace } from '../../../../hw/bus/ioport.ts';
import { formatBdf, type Bdf } from '../../../../../src-shared/units/bdf.ts';

export interface PciResource {
  start: number;
  end: number;
  /** IORESOURCE_IO (0x100) or IORESOURCE_MEM (0x200), | PREFETCH (0x2000). */
  flags: number;
}

export interface LinuxPciDev {
  bdf: Bdf;
  name: string;
  vendor: number;
  device: number;
  subsystemVendor: number;
  subsystemDevice: number;
  classCode: number;
  headerType: number;
  irq: number;
  pin: number;
  /** The seven resources sysfs lists (BAR0-5, ROM); empty ones are zero. */
  resources: PciResource[];
  /** The bound driver's name, if any. */
  driver?: string;
}

export const IORESOURCE_IO = 0x100;
export const IORESOURCE_MEM = 0x200;
export const IORESOURCE_PREFETCH = 0x2000;

/** Config access through 0xCF8/0xCFC, as dom0 (which has those ports) does it. */
export class ConfigCycles {
  constructor(private readonly io: IoPortSpace) {}

  read(b: Bdf, reg: number, size: 1 | 2 | 4 = 4): number {
    this.io.write(0xcf8, 4, (0x80000000 | (b.bus << 16) | (b.device << 11) | (b.fn << 8) | (reg & 0xfc)) >>> 0);
    return this.io.read(0xcfc + (reg & 3), size) >>> 0;
  }

  write(b: Bdf, reg: number, size: 1 | 2 | 4, value: number): void {
    this.io.write(0xcf8, 4, (0x80000000 | (b.bus << 16) | (b.device << 11) | (b.fn << 8) | (reg & 0xfc)) >>> 0);
    this.io.write(0xcfc + (reg & 3), size, value);
  }
}

export function pciScan(cfg: ConfigCycles): LinuxPciDev[] {
  const out: LinuxPciDev[] = [];
  const scanBus = (bus: number) => {
    for (let dev = 0; dev < 32; dev++) {
      for (let fn = 0; fn < 8; fn++) {
        const bdf = { segment: 0, bus, device: dev, fn };
        const id = cfg.read(bdf, 0);
        if (id === 0xffffffff || id === 0 || id === 0x0000ffff || id === 0xffff0000) {
          if (fn === 0) break;
          continue;
        }
        const headerType = cfg.read(bdf, 0x0e, 1);
        const pdev = probeFunction(cfg, bdf, id, headerType & 0x7f);
        out.push(pdev);
        if ((headerType & 0x7f) === 1) scanBus(cfg.read(bdf, 0x19, 1));
        if (fn === 0 && !(headerType & 0x80)) break;
      }
    }
  };
  scanBus(0);
  return out;
}

function probeFunction(cfg: ConfigCycles, bdf: Bdf, id: number, headerType: number): LinuxPciDev {
  const isNormal = headerType === 0;
  return {
    bdf,
    name: formatBdf(bdf),
    vendor: id & 0xffff,
    device: id >>> 16,
    subsystemVendor: isNormal ? cfg.read(bdf, 0x2c, 2) : 0,
    subsystemDevice: isNormal ? cfg.read(bdf, 0x2e, 2) : 0,
    classCode: cfg.read(bdf, 0x08) >>> 8,
    headerType,
    irq: cfg.read(bdf, 0x3d, 1) ? cfg.read(bdf, 0x3c, 1) : 0,
    pin: cfg.read(bdf, 0x3d, 1),
    resources: readBases(cfg, bdf, headerType === 0 ? 6 : headerType === 1 ? 2 : 0),
  };
}

/** pci_read_bases: size each BAR by writing ~0 with decoding left as is, then restore it. */
function readBases(cfg: ConfigCycles, bdf: Bdf, count: number): PciResource[] {
  const res: PciResource[] = Array.from({ length: 7 }, () => ({ start: 0, end: 0, flags: 0 }));
  for (let i = 0; i < count; i++) {
    const reg = 0x10 + 4 * i;
    const orig = cfg.read(bdf, reg);
    cfg.write(bdf, reg, 4, 0xffffffff);
    const mask = cfg.read(bdf, reg);
    cfg.write(bdf, reg, 4, orig);
    if (!mask || mask === 0xffffffff) continue;
    const io = (orig & 1) === 1;
    const base = io ? orig & ~3 : orig & ~0xf;
    const size = io ? (~(mask & ~3) & 0xffff) + 1 : (~(mask & ~0xf) >>> 0) + 1;
    res[i] = { start: base >>> 0, end: (base >>> 0) + size - 1, flags: io ? IORESOURCE_IO : IORESOURCE_MEM | (orig & 8 ? IORESOURCE_PREFETCH : 0) };
    // A 64-bit memory BAR takes the next register as its upper half.
    if (!io && (orig & 6) === 4) i++;
  }
  return res;
}
