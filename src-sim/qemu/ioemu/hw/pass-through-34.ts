/**
 * PCI pass-through in qemu-dm of Xen 3.3/3.4/4.0 (qemu-xen hw/pass-through.c, xen-3.4.0):
 * register_real_device assigns the function (xc_assign_device), copies its config space,
 * registers its BARs, lays the register tables of pt-reg-table.ts over it (pt_config_init),
 * maps its IRQ to a pirq (xc_physdev_map_pirq) and binds that to virtual INTA#
 * (xc_domain_bind_pt_pci_irq). Guest config cycles then go through pt-config.ts.
 *
 * The hooks here are the header's side effects: COMMAND passes IO/MEM/master through, keeps
 * parity/SERR/fast back-to-back/INTx-disable emulated, and passes INTx-disable to the device
 * when a machine IRQ is bound; every COMMAND write re-evaluates the BAR mappings from the
 * guest's IO/MEM bits. BARs are fully emulated (the guest's address, the device's flag bits);
 * a new address, or decoding switched on or off, remaps through memory_mapping / ioport_mapping.
 * Unlike 2007, switching decoding off unmaps.
 *
 * Not modelled: PCI power management transitions (`power_mgmt=1`; the default 0 emulates the
 * power state), MSI-X tables, MSI-INTx translation (see pt-msi.ts), SR-IOV virtual functions,
 * the BAR overlap warning, the xenstore device list and per-device options.
 */
import { DPCI_ADD_MAPPING, DPCI_REMOVE_MAPPING } from '../../../xen/tools/libxc/xc_domain.ts';
import { xcPhysdevMapPirq, xcPhysdevUnmapPirq } from '../../../xen/tools/libxc/xc_physdev.ts';
import { PT_IRQ_TYPE_PCI, machineBdf } from '../../../xen/arch/x86/domctl.ts';
import { ptInitWith, type LibpciDev, type PtContext } from './pass-through.ts';
import { PCI_ADDRESS_SPACE_IO, PCI_ADDRESS_SPACE_MEM, PCI_ADDRESS_SPACE_MEM_PREFETCH, PCI_ROM_SLOT, PT_VIRT_DEVFN_AUTO, PciDevice, readLe, type PciIoRegion } from './pci.ts';
import { merge, PtConfigSpace, type PtConfigHost, type PtConfigState, type PtReadFn, type PtRegEntry } from './pt-config.ts';
import { ptGroupFor, type PtInitHook, type PtRegGroup } from './pt-reg-table.ts';
import { MSI_FLAG_UNINIT, PCI_MSI_DATA_32, PCI_MSI_DATA_64, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_MASKBIT, msiWriteHooks, newMsiInfo, ptMsiDisable, type PtMsiDevice, type PtMsiInfo } from './pt-msi.ts';

const PCI_BAR_ENTRIES = 6;
const PCI_COMMAND_IO = 0x1;
const PCI_COMMAND_MEMORY = 0x2;
const PCI_COMMAND_DISABLE_INTX = 0x400;
const PT_BAR_ALLF = 0xffffffff;
const PT_BAR_MEM_RO_MASK = 0x0000000f;
const PT_BAR_MEM_EMU_MASK = 0xfffffff0;
const PT_BAR_IO_RO_MASK = 0x00000003;
const PT_BAR_IO_EMU_MASK = 0xfffffffc;
const PAGE = 0x1000;

export type PtBarFlag = 'mem' | 'io' | 'upper' | 'unused';

/** struct pt_region: where the guest put a BAR (-1: nowhere), the mapped size, the machine base. */
export interface PtRegion34 {
  ePhys: number;
  eSize: number;
  machine: number;
  flag: PtBarFlag;
}

/** A device's pass-through state for snapshots: emulated registers, regions, MSI, the bound IRQ. */
export interface PtDevice34State {
  version: 1;
  config: PtConfigState;
  bases: PtRegion34[];
  regionAddrs: Record<string, number>;
  msi: PtMsiInfo;
  machineIrq: number;
}

const h2 = (n: number) => n.toString(16).padStart(2, '0');
const h = (n: number) => (n >>> 0).toString(16);

/** The assigned function as the guest's bus sees it in 3.3+ (`struct pt_dev`). */
export class PtDevice34 extends PciDevice implements PtMsiDevice {
  readonly bases: PtRegion34[] = Array.from({ length: PCI_ROM_SLOT + 1 }, () => ({ ePhys: -1, eSize: 0, machine: 0, flag: 'unused' as PtBarFlag }));
  readonly cfg: PtConfigSpace;
  /** One object for the device's life: the MSI hooks hold it (reset in place, restored in place). */
  readonly msi: PtMsiInfo = newMsiInfo();
  machineIrq = 0;

  constructor(
    devfn: number,
    readonly real: LibpciDev,
    private readonly ctx: PtContext,
  ) {
    super('DIRECT PCI', devfn, new Uint8Array(256));
    this.cfg = new PtConfigSpace(this.configHost());
  }

  get xc() {
    return this.ctx.xc;
  }
  get domid() {
    return this.ctx.domid;
  }
  get log() {
    return this.ctx.log;
  }
  get machineBus() {
    return this.real.bus;
  }
  get machineDevfn() {
    return (this.real.dev << 3) | this.real.func;
  }
  get where(): string {
    return `[00:${h2(this.devfn >> 3)}.${this.devfn & 7}]`;
  }

  readReal(offset: number, len: 1 | 2 | 4): number {
    return this.real.readConfig(offset, len);
  }

  writeReal(offset: number, len: 1 | 2 | 4, value: number): void {
    this.real.writeConfig(offset, len, value);
  }

  override readConfig(addr: number, len: 1 | 2 | 4): number {
    return this.cfg.read(addr, len);
  }

  override writeConfig(addr: number, value: number, len: 1 | 2 | 4): void {
    this.cfg.write(addr, value, len);
  }

  private region(index: number): PciIoRegion | undefined {
    return this.regions.find((r) => r.index === index);
  }

  private configHost(): PtConfigHost {
    const read: Record<'cmd' | 'bar' | 'pmcsr', PtReadFn> = {
      cmd: (e, v, valid) => merge(v, e.data, ~(e.reg.emu & valid)),
      bar: (e, _v, valid) => this.barRead(e, valid),
      pmcsr: (e, v, valid) => merge(v, e.data, ~((e.reg.emu | 0x000b) & valid)),
    };
    const write: PtConfigHost['write'] = {
      cmd: (e, v, dev, valid) => this.cmdWrite(e, v, dev, valid),
      bar: (e, v, dev, valid) => this.barWrite(e, v, dev, valid),
      romBar: (e, v, dev, valid) => this.romBarWrite(e, v, dev, valid),
      // power_mgmt=0: the power state bits are emulated too, nothing reaches the device's state.
      pmcsr: (e, v, dev, valid) => {
        const emu = e.reg.emu | 0x000b;
        e.data = merge(v, e.data, emu & ~e.reg.ro & valid) & 0xffff;
        return merge(v, dev, ~emu & valid);
      },
      msixctrl: (e, v, dev, valid) => merge(v, dev, ~e.reg.emu & valid),
      ...msiWriteHooks(this),
    };
    return {
      copy: this.config,
      readReal: (o, l) => this.readReal(o, l),
      writeReal: (o, l, v) => this.writeReal(o, l, v),
      init: (hook, e, at) => this.initReg(hook, e, at),
      read,
      write,
      groupSize: (g, base) => this.groupSize(g, base),
      log: (fn, m) => this.log.pt(fn, m),
      where: this.where,
      beforeWrite: (addr, value, len) => this.warnUnusedBar(addr, value, len),
    };
  }

  // ---- init (pt_*_reg_init, pt_*_size_init) ---------------------------------------------------

  private initReg(hook: PtInitHook, e: PtRegEntry, at: number): number | undefined {
    const c = this.config;
    const expFlags = () => c[at - e.reg.offset + 2];
    switch (hook) {
      case 'vendor':
        return this.real.readConfig(0x00, 2);
      case 'device':
        return this.real.readConfig(0x02, 2);
      case 'ptr':
        return this.firstShownCap(c[at]);
      case 'status':
        return this.cfg.entry('PCI_CAPABILITY_LIST')?.data ? 0x0010 : 0;
      case 'irqpin':
        return c[at] ? 0x01 : 0;
      case 'bar':
        return this.initBar(e.reg.offset);
      case 'pmc':
      case 'pmcsr':
        return e.reg.init;
      case 'linkctrl':
        return (expFlags() & 0xf0) >> 4 === 0x9 && (expFlags() & 0xf) === 1 ? undefined : e.reg.init;
      case 'devctrl2':
        return (expFlags() & 0xf) === 1 ? undefined : e.reg.init;
      case 'linkctrl2':
        return (expFlags() & 0xf) === 1 ? undefined : c[at - e.reg.offset + 0x0c] & 0x0f;
      case 'msgctrl':
        return this.initMsiControl(e, at);
      case 'msgaddr64':
        return this.msi.flags & PCI_MSI_FLAGS_64BIT ? e.reg.init : undefined;
      case 'msgdata': {
        const is64 = (this.msi.flags & PCI_MSI_FLAGS_64BIT) !== 0;
        return (e.reg.offset === PCI_MSI_DATA_64 && is64) || (e.reg.offset === PCI_MSI_DATA_32 && !is64) ? e.reg.init : undefined;
      }
      case 'msixctrl': {
        const v = readLe(c, at, 2);
        if (v & 0x8000) {
          this.log.pt('pt_msixctrl_reg_init', 'MSIX enabled already, disable first');
          this.writeReal(at, 2, v & ~0x8000);
        }
        return e.reg.init;
      }
    }
  }

  /** pt_ptr_reg_init: the first capability from `ptr` on that the table emulates. */
  private firstShownCap(ptr: number): number {
    let field = ptr;
    for (let hops = 0; field && hops < 48; hops++) {
      if (ptGroupFor(this.config[field])?.type === 'emu') break;
      field = this.config[field + 1];
    }
    return field;
  }

  private initMsiControl(e: PtRegEntry, at: number): number {
    const v = readLe(this.config, at, 2);
    if (v & 1) {
      this.log.pt('pt_msgctrl_reg_init', 'MSI enabled already, disable first');
      this.writeReal(at, 2, v & ~1);
    }
    this.msi.flags |= v | MSI_FLAG_UNINIT;
    this.msi.ctrlOffset = at;
    return e.reg.init;
  }

  /** pt_bar_reg_init + pt_bar_reg_parse: no emulated row for an unused BAR. */
  private initBar(offset: number): number | undefined {
    const index = offset === 0x30 ? PCI_ROM_SLOT : (offset - 0x10) >> 2;
    const b = this.bases[index];
    b.ePhys = -1;
    b.flag = this.parseBar(index);
    return b.flag === 'unused' ? undefined : 0;
  }

  private parseBar(index: number): PtBarFlag {
    if (index > 0 && index < PCI_ROM_SLOT && ((this.real.baseAddr[index - 1] ?? 0) & 0x7) === 0x4 && this.bases[index - 1].flag !== 'upper') return 'upper';
    if (!this.region(index)?.size) return 'unused';
    if (index === PCI_ROM_SLOT) return 'mem';
    return this.real.baseAddr[index] & PCI_ADDRESS_SPACE_IO ? 'io' : 'mem';
  }

  private groupSize(g: PtRegGroup, base: number): number | string {
    if (typeof g.size === 'number') return g.size;
    const flags = readLe(this.config, base + 2, 2);
    if (g.size === 'vendor') return this.config[base + 2];
    if (g.size === 'msi') {
      Object.assign(this.msi, newMsiInfo());
      return 0x0a + (flags & PCI_MSI_FLAGS_64BIT ? 4 : 0) + (flags & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);
    }
    const type = (flags & 0xf0) >> 4;
    const vers = flags & 0xf;
    if (vers === 1 && (type === 0 || type === 1)) return 0x14;
    if (vers === 1 && type === 9) return 0x0c;
    if (vers === 2 && (type === 0 || type === 1 || type === 9)) return 0x3c;
    if (vers === 1 || vers === 2) return `Internal error: Unsupported device/port type[${type}]. I/O emulator exit.`;
    return `Internal error: Unsupported capability version[${vers}]. I/O emulator exit.`;
  }

  private warnUnusedBar(addr: number, value: number, len: number): void {
    const index = addr === 0x30 ? PCI_ROM_SLOT : addr >= 0x10 ? (addr - 0x10) >> 2 : -1;
    if (index < 0 || index > PCI_ROM_SLOT || !(value > 0 && value >>> 0 < PT_BAR_ALLF) || this.bases[index].flag !== 'unused') return;
    this.log.pt('pt_pci_write_config', `Warning: Guest attempt to set address to unused Base Address Register. ${this.where}[Offset:${h2(addr)}h][Length:${len}]`);
  }

  // ---- header hooks -----------------------------------------------------------------------------

  /** pt_cmd_reg_write: INTx disable passes through when set, or when a machine IRQ is bound. */
  private cmdWrite(e: PtRegEntry, value: number, dev: number, valid: number): number {
    e.data = merge(value, e.data, ~e.reg.ro & valid) & 0xffff;
    let through = ~e.reg.emu & valid;
    if (value & PCI_COMMAND_DISABLE_INTX || this.machineIrq) through |= PCI_COMMAND_DISABLE_INTX;
    this.barMapping((value & PCI_COMMAND_IO) !== 0, (value & PCI_COMMAND_MEMORY) !== 0);
    return merge(value, dev, through);
  }

  private barMasks(index: number): { emu: number; ro: number; size: number } {
    const b = this.bases[index];
    const r = this.region(index);
    const size = b.flag === 'mem' ? Math.ceil((r?.size ?? 0) / PAGE) * PAGE : (r?.size ?? 0);
    if (b.flag === 'mem') return { emu: PT_BAR_MEM_EMU_MASK, ro: (PT_BAR_MEM_RO_MASK | (size - 1)) >>> 0, size };
    if (b.flag === 'io') return { emu: PT_BAR_IO_EMU_MASK, ro: (PT_BAR_IO_RO_MASK | (size - 1)) >>> 0, size };
    if (b.flag === 'upper') return { emu: PT_BAR_ALLF, ro: 0, size };
    return { emu: 0, ro: 0, size };
  }

  /** pt_bar_reg_read: the device's flag bits (libpci's base_addr) under the guest's address. */
  private barRead(e: PtRegEntry, valid: number): number {
    const index = (e.reg.offset - 0x10) >> 2;
    return merge(this.real.baseAddr[index] ?? 0, e.data, ~(this.barMasks(index).emu & valid));
  }

  /** pt_bar_reg_write. */
  private barWrite(e: PtRegEntry, value: number, dev: number, valid: number): number {
    const index = (e.reg.offset - 0x10) >> 2;
    const r = this.region(index);
    const { emu, ro, size } = this.barMasks(index);
    e.data = merge(value, e.data, emu & ~ro & valid);
    const flag = this.bases[index].flag;
    if (flag === 'io' && r) {
      const last = e.data + size - 1;
      if (last <= e.data || !e.data || last >= 0x10000) {
        if (last >= 0x10000 && e.data !== (PT_BAR_ALLF & ~ro) >>> 0) {
          this.log.pt('pt_bar_reg_write', `Warning: Guest attempt to set Base Address over the 64KB. ${this.where}[Offset:${h2(e.reg.offset)}h][Address:${h(e.data).padStart(8, '0')}h][Size:${h(size).padStart(8, '0')}h]`);
        }
        r.addr = -1;
      } else r.addr = e.data;
    } else if (flag === 'upper') {
      const lower = this.region(index - 1);
      if (e.data && e.data !== (PT_BAR_ALLF & ~ro) >>> 0) {
        this.log.pt('pt_bar_reg_write', `Warning: Guest attempt to set high MMIO Base Address. Ignore mapping. ${this.where}[Offset:${h2(e.reg.offset)}h][High Address:${h(e.data).padStart(8, '0')}h]`);
      }
      if (lower) lower.addr = e.data ? -1 : (this.cfg.reg(e.reg.offset - 4)?.data ?? -1);
      if (r) r.addr = -1;
    } else if (r) r.addr = e.data;
    const out = merge(value, dev, ~emu & valid);
    this.remapOne(index);
    return out;
  }

  /** pt_exp_rom_bar_reg_write. */
  private romBarWrite(e: PtRegEntry, value: number, dev: number, valid: number): number {
    const r = this.region(PCI_ROM_SLOT);
    const size = Math.ceil((r?.size ?? 0) / PAGE) * PAGE;
    const ro = (e.reg.ro | (size - 1)) & ~1;
    e.data = merge(value, e.data, ~ro & valid);
    if (r) r.addr = e.data;
    const out = merge(value, dev, ~e.reg.emu & valid);
    this.remapOne(PCI_ROM_SLOT);
    return out;
  }

  /** After a BAR write: remap that BAR with the guest's current COMMAND decoding bits. */
  private remapOne(index: number): void {
    const cmd = this.cfg.entry('PCI_COMMAND')?.data ?? 0;
    this.barMappingOne(index, (cmd & PCI_COMMAND_IO) !== 0, (cmd & PCI_COMMAND_MEMORY) !== 0);
  }

  private barMapping(io: boolean, mem: boolean): void {
    for (let i = 0; i <= PCI_ROM_SLOT; i++) this.barMappingOne(i, io, mem);
  }

  /** pt_bar_mapping_one: the address the BAR should decode at now (-1: none); remap on change. */
  private barMappingOne(index: number, io: boolean, mem: boolean): void {
    const r = this.region(index);
    const b = this.bases[index];
    if (!r?.size || b.flag === 'unused' || b.flag === 'upper') return;
    let addr = r.addr;
    if ((b.flag === 'io' && !io) || (b.flag === 'mem' && !mem)) addr = -1;
    if (index === PCI_ROM_SLOT && addr !== -1 && !((this.cfg.entry('PCI_ROM_ADDRESS')?.data ?? 0) & 1)) addr = -1;
    if (b.flag === 'mem' && addr === 0) addr = -1;
    const size = b.flag === 'mem' ? Math.ceil(r.size / PAGE) * PAGE : r.size;
    if (addr !== b.ePhys) (b.flag === 'io' ? this.ioportMap : this.iomemMap).call(this, index, addr, size, r.type);
  }

  /** pt_iomem_map (3.4): remove the old range unless first or unmapped, add the new one unless -1. */
  private iomemMap(index: number, ePhys: number, eSize: number, type: number): void {
    const b = this.bases[index];
    const pages = Math.floor((eSize + PAGE - 1) / PAGE);
    const mfn = Math.floor(b.machine / PAGE);
    this.remap(b, 'pt_iomem_map', ePhys, eSize, `e_phys=${h(ePhys).padStart(8, '0')} maddr=${h(b.machine)} type=${type} len=${eSize} index=${index} first_map=${b.eSize === 0 ? 1 : 0}`, (at, add) =>
      this.xc.domainMemoryMapping(this.domid, Math.floor((at >>> 0) / PAGE), mfn, pages, add),
    );
  }

  /** pt_ioport_map (3.4). */
  private ioportMap(index: number, ePhys: number, eSize: number): void {
    const b = this.bases[index];
    const line = `e_phys=${h(ePhys & 0xffff).padStart(4, '0')} pio_base=${h(b.machine & 0xffff).padStart(4, '0')} len=${eSize & 0xffff} index=${index} first_map=${b.eSize === 0 ? 1 : 0}`;
    this.remap(b, 'pt_ioport_map', ePhys, eSize, line, (at, add) => this.xc.domainIoportMapping(this.domid, at, b.machine, eSize, add));
  }

  private remap(b: PtRegion34, fn: string, ePhys: number, eSize: number, line: string, mapping: (at: number, add: number) => number): void {
    const old = b.ePhys;
    const first = b.eSize === 0;
    b.ePhys = ePhys;
    b.eSize = eSize;
    this.log.pt(fn, line);
    if (eSize === 0) return;
    if (!first && old !== -1 && mapping(old, DPCI_REMOVE_MAPPING) !== 0) {
      this.log.pt(fn, 'Error: remove old mapping failed!');
      return;
    }
    if (ePhys !== -1 && mapping(ePhys, DPCI_ADD_MAPPING) !== 0) this.log.pt(fn, 'Error: create new mapping failed!');
  }

  // ---- unregister (hot-unplug) and snapshots ------------------------------------------------------

  /** unregister_real_device: unbind INTx, tear MSI down, unmap the pirq, unmap every BAR. */
  unregister(): void {
    const eDevice = (this.devfn >> 3) & 0x1f;
    if (this.machineIrq && this.xc.domainUnbindPtIrq(this.domid, this.machineIrq, PT_IRQ_TYPE_PCI, 0, eDevice, 0) < 0) {
      this.log.pt('unregister_real_device', `Error: Unbinding of interrupt failed! rc=-1`);
    }
    if (this.msi.ctrlOffset) ptMsiDisable(this, this.where);
    if (this.machineIrq && xcPhysdevUnmapPirq(this.xc, this.domid, this.machineIrq) < 0) this.log.pt('unregister_real_device', 'Error: Unmaping of interrupt failed! rc=-1');
    for (let i = 0; i <= PCI_ROM_SLOT; i++) {
      const b = this.bases[i];
      if (!b.eSize || b.ePhys === -1) continue;
      const rc =
        b.flag === 'io'
          ? this.xc.domainIoportMapping(this.domid, b.ePhys, b.machine, b.eSize, DPCI_REMOVE_MAPPING)
          : this.xc.domainMemoryMapping(this.domid, Math.floor(b.ePhys / PAGE), Math.floor(b.machine / PAGE), Math.floor((b.eSize + PAGE - 1) / PAGE), DPCI_REMOVE_MAPPING);
      if (rc !== 0) this.log.pt('pt_unregister_regions', `Error: remove old ${b.flag === 'io' ? 'io' : 'mem'} mapping failed!`);
    }
  }

  save(): PtDevice34State {
    const regionAddrs: Record<string, number> = {};
    for (const r of this.regions) regionAddrs[`region${r.index}`] = r.addr;
    return { version: 1, config: this.cfg.save(), bases: this.bases.map((b) => ({ ...b })), regionAddrs, msi: { ...this.msi }, machineIrq: this.machineIrq };
  }

  restore(s: PtDevice34State): void {
    if (s.version !== 1) throw new Error(`pass-through device snapshot version ${String(s.version)} is not 1`);
    this.cfg.restore(s.config);
    s.bases.forEach((b, i) => Object.assign(this.bases[i], b));
    for (const r of this.regions) r.addr = s.regionAddrs[`region${r.index}`] ?? -1;
    Object.assign(this.msi, s.msi);
    this.machineIrq = s.machineIrq;
  }
}

/** pt_init (3.3+): every device or nothing (-1 stops qemu-dm). */
export function ptInit34(ctx: PtContext, directPci: string): { rc: number; devices: PtDevice34[] } {
  return ptInitWith(ctx, directPci, registerRealDevice34);
}

function registerRealDevice34(ctx: PtContext, rBus: number, rDev: number, rFunc: number): PtDevice34 | undefined {
  const log = (m: string) => ctx.log.pt('register_real_device', m);
  const at = `${h2(rBus)}:${h2(rDev)}.${rFunc.toString(16)}`;
  log(`Assigning real physical device ${at} ...`);
  const real = ctx.libpci.find((p) => p.bus === rBus && p.dev === rDev && p.func === rFunc);
  if (!real) return log("Error: couldn't locate device in libpci structures"), undefined;
  const dev = ctx.bus.register((devfn) => new PtDevice34(devfn, real, ctx), PT_VIRT_DEVFN_AUTO);
  if (!dev) return log("Error: couldn't register real device"), undefined;
  const rc = ctx.xc.assignDevice(ctx.domid, machineBdf({ bus: rBus, device: rDev, fn: rFunc }));
  if (rc < 0) log(`Error: xc_assign_device error ${rc}`);
  for (let i = 0; i < 256; i++) dev.config[i] = real.readConfig(i, 1);
  registerRegions(ctx, dev);
  const err = dev.cfg.init();
  if (err) return ctx.log.pt('pt_config_init', err), undefined;
  if (dev.config[0x3d]) bindIntx(ctx, dev);
  log(`Real physical device ${at} registered successfuly!`);
  ctx.log.write('IRQ type = INTx');
  return dev;
}

/** xc_physdev_map_pirq, then xc_domain_bind_pt_pci_irq to INTA#; on failure INTx is disabled on the device. */
function bindIntx(ctx: PtContext, dev: PtDevice34): void {
  const log = (m: string) => ctx.log.pt('register_real_device', m);
  const disableIntx = () => dev.writeReal(0x04, 2, readLe(dev.config, 0x04, 2) | PCI_COMMAND_DISABLE_INTX);
  const map = xcPhysdevMapPirq(ctx.xc, ctx.domid, dev.real.irq, dev.real.irq);
  if (map.rc) {
    log(`Error: Mapping irq failed, rc = ${map.rc}`);
    disableIntx();
    dev.machineIrq = 0;
    return;
  }
  dev.machineIrq = map.pirq;
  const rc = ctx.xc.domainBindPtPciIrq(ctx.domid, dev.machineIrq, 0, (dev.devfn >> 3) & 0x1f, 0);
  if (rc >= 0) return;
  log(`Error: Binding of interrupt failed! rc=${rc}`);
  disableIntx();
  if (xcPhysdevUnmapPirq(ctx.xc, ctx.domid, dev.machineIrq)) log(`Error: Unmapping of interrupt failed! rc=${rc}`);
  dev.machineIrq = 0;
}

/** pt_register_regions (3.4): the same regions as 2007, machine bases without flag bits. */
function registerRegions(ctx: PtContext, dev: PtDevice34): void {
  const real = dev.real;
  for (let i = 0; i < PCI_BAR_ENTRIES; i++) {
    const base = real.baseAddr[i];
    const io = (base & PCI_ADDRESS_SPACE_IO) !== 0;
    const addr = io ? base & ~3 : (base & ~0xf) >>> 0;
    if (!addr) continue;
    dev.bases[i].machine = addr;
    const type = io ? PCI_ADDRESS_SPACE_IO : base & PCI_ADDRESS_SPACE_MEM_PREFETCH ? PCI_ADDRESS_SPACE_MEM_PREFETCH : PCI_ADDRESS_SPACE_MEM;
    dev.registerRegion(i, real.size[i], type);
    ctx.log.pt('pt_register_regions', `IO region registered (size=0x${h(real.size[i]).padStart(8, '0')} base_addr=0x${h(base).padStart(8, '0')})`);
  }
  if (real.romBaseAddr & ~0x7ff && real.romSize) {
    dev.bases[PCI_ROM_SLOT].machine = real.romBaseAddr & ~0x7ff;
    dev.registerRegion(PCI_ROM_SLOT, real.romSize, PCI_ADDRESS_SPACE_MEM_PREFETCH);
    ctx.log.pt('pt_register_regions', `Expansion ROM registered (size=0x${h(real.romSize).padStart(8, '0')} base_addr=0x${h(real.romBaseAddr).padStart(8, '0')})`);
  }
}
