/**
 * The simulated host from power-on: GRUB reads grub.conf and loads the default entry's
 * hypervisor and modules; Xen boots with the `kernel` line's options; dom0 Linux boots with the
 * first module's command line; xend starts. The world (Simulation + Pc) is the caller's.
 */
import { analyzeGrub } from '../../src-shared/config/index.ts';
import { defaultEntry, xenBoot } from '../../src-shared/config/grub-parser.ts';
import type { CmdOption } from '../../src-shared/config/xen-cmdline.ts';
import { Xen, type XenWorld } from '../xen/xen.ts';
import { startXen } from '../xen/arch/x86/setup.ts';
import type { XenEra } from '../xen/common/version.ts';
import { Dom0Linux, type Dom0NetHardware } from '../guest/linux/dom0.ts';
import { readMem, writeMem } from '../xen/arch/x86/hvm/io.ts';
import type { LibpciDev } from '../qemu/ioemu/hw/pass-through.ts';
import { Xend, type XendDom0 } from './xend/xend.ts';
import { Xm } from './xm/main.ts';
import { registerToolstackSnapshots } from './snapshot.ts';
import { startNetwork } from './network-bridge.ts';
import { pvHypercalls } from './guest-image-pv.ts';
import { EvtchnDispatch } from '../guest/linux/drivers/xen/core/evtchn.ts';
import type { XenHypercalls } from '../guest/linux/include/xen/hypercall.ts';

export class BootError extends Error {}

export interface XenHost {
  xen: Xen;
  dom0: Dom0Linux;
  xend: Xend;
  xm: Xm;
  /** The entry GRUB booted. */
  title: string;
}

const words = (opts: CmdOption[]) => opts.map((o) => (o.value === undefined ? o.name : `${o.name}=${o.value}`)).join(' ');

export function bootFromGrub(world: XenWorld, grubText: string, era: XenEra): XenHost {
  const grub = analyzeGrub(grubText);
  const entry = defaultEntry(grub);
  if (!entry) throw new BootError('grub.conf has no boot entry: GRUB stops at its menu');
  const boot = xenBoot(entry);
  if (!boot) throw new BootError(`the default entry "${entry.title}" does not load a Xen hypervisor (kernel /…/xen.gz)`);
  if (!boot.dom0) throw new BootError(`the default entry "${entry.title}" has no module line: Xen has no dom0 kernel to start`);
  const xen = new Xen(world, era);
  const dom0Cmdline = words(boot.dom0Options);
  startXen(xen, words(boot.xenOptions), dom0Cmdline);
  const dom0 = new Dom0Linux({ io: world.pc.io, tracer: world.sim.tracer });
  dom0.boot(dom0Cmdline);
  // dom0's kernel: one hypercall page and one event dispatch for its devices' IRQs and netback.
  const hv = pvHypercalls(xen, xen.dom0);
  const evtchn = new EvtchnDispatch(hv);
  dom0.ifup(dom0NetHardware(xen, hv, evtchn));
  const xend = new Xend(xen, dom0View(dom0), world.sim.rng.stream('xend'));
  xend.net = startNetwork(xen, dom0, hv, evtchn);
  const host = { xen, dom0, xend, xm: new Xm(xend), title: entry.title };
  registerToolstackSnapshots(world, host, { grub: grubText, era });
  return host;
}

/** Where dom0's n-th NIC driver keeps its rings: 1 MiB each, 16 MiB into dom0's memory. */
const DOM0_NIC_POOL = 0x0100_0000;

/** dom0's 1:1 view of the machine (MMIO where something decodes, else RAM), its hypercalls and event dispatch. */
function dom0NetHardware(xen: Xen, hv: XenHypercalls, evtchn: EvtchnDispatch): Dom0NetHardware {
  const pc = xen.world.pc;
  return {
    bus: {
      memRead: (a, size) => (pc.mmio.find(a) ? pc.mmio.read(a, size) : readMem(xen, a, size)),
      memWrite: (a, size, v) => (pc.mmio.find(a) ? pc.mmio.write(a, size, v) : writeMem(xen, a, size, v)),
    },
    pirq: hv,
    evtchn,
    dmaPool: (n) => xen.dom0.frames[0].mfn * 0x1000 + DOM0_NIC_POOL * (n + 1),
    now: () => xen.now,
  };
}

/** sysfs and libpci as xend and qemu-dm read them in dom0. */
function dom0View(dom0: Dom0Linux): XendDom0 {
  return {
    sysfsRead: (p) => dom0.sysfs.read(p),
    sysfsReadlink: (p) => dom0.sysfs.readlink(p),
    libpci: () =>
      dom0.devices.map((d): LibpciDev => ({
        bus: d.bdf.bus,
        dev: d.bdf.device,
        func: d.bdf.fn,
        irq: d.irq,
        baseAddr: d.resources.slice(0, 6).map((r) => (r.flags ? r.start + (r.flags & 0x100 ? 1 : 0) + (r.flags & 0x2000 ? 8 : 0) : 0)),
        size: d.resources.slice(0, 6).map((r) => (r.flags ? r.end - r.start + 1 : 0)),
        romBaseAddr: 0,
        romSize: 0,
        readConfig: (off, len) => dom0.cfg.read(d.bdf, off, len),
        writeConfig: (off, len, v) => dom0.cfg.write(d.bdf, off, len, v),
      })),
  };
}
