/**
 * PCI pass-through in qemu-dm (the seed's ioemu/hw/dpci.c, merged as tools/ioemu/hw/pass-through.c):
 * at start-up, for each device of `-pci`, find it in libpci's view of dom0's PCI bus, register
 * it on the guest's bus, ask Xen to move it into the guest's VT-d domain (xc_assign_device),
 * copy its 256-byte config space, register its BARs, and bind its machine IRQ to the virtual
 * INTx (xc_domain_bind_pt_pci_irq). Failures are logged as the 2007 code logs them; only a
 * device missing from libpci stops qemu-dm.
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { machineBdf } from '../../../xen/arch/x86/domctl.ts';
import type { QemuLog } from '../logfile.ts';
import { PT_VIRT_DEVFN_AUTO, type EmulatedPciDevice, type PciBus } from './pci.ts';

const PCI_BAR_ENTRIES = 6;

/** libpci's `struct pci_dev` as the sysfs access method fills it in dom0. */
export interface LibpciDev {
  bus: number;
  dev: number;
  func: number;
  irq: number;
  /** BAR values with their low flag bits (I/O bit 0, prefetch bit 3). */
  baseAddr: number[];
  size: number[];
  romBaseAddr: number;
  romSize: number;
  readByte(offset: number): number;
  writeWord(offset: number, value: number): void;
}

export interface PtRegion {
  index: number;
  io: boolean;
  size: number;
  /** Machine address / port of the region. */
  machine: number;
  /** Guest address once the guest programs the BAR (-1 until then). */
  guest: number;
}

export interface PtDev {
  dev: EmulatedPciDevice;
  real: LibpciDev;
  regions: PtRegion[];
  machineIrq: number;
}

export interface PtContext {
  bus: PciBus;
  xc: XcHandle;
  domid: number;
  log: QemuLog;
  libpci: LibpciDev[];
}

const h2 = (n: number) => n.toString(16).padStart(2, '0');
const h8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** pci_devs + next_bdf: the 2007 parser of xend's `-pci` argument (`[['0x0', '0x02', '0x00', '0x0']]`). */
export function parseDirectPci(arg: string): [seg: number, bus: number, dev: number, func: number][] {
  const count = (arg.slice(1).match(/\[/g) ?? []).length;
  const tokens = arg.split(',');
  const out: [number, number, number, number][] = [];
  let t = 0;
  const next = () => {
    const tok = tokens[t++] ?? '';
    const x = tok.indexOf('x');
    return parseInt(tok.slice(x + 1), 16) || 0;
  };
  for (let i = 0; i < count; i++) out.push([next(), next(), next(), next()]);
  return out;
}

/** pt_init: every device or nothing (-1 stops qemu-dm). */
export function ptInit(ctx: PtContext, directPci: string): { rc: number; devices: PtDev[] } {
  const devices: PtDev[] = [];
  for (const [, b, d, f] of parseDirectPci(directPci)) {
    const pt = registerRealDevice(ctx, b, d, f);
    if (!pt) {
      ctx.log.pt('pt_init', `Error: Registration failed (${h2(b)}:${h2(d)}.${f.toString(16)})`);
      return { rc: -1, devices };
    }
    devices.push(pt);
  }
  return { rc: 0, devices };
}

function registerRealDevice(ctx: PtContext, rBus: number, rDev: number, rFunc: number): PtDev | undefined {
  const log = (m: string) => ctx.log.pt('register_real_device', m);
  log(`Assigning real physical device ${h2(rBus)}:${h2(rDev)}.${rFunc.toString(16)} ...`);
  const real = ctx.libpci.find((p) => p.bus === rBus && p.dev === rDev && p.func === rFunc);
  if (!real) {
    log("Error: couldn't locate device in libpci structures");
    return undefined;
  }
  const config = new Uint8Array(256);
  const dev = ctx.bus.register('DIRECT PCI', PT_VIRT_DEVFN_AUTO, config);
  if (!dev) {
    log("Error: couldn't register real device");
    return undefined;
  }
  const rc = ctx.xc.assignDevice(ctx.domid, machineBdf({ bus: rBus, device: rDev, fn: rFunc }));
  if (rc < 0) log(`Error: xc_domain_assign_device error ${rc}`);
  for (let i = 0; i < 256; i++) config[i] = real.readByte(i);
  const pt: PtDev = { dev, real, regions: ptRegisterRegions(ctx, real), machineIrq: real.irq };
  const eDevice = (dev.devfn >> 3) & 0x1f;
  const eIntx = config[0x3d] - 1;
  if (real.irq !== 0) {
    const brc = ctx.xc.domainBindPtPciIrq(ctx.domid, real.irq, 0, eDevice, eIntx);
    if (brc < 0) log(`Error: Binding of interrupt failed! rc=${brc}`);
  } else {
    // No machine IRQ: INTx disable (COMMAND bit 10) in the copy and on the device.
    config[0x05] |= 0x04;
    real.writeWord(0x04, config[0x04] | (config[0x05] << 8));
  }
  log(`Real physical device ${h2(rBus)}:${h2(rDev)}.${rFunc.toString(16)} registered successfuly!`);
  return pt;
}

/** pt_register_regions: every non-zero BAR (and the ROM) becomes a region of the virtual device. */
function ptRegisterRegions(ctx: PtContext, real: LibpciDev): PtRegion[] {
  const regions: PtRegion[] = [];
  for (let i = 0; i < PCI_BAR_ENTRIES; i++) {
    const base = real.baseAddr[i];
    if (!base) continue;
    const io = (base & 1) === 1;
    regions.push({ index: i, io, size: real.size[i], machine: io ? base & ~3 : base & ~0xf, guest: -1 });
    ctx.log.pt('pt_register_regions', `IO region registered (size=0x${h8(real.size[i])} base_addr=0x${h8(base)})`);
  }
  if (real.romBaseAddr && real.romSize) {
    regions.push({ index: 6, io: false, size: real.romSize, machine: real.romBaseAddr, guest: -1 });
    ctx.log.pt('pt_register_regions', `Expansion ROM registered (size=0x${h8(real.romSize)} base_addr=0x${h8(real.romBaseAddr)})`);
  }
  return regions;
}
