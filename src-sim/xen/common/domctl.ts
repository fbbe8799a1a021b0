/**
 * `__HYPERVISOR_domctl` (xen/common/domctl.c do_domctl): privilege first (-EPERM), then the
 * interface version (-EACCES), then the sub-op — the generic ones here (create, destroy,
 * pause, max_mem, max_vcpus, the irq/iomem/ioport permissions), the architecture's
 * device-assignment ops in arch/x86/domctl.ts. Every call lands in the hypercall log.
 */
import { EACCES, EINVAL, ENOSYS, EPERM, ESRCH } from './errno.ts';
import { Domain } from './domain.ts';
import { hexArg, type HypercallArg } from './hypercall-log.ts';
import { atLeast, type XenEra } from './version.ts';
import { archDoDomctl, type ArchDomctl } from '../arch/x86/domctl.ts';
import { domainDestroy } from './domain-destroy.ts';
import { P2m } from '../arch/x86/mm/p2m.ts';
import { HvmIo } from '../arch/x86/hvm/io.ts';
import { Vpic } from '../arch/x86/hvm/vpic.ts';
import { HvmIrq, hvmIsaIrqToGsi } from '../arch/x86/hvm/irq.ts';
import { hvmDpciEoi } from '../drivers/passthrough/io.ts';
import { attachIntrAssist } from '../arch/x86/hvm/vmx/intr.ts';
import { hvmInterruptControllersInit } from '../arch/x86/hvm/hvm_domain.ts';
import type { Xen } from '../xen.ts';
import { registerDomainSnapshots } from '../snapshot.ts';

/** XEN_DOMCTL_INTERFACE_VERSION of the era. */
export function domctlInterfaceVersion(era: XenEra): number {
  return atLeast(era, '4.0') ? 6 : 5;
}

export type GenericDomctl =
  | { cmd: 'createdomain'; hvm: boolean; handle?: string }
  | { cmd: 'destroydomain'; domain: number }
  | { cmd: 'pausedomain'; domain: number }
  | { cmd: 'unpausedomain'; domain: number }
  | { cmd: 'max_mem'; domain: number; maxMemKb: number }
  | { cmd: 'max_vcpus'; domain: number; max: number }
  | { cmd: 'irq_permission'; domain: number; pirq: number; allow: boolean }
  | { cmd: 'iomem_permission'; domain: number; firstMfn: number; nrMfns: number; allow: boolean }
  | { cmd: 'ioport_permission'; domain: number; firstPort: number; nrPorts: number; allow: boolean };

export type Domctl = (GenericDomctl | ArchDomctl) & { interfaceVersion?: number };

export const DOMCTL_NUMBERS: Record<Domctl['cmd'], number> = {
  createdomain: 1,
  destroydomain: 2,
  pausedomain: 3,
  unpausedomain: 4,
  max_mem: 11,
  max_vcpus: 15,
  irq_permission: 19,
  iomem_permission: 20,
  ioport_permission: 21,
  assign_device: 37,
  bind_pt_irq: 38,
  memory_mapping: 39,
  ioport_mapping: 40,
  test_assign_device: 45,
  unbind_pt_irq: 48,
};

export interface DomctlResult {
  rc: number;
  /** createdomain: the new domain's id. */
  domid?: number;
}

/** Field names as the domctl structs spell them, where they differ from camel → snake case. */
const FIELD: Record<string, string> = { maxMemKb: 'max_memkb', allow: 'allow_access', add: 'add_mapping', hvm: 'flags' };

/** The arguments as the log shows them: the struct's field names, C integers, hex for frames, ports and encodings. */
function logArgs(op: Domctl): Record<string, HypercallArg> {
  const out: Record<string, HypercallArg> = {};
  for (const [k, v] of Object.entries(op)) {
    if (k === 'cmd' || k === 'domain' || k === 'interfaceVersion' || v === undefined) continue;
    const name = FIELD[k] ?? k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    if (k === 'hvm') out[name] = v ? 'XEN_DOMCTL_CDF_hvm_guest' : 0;
    else if (typeof v === 'boolean') out[name] = v ? 1 : 0;
    else out[name] = typeof v === 'number' && /Bdf|Mfn|Gfn|Port|Gport|Mport/.test(k) && !/^nr/.test(k) ? hexArg(v) : (v as HypercallArg);
  }
  return out;
}

export function doDomctl(xen: Xen, caller: number, op: Domctl): DomctlResult {
  const res = dispatch(xen, caller, op);
  const domain = 'domain' in op ? op.domain : (res.domid ?? -1);
  xen.hypercalls.add({ caller, hypercall: 'domctl', op: `XEN_DOMCTL_${op.cmd}`, cmd: DOMCTL_NUMBERS[op.cmd], domain, args: logArgs(op), result: res.rc }, xen.now);
  return res;
}

function dispatch(xen: Xen, caller: number, op: Domctl): DomctlResult {
  if (!xen.domain(caller)?.isPrivileged) return { rc: -EPERM };
  if ((op.interfaceVersion ?? domctlInterfaceVersion(xen.era)) !== domctlInterfaceVersion(xen.era)) return { rc: -EACCES };
  switch (op.cmd) {
    case 'createdomain':
      return createDomain(xen, op.hvm, op.handle);
    case 'destroydomain':
    case 'pausedomain':
    case 'unpausedomain': {
      const d = xen.domain(op.domain);
      if (!d || d.domid === 0) return { rc: d ? -EINVAL : -ESRCH };
      if (op.cmd === 'destroydomain') domainDestroy(xen, d, caller);
      else if (op.cmd === 'pausedomain') d.state = 'paused';
      else unpause(xen, d);
      return { rc: 0 };
    }
    case 'max_mem':
    case 'max_vcpus':
    case 'irq_permission':
    case 'iomem_permission':
    case 'ioport_permission':
      return { rc: domainSetting(xen, op) };
    default:
      return { rc: archDoDomctl(xen, caller, op) };
  }
}

/** domain_create → arch_domain_create → iommu_domain_init; the domain starts paused. */
function createDomain(xen: Xen, hvm: boolean, handle?: string): DomctlResult {
  if (hvm && !xen.world.pc.profile.cpu) return { rc: -EINVAL };
  const domid = xen.nextDomid++;
  const d = new Domain(domid, hvm, xen.world.sim.scope(`d${domid}`), handle);
  d.state = 'paused';
  const rc = xen.vtd ? xen.vtd.domainInit(d) : 0;
  if (rc) return { rc };
  // hvm_domain_initialise → paging_enable → p2m_alloc_table, which (with VT-d) ends in iommu_set_pgd.
  if (hvm) {
    d.p2m = new P2m(xen.world.pc.mem, { allocPage: () => trackedPage(xen, d) });
    xen.vtd?.setPgd(d);
    d.hvmIo = new HvmIo(xen, d);
    const vpic = new Vpic(d.scope.scope('vpic'));
    d.vpic = vpic;
    d.hvmIrq = new HvmIrq(() => d.pciLinkRoute, (isa, level) => vpic.pic.setIrq(isa, level));
    vpic.onSpecificEoi = (isa) => hvmDpciEoi(xen, d, hvmIsaIrqToGsi(isa));
    attachIntrAssist(xen, d);
    hvmInterruptControllersInit(xen, d);
  }
  registerDomainSnapshots(xen, d);
  xen.domains.set(d.domid, d);
  return { rc: 0, domid: d.domid };
}

/** domain_unpause: the first time, vCPU 0 is scheduled and starts at its entry (hvmloader for HVM). */
function unpause(xen: Xen, d: Domain): void {
  const first = d.state === 'paused' && !d.started;
  d.state = 'running';
  if (!first || !d.vcpuEntry) return;
  d.started = true;
  const entry = d.vcpuEntry;
  d.scope.timer('vcpu0.start', () => {
    if (d.state === 'running') entry();
  }).armIn(0);
}

function trackedPage(xen: Xen, d: Domain): number {
  const p = xen.heap.allocPage();
  d.xenPages.push(p);
  return p;
}

function domainSetting(xen: Xen, op: GenericDomctl): number {
  const d = 'domain' in op ? xen.domain(op.domain) : undefined;
  if (!d) return -ESRCH;
  switch (op.cmd) {
    case 'max_mem':
      d.maxPages = Math.floor(op.maxMemKb / 4);
      return 0;
    case 'max_vcpus':
      d.maxVcpus = op.max;
      return 0;
    case 'irq_permission':
      if (op.pirq < 0 || op.pirq > 255) return -EINVAL;
      if (op.allow) d.irqCaps.add(op.pirq, op.pirq);
      else d.irqCaps.remove(op.pirq, op.pirq);
      return 0;
    case 'iomem_permission':
      if (op.firstMfn + op.nrMfns - 1 < op.firstMfn) return -EINVAL;
      if (op.allow) d.iomemCaps.add(op.firstMfn, op.firstMfn + op.nrMfns - 1);
      else d.iomemCaps.remove(op.firstMfn, op.firstMfn + op.nrMfns - 1);
      return 0;
    case 'ioport_permission':
      if (op.firstPort + op.nrPorts > 0x10000) return -EINVAL;
      if (op.allow) d.ioportCaps.add(op.firstPort, op.firstPort + op.nrPorts - 1);
      else d.ioportCaps.remove(op.firstPort, op.firstPort + op.nrPorts - 1);
      return 0;
    default:
      return -ENOSYS;
  }
}
