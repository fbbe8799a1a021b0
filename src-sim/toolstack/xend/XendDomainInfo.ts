/**
 * XendDomainInfo.create / destroy (tools/python/xen/xend/XendDomainInfo.py) in the era's order:
 * createdomain (HVM) → 3.2+ test_assign_device per function → max_vcpus, memory (ballooning
 * dom0 when Xen lacks free pages), hvm_build → devices (pciif permissions) → qemu-dm, which
 * assigns the devices and binds their IRQs. Any VmError destroys the half-built domain.
 */
import { machineBdf } from '../../xen/arch/x86/domctl.ts';
import { atLeast } from '../../xen/common/version.ts';
import { QemuDm } from '../../qemu/ioemu/vl.ts';
import { installHvmImage } from '../guest-image.ts';
import { installPvImage } from '../guest-image-pv.ts';
import { xcLinuxBuildMemory } from '../../xen/tools/libxc/xc_linux.ts';
import { attachTaps, createVifs, destroyVifs, detachTaps } from './server/netif.ts';
import { deviceModelArgs } from './image.ts';
import { checkOwnership, readPciDevice, setupPciDevice, slotName, VmError } from './server/pciif.ts';
import { checkCoassignment } from './server/pci-coassign.ts';
import type { Xend, XendDomain } from './xend.ts';
import type { XmConfig } from '../xm/config.ts';

/** Shadow and p2m overhead xend adds to a guest's memory (a few MiB for an HVM guest of this size). */
const HVM_OVERHEAD_PAGES = 2048;

const hexf = (b: number, d: number, f: number) => `${b.toString(16)}:${d.toString(16)}.${f.toString(16)}`;

export function createDomain(xend: Xend, cfg: XmConfig): XendDomain {
  const hvm = cfg.builder === 'hvm';
  if (hvm && !cfg.deviceModel) throw new VmError('hvm: missing device model');
  if (xend.byName(cfg.name)) throw new VmError(`Domain '${cfg.name}' already exists with ID '${xend.byName(cfg.name)!.domid}'`);
  const xc = xend.xc;
  const r = xc.domainCreate(hvm);
  if (r.rc < 0 || r.domid === undefined) throw new VmError(`Creating domain failed: name=${cfg.name}`);
  const domid = r.domid;
  xend.log.log('DEBUG', `XendDomainInfo.constructDomain: domid=${domid}`);
  const dom: XendDomain = { domid, name: cfg.name, config: cfg, state: 'paused', pci: cfg.pci.map((p) => slotName(p)) };
  try {
    if (hvm) testAssign(xend, domid, cfg);
    xc.domainMaxVcpus(domid, cfg.vcpus);
    buildMemory(xend, domid, cfg, hvm);
    // 3.4+: functions behind one PCI bridge go to one guest (before any device is set up).
    checkCoassignment({ dom0: xend.dom0, xc, era: xend.xen.era, hvm, assigned: [...xend.domains.values()].flatMap((d) => d.pci) }, cfg.pci);
    // Devices in config order: vif before pci (PV vifs get netback backends; ioemu ones are qemu-dm's).
    if (!hvm) createVifs(xend, dom, cfg.vif);
    for (const p of cfg.pci) setupPciDevice(xend.dom0, xc, domid, p, atLeast(xend.xen.era, '4.0'));
    if (!hvm) assignPv(xend, domid, cfg);
    if (hvm) startDeviceModel(xend, dom, cfg);
  } catch (e) {
    destroyVifs(xend, dom);
    xc.domainDestroy(domid);
    throw e;
  }
  xend.domains.set(domid, dom);
  return dom;
}

/** 3.2: XendDomainInfo's VT-d pre-check through test_assign_device (3.4 and 4.0 word it differently). */
function testAssign(xend: Xend, domid: number, cfg: XmConfig): void {
  const era = xend.xen.era;
  if (!atLeast(era, '3.2') || !cfg.pci.length) return;
  for (const p of cfg.pci) {
    // 4.0 checks ownership and the other guests' configs before asking Xen.
    if (atLeast(era, '4.0')) {
      checkOwnership(readPciDevice(xend.dom0, p), true);
      if ([...xend.domains.values()].some((d) => d.pci.includes(slotName(p)))) throw new VmError(`failed to assign device ${slotName(p)} that has already been assigned to other domain.`);
    }
    // 3.2 tests against the new domain, 3.4 against dom0 (the argument is not used by Xen).
    if (xend.xc.testAssignDevice(atLeast(era, '3.4') ? 0 : domid, machineBdf({ bus: p.bus, device: p.slot, fn: p.func })) === 0) continue;
    if (atLeast(era, '3.4') && xend.xc.errno === 38) throw new VmError("failed to assign device: maybe the platform doesn't support VT-d, or VT-d isn't enabled properly?");
    const at = hexf(p.bus, p.slot, p.func);
    if (atLeast(era, '4.0') && xend.xc.errno !== 38) throw new VmError(`failed to assign device ${slotName(p)} that has already been assigned to other domain.`);
    if (atLeast(era, '3.4')) throw new VmError(`fail to assign device(${at}): maybe it has already been assigned to other domain, or maybe it doesn't exist.`);
    throw new VmError(`Fail to assign device(${at}): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain`);
  }
}

/** 3.4+: xend itself puts a PV guest's devices behind the IOMMU (needs iommu=pv); 2007/3.2 never did. */
function assignPv(xend: Xend, domid: number, cfg: XmConfig): void {
  if (!atLeast(xend.xen.era, '3.4')) return;
  for (const p of cfg.pci) {
    if (xend.xc.assignDevice(domid, machineBdf({ bus: p.bus, device: p.slot, fn: p.func })) < 0) throw new VmError(`Failed to assign device to IOMMU (${hexf(p.bus, p.slot, p.func)})`);
  }
}

function buildMemory(xend: Xend, domid: number, cfg: XmConfig, hvm: boolean): void {
  const xc = xend.xc;
  const pages = cfg.memory * 256;
  xc.domainSetmaxmem(domid, (pages + HVM_OVERHEAD_PAGES) * 4);
  const need = pages + HVM_OVERHEAD_PAGES;
  const free = xend.xen.heap.freePages;
  if (free < need) {
    xend.log.log('DEBUG', `Balloon: ${free * 4} KiB free; need ${need * 4}; looping.`);
    if (xc.balloonOut(need - free) < 0 || xend.xen.heap.freePages < need) throw new VmError(`I need ${need * 4} KiB, but dom0 could not be shrunk enough to leave that much free`);
  }
  if (!hvm) return buildLinux(xend, domid, cfg);
  if (xc.hvmBuildMemory(domid, cfg.memory) < 0) throw new VmError(`HVM builder failed: errno ${xc.errno}`);
  // xc_hvm_build loads hvmloader: it is what vCPU 0 runs first, then the guest's OS.
  installHvmImage(xend.xen, xend.xen.domain(domid)!, { apic: cfg.apic !== 0, acpi: cfg.acpi !== 0, malicious: xend.maliciousGuests }, (os) => {
    const dom = xend.domains.get(domid);
    if (dom) dom.guest = os;
    xend.journal.record({ op: 'boot', domid });
  });
}

/** xc_linux_build: the PV guest's frames, and its kernel as what vCPU 0 runs. */
function buildLinux(xend: Xend, domid: number, cfg: XmConfig): void {
  const p2m = xcLinuxBuildMemory(xend.xc, domid, cfg.memory);
  if (p2m === -1) throw new VmError(`Building domain failed: ostype=linux dom=${domid} err=${xend.xc.errno}`);
  if (!xend.net) return;
  installPvImage(xend.xen, xend.xen.domain(domid)!, p2m, xend.net.xenstore, (os) => {
    const dom = xend.domains.get(domid);
    if (dom) dom.pvGuest = os;
  });
}

function startDeviceModel(xend: Xend, dom: XendDomain, cfg: XmConfig): void {
  const argv = deviceModelArgs(cfg, dom.domid, xend.rng);
  xend.log.log('INFO', `spawning device models: ${cfg.deviceModel} ${pyList([cfg.deviceModel, ...argv])}`);
  const scope = xend.xen.domain(dom.domid)?.scope.scope('qemu-dm');
  const qemu = new QemuDm({ tracer: xend.xen.world.sim.tracer, xc: xend.xc, libpci: () => xend.dom0.libpci(), scope }, argv);
  dom.qemu = qemu;
  const pid = xend.nextPid++;
  xend.log.log('INFO', `device model pid: ${pid}`);
  qemu.start();
  if (xend.net) attachTaps(xend.net, qemu);
}

/** XendDomainInfo.destroy: kill qemu-dm, then destroydomain (Xen returns the devices to dom0). */
/** Python's repr of a list of str (a string holding ' but not " is quoted with "). */
function pyList(items: string[]): string {
  return `[${items.map((s) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`)).join(', ')}]`;
}

export function destroyDomain(xend: Xend, dom: XendDomain): void {
  dom.qemu?.kill();
  if (dom.qemu && xend.net) detachTaps(xend.net, dom.qemu);
  destroyVifs(xend, dom);
  xend.xc.domainDestroy(dom.domid);
  xend.domains.delete(dom.domid);
}

export function unpause(xend: Xend, dom: XendDomain): void {
  xend.xc.domainUnpause(dom.domid);
  dom.state = 'running';
}
