/**
 * dom0: the 2.6.18-xen Linux kernel Xen starts from the first multiboot module. Its boot as
 * device assignment sees it: the command line (pciback.hide, the seed's `pciback.hid` typo
 * rejected as Linux rejects it), the PCI scan through config cycles, pciback seizing the
 * hidden functions at fs_initcall, ordinary drivers (e1000 …) binding the rest, and the sysfs
 * view xend reads. dom0 reaches hardware only through its ports (it owns 0xCF8/0xCFC).
 */
import type { Tracer } from '../../engine/index.ts';
import type { IoPortSpace } from '../../hw/bus/ioport.ts';
import type { PciAddress } from '../../../src-shared/config/pci-spec.ts';
import { parseKernelCmdline, type KernelParams } from './init/main.ts';
import { KernelLog } from './printk.ts';
import { ConfigCycles, pciScan, type LinuxPciDev } from './drivers/pci/probe.ts';
import { bindDrivers } from './drivers/pci/drivers.ts';
import { PCIBACK_PARAMS, pcistubInit, pcistubSeize } from './drivers/xen/pciback/pci_stub.ts';
import { PciSysfs } from './fs/sysfs.ts';
import { GuestE1000, type GuestBus } from './drivers/net/e1000.ts';
import { PirqChip, type PirqHypercalls } from './drivers/xen/core/evtchn-pirq.ts';
import type { EvtchnDispatch } from './drivers/xen/core/evtchn.ts';

export interface Dom0Hardware {
  io: IoPortSpace;
  tracer: Tracer;
}

/**
 * What dom0 drives its own NICs with: its 1:1 view of machine memory and MMIO, its pirq
 * hypercalls, and the kernel's one event-channel dispatch (netback's ports are on it too).
 */
export interface Dom0NetHardware {
  bus: GuestBus;
  pirq: PirqHypercalls;
  evtchn: EvtchnDispatch;
  /** Machine address of dom0 memory the driver of its n-th NIC may use for rings and buffers. */
  dmaPool(n: number): number;
  now(): number;
}

export class Dom0Linux {
  readonly log: KernelLog;
  readonly cfg: ConfigCycles;
  readonly sysfs: PciSysfs;
  devices: LinuxPciDev[] = [];
  params: KernelParams = { modules: new Map(), options: new Map() };
  hidden: PciAddress[] = [];
  netdevs: string[] = [];
  /** The e1000 interfaces ifup opened, by name. */
  readonly nics = new Map<string, GuestE1000>();
  /** Physical IRQs the drivers requested (event channels), once ifup ran. */
  pirq?: PirqChip;

  constructor(hw: Dom0Hardware) {
    this.log = new KernelLog(hw.tracer, 'dom0');
    this.cfg = new ConfigCycles(hw.io);
    this.sysfs = new PciSysfs(() => this.devices);
  }

  /** start_kernel … do_initcalls, as far as PCI ownership goes. */
  boot(cmdline: string): void {
    this.log.printk(6, `Kernel command line: ${cmdline}`);
    this.params = parseKernelCmdline(cmdline, { pciback: PCIBACK_PARAMS }, this.log);
    this.devices = pciScan(this.cfg);
    const stub = pcistubInit(this.params.modules.get('pciback.hide'), this.log);
    // A hide list that does not parse makes pcistub_init return before registering the driver: nothing is seized.
    this.hidden = stub.rc === 0 ? stub.hidden : [];
    pcistubSeize(this.devices, this.hidden, this.cfg, this.log);
    this.netdevs = bindDrivers(this.devices, this.log);
  }

  /**
   * The init scripts' ifup of every e1000 dom0 kept: pci_enable_device + pci_set_master,
   * e1000_open over the function's BAR0 (machine address: dom0 sees machine memory), and
   * request_irq of its line — a physical IRQ, bound to an event channel.
   */
  ifup(hw: Dom0NetHardware): void {
    this.pirq ??= new PirqChip(hw.pirq, hw.evtchn, this.log);
    const e1000s = this.devices.filter((d) => d.driver === 'e1000');
    e1000s.forEach((dev, n) => {
      const name = this.netdevs[n];
      if (!name || this.nics.has(name)) return;
      this.cfg.write(dev.bdf, 0x04, 2, this.cfg.read(dev.bdf, 0x04, 2) | 0x7);
      const nic = new GuestE1000(hw.bus, this.log, name, dev.resources[0].start, dev.irq, hw.dmaPool(n), hw.now);
      if (this.pirq!.requestIrq(dev.irq, name, () => nic.interrupt())) return;
      nic.open(true);
      this.nics.set(name, nic);
    });
  }

  device(name: string): LinuxPciDev | undefined {
    return this.devices.find((d) => d.name === name);
  }
}
