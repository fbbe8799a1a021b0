/**
 * PCI pass-through in qemu-dm (the seed's ioemu/hw/dpci.c, merged as tools/ioemu/hw/pass-through.c):
 * at start-up, for each device of `-pci`, find it in libpci's view of dom0's PCI bus, register
 * it on the guest's bus, ask Xen to move it into the guest's VT-d domain (xc_assign_device),
 * copy its 256-byte config space, register its BARs, and bind its machine IRQ to the virtual
 * INTx (xc_domain_bind_pt_pci_irq). Afterwards the guest's config accesses follow 2007's rules:
 * 0x0C–0x3F from the virtual copy (BARs, interrupt line), COMMAND written through to the device,
 * everything else read live from the device and never written. BAR placements become
 * memory_mapping / ioport_mapping hypercalls (pt_iomem_map / pt_ioport_map).
 */
import { DPCI_ADD_MAPPING, DPCI_REMOVE_MAPPING, type XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { machineBdf } from '../../../xen/arch/x86/domctl.ts';
import type { QemuLog } from '../logfile.ts';
import { PCI_ADDRESS_SPACE_IO, PCI_ADDRESS_SPACE_MEM, PCI_ADDRESS_SPACE_MEM_PREFETCH, PCI_ROM_SLOT, PT_VIRT_DEVFN_AUTO, PciDevice, pciDefaultWriteConfig, readLe, type PciBus, type PciIoRegion } from './pci.ts';

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
  readConfig(offset: number, len: 1 | 2 | 4): number;
  writeConfig(offset: number, len: 1 | 2 | 4, value: number): void;
}

export interface PtContext {
  bus: PciBus;
  xc: XcHandle;
  domid: number;
  log: QemuLog;
  libpci: LibpciDev[];
}

interface PtBase {
  /** Guest address the region is mapped at (e_physbase). */
  ePhys: number;
  /** 0 until the first map. */
  eSize: number;
  /** Machine address or port (access.maddr / pio_base). */
  machine: number;
}

const h2 = (n: number) => n.toString(16).padStart(2, '0');
const h8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const h4 = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');

/** The assigned device as the guest's bus sees it (`struct pt_dev`). */
export class PtDevice extends PciDevice {
  readonly bases: PtBase[] = [];

  constructor(
    devfn: number,
    readonly real: LibpciDev,
    private readonly ctx: PtContext,
  ) {
    super('DIRECT PCI', devfn, new Uint8Array(256));
  }

  get machineIrq(): number {
    return this.real.irq;
  }

  override readConfig(addr: number, len: 1 | 2 | 4): number {
    if (addr >= 0x0c && addr <= 0x3f) return readLe(this.config, addr, len);
    return this.real.readConfig(addr, len);
  }

  override writeConfig(addr: number, value: number, len: 1 | 2 | 4): void {
    if (addr >= 0x0c && addr <= 0x3f) return pciDefaultWriteConfig(this, addr, value, len);
    if (addr !== 0x04) return;
    this.real.writeConfig(addr, len, value);
    pciDefaultWriteConfig(this, addr, value, len);
  }

  /** pt_iomem_map: remove the old gfn range (not on the first map), add the new one. */
  iomemMap(r: PciIoRegion, ePhys: number): void {
    const b = this.bases[r.index];
    const nr = Math.floor((r.size + 0xfff) / 0x1000);
    const mfn = Math.floor(b.machine / 0x1000);
    this.remap('pt_iomem_map', r, ePhys, `e_phys=${h8(ePhys)} maddr=${h8(b.machine)} type=${r.type} len=${h8(r.size)} index=${r.index}`, (at, add) =>
      this.ctx.xc.domainMemoryMapping(this.ctx.domid, Math.floor(at / 0x1000), mfn, nr, add),
    );
  }

  /** pt_ioport_map: the same for an I/O BAR. */
  ioportMap(r: PciIoRegion, ePhys: number): void {
    const b = this.bases[r.index];
    this.remap('pt_ioport_map', r, ePhys, `e_phys=${h4(ePhys)} pio_base=${h4(b.machine)} len=${h4(r.size)} index=${r.index}`, (at, add) =>
      this.ctx.xc.domainIoportMapping(this.ctx.domid, at, b.machine, r.size, add),
    );
  }

  /** The shared body of both: record the new base, log, remove the old mapping unless first, add the new. */
  private remap(fn: string, r: PciIoRegion, ePhys: number, line: string, mapping: (at: number, add: number) => number): void {
    const b = this.bases[r.index];
    const oldBase = b.ePhys;
    const first = b.eSize === 0;
    b.ePhys = ePhys;
    b.eSize = r.size;
    this.ctx.log.pt(fn, line);
    if (!first && mapping(oldBase, DPCI_REMOVE_MAPPING) !== 0) {
      this.ctx.log.pt(fn, 'Error: remove old mapping failed!');
      return;
    }
    if (mapping(ePhys, DPCI_ADD_MAPPING) !== 0) this.ctx.log.pt(fn, 'Error: create new mapping failed!');
  }
}

/** pci_devs + next_bdf: the 2007 parser of xend's `-pci` argument (`[['0x0', '0x02', '0x00', '0x0']]`). */
export function parseDirectPci(arg: string): [seg: number, bus: number, dev: number, func: number][] {
  const count = (arg.slice(1).match(/\[/g) ?? []).length;
  const tokens = arg.split(',');
  const out: [number, number, number, number][] = [];
  let t = 0;
  const next = () => {
    const tok = tokens[t++] ?? '';
    return parseInt(tok.slice(tok.indexOf('x') + 1), 16) || 0;
  };
  for (let i = 0; i < count; i++) out.push([next(), next(), next(), next()]);
  return out;
}

/** pt_init: every device or nothing (-1 stops qemu-dm). */
export function ptInit(ctx: PtContext, directPci: string): { rc: number; devices: PtDevice[] } {
  return ptInitWith(ctx, directPci, registerRealDevice);
}

/** pt_init's loop with an era's register_real_device: the first failure stops it with -1. */
export function ptInitWith<D>(ctx: PtContext, directPci: string, register: (ctx: PtContext, bus: number, dev: number, fn: number) => D | undefined): { rc: number; devices: D[] } {
  const devices: D[] = [];
  for (const [, b, d, f] of parseDirectPci(directPci)) {
    const pt = register(ctx, b, d, f);
    if (!pt) {
      ctx.log.pt('pt_init', `Error: Registration failed (${h2(b)}:${h2(d)}.${f.toString(16)})`);
      return { rc: -1, devices };
    }
    devices.push(pt);
  }
  return { rc: 0, devices };
}

function registerRealDevice(ctx: PtContext, rBus: number, rDev: number, rFunc: number): PtDevice | undefined {
  const log = (m: string) => ctx.log.pt('register_real_device', m);
  const at = `${h2(rBus)}:${h2(rDev)}.${rFunc.toString(16)}`;
  log(`Assigning real physical device ${at} ...`);
  const real = ctx.libpci.find((p) => p.bus === rBus && p.dev === rDev && p.func === rFunc);
  if (!real) {
    log("Error: couldn't locate device in libpci structures");
    return undefined;
  }
  const dev = ctx.bus.register((devfn) => new PtDevice(devfn, real, ctx), PT_VIRT_DEVFN_AUTO);
  if (!dev) {
    log("Error: couldn't register real device");
    return undefined;
  }
  const rc = ctx.xc.assignDevice(ctx.domid, machineBdf({ bus: rBus, device: rDev, fn: rFunc }));
  if (rc < 0) log(`Error: xc_domain_assign_device error ${rc}`);
  for (let i = 0; i < 256; i++) dev.config[i] = real.readConfig(i, 1);
  ptRegisterRegions(ctx, dev);
  const eDevice = (dev.devfn >> 3) & 0x1f;
  const eIntx = dev.config[0x3d] - 1;
  if (real.irq !== 0) {
    const brc = ctx.xc.domainBindPtPciIrq(ctx.domid, real.irq, 0, eDevice, eIntx);
    if (brc < 0) log(`Error: Binding of interrupt failed! rc=${brc}`);
  } else {
    // No machine IRQ: INTx disable (COMMAND bit 10) in the copy and on the device.
    dev.config[0x05] |= 0x04;
    real.writeConfig(0x04, 2, readLe(dev.config, 0x04, 2));
  }
  log(`Real physical device ${at} registered successfuly!`);
  return dev;
}

/** pt_register_regions: every non-zero BAR (and the ROM) becomes a region of the virtual device. */
function ptRegisterRegions(ctx: PtContext, dev: PtDevice): void {
  const real = dev.real;
  for (let i = 0; i < PCI_BAR_ENTRIES; i++) {
    const base = real.baseAddr[i];
    if (!base) continue;
    const bar = readLe(dev.config, 0x10 + 4 * i, 4);
    const io = (bar & PCI_ADDRESS_SPACE_IO) !== 0;
    dev.bases[i] = { ePhys: 0, eSize: 0, machine: io ? base & ~3 : (base & ~0xf) >>> 0 };
    const type = io ? PCI_ADDRESS_SPACE_IO : bar & PCI_ADDRESS_SPACE_MEM_PREFETCH ? PCI_ADDRESS_SPACE_MEM_PREFETCH : PCI_ADDRESS_SPACE_MEM;
    dev.registerRegion(i, real.size[i], type, io ? (r, a) => dev.ioportMap(r, a) : (r, a) => dev.iomemMap(r, a));
    ctx.log.pt('pt_register_regions', `IO region registered (size=0x${h8(real.size[i])} base_addr=0x${h8(base)})`);
  }
  if (real.romBaseAddr && real.romSize) {
    dev.bases[PCI_ROM_SLOT] = { ePhys: 0, eSize: 0, machine: real.romBaseAddr };
    dev.registerRegion(PCI_ROM_SLOT, real.romSize, PCI_ADDRESS_SPACE_MEM_PREFETCH, (r, a) => dev.iomemMap(r, a));
    ctx.log.pt('pt_register_regions', `Expansion ROM registered (size=0x${h8(real.romSize)} base_addr=0x${h8(real.romBaseAddr)})`);
  }
}
