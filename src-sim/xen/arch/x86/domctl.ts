/**
 * arch_do_domctl's device-assignment ops (xen/arch/x86/domctl.c; the seed's vtd3 patch) with
 * each era's checks and errno values (xen.md §3):
 *
 * - assign_device (37): 2007 succeeds silently with VT-d off or a function dom0 does not own;
 *   3.2 answers -EINVAL for both; 3.3+ -ENOSYS (IOMMU off), -ENODEV (unknown), -EBUSY (owned).
 * - test_assign_device (45, 3.2+): the same checks without the move.
 * - bind_pt_irq (38, the seed's xc_irq_mapping): records the guest INTx → GSI and binds the
 *   machine IRQ; 2007/3.2 ignore pirq_guest_bind's result, 3.3+ propagate it.
 * - memory_mapping (39): iomem permission + p2m MMIO-direct entries (+ iommu_flush).
 * - ioport_mapping (40): the guest→machine port list + ioport permission.
 */
import { fromRequesterId, sameBdf, type Bdf } from '../../../../src-shared/units/bdf.ts';
import { EBUSY, EINVAL, ENODEV, ENOSYS, ESRCH } from '../../common/errno.ts';
import type { Domain } from '../../common/domain.ts';
import { atLeast } from '../../common/version.ts';
import type { Xen } from '../../xen.ts';
import { P2M_MMIO_DIRECT } from './mm/p2m.ts';
import { hvmPciIntxGsi } from './hvm/irq.ts';
import { PT_IRQ_TYPE_MSI, ptIrqCreateBindMsi, ptIrqDestroyBindMsi } from '../../drivers/passthrough/io-msi.ts';

const FILE = 'domctl.c';
const MAX_IOPORTS = 0x10000;
const NR_IRQS = 256;
export const PT_IRQ_TYPE_PCI = 0;
export const PT_IRQ_TYPE_ISA = 1;

export type ArchDomctl =
  | { cmd: 'assign_device'; domain: number; machineBdf: number }
  | { cmd: 'test_assign_device'; domain: number; machineBdf: number }
  | { cmd: 'bind_pt_irq'; domain: number; machineIrq: number; irqType: number; bus: number; device: number; intx: number; isaIrq?: number; gvec?: number; gflags?: number }
  | { cmd: 'unbind_pt_irq'; domain: number; machineIrq: number; irqType: number; bus: number; device: number; intx: number; gvec?: number; gflags?: number }
  | { cmd: 'memory_mapping'; domain: number; firstGfn: number; firstMfn: number; nrMfns: number; add: boolean }
  | { cmd: 'ioport_mapping'; domain: number; firstGport: number; firstMport: number; nrPorts: number; add: boolean };

/** The CF8-layout machine BDF of the assignment hypercalls: bus 23:16, dev 15:11, fn 10:8. */
export function machineBdf(b: Pick<Bdf, 'bus' | 'device' | 'fn'>): number {
  return ((b.bus << 16) | (b.device << 11) | (b.fn << 8)) >>> 0;
}

export function bdfFromMachine(bdf: number): Bdf {
  return fromRequesterId((bdf >>> 8) & 0xffff);
}

const hexBdf = (b: Bdf) => `${b.bus.toString(16)}:${b.device.toString(16)}:${b.fn.toString(16)}`;

export function archDoDomctl(xen: Xen, caller: number, op: ArchDomctl): number {
  switch (op.cmd) {
    case 'assign_device':
      return assignDevice(xen, caller, op.domain, bdfFromMachine(op.machineBdf));
    case 'test_assign_device':
      return atLeast(xen.era, '3.2') ? testAssignDevice(xen, caller, bdfFromMachine(op.machineBdf)) : -ENOSYS;
    case 'bind_pt_irq':
      return bindPtIrq(xen, caller, op);
    case 'unbind_pt_irq':
      return atLeast(xen.era, '3.3') ? unbindPtIrq(xen, caller, op) : -ENOSYS;
    case 'memory_mapping':
      return memoryMapping(xen, caller, op);
    case 'ioport_mapping':
      return ioportMapping(xen, caller, op);
  }
}

/** device_assigned(): not on dom0's list — already given away, or not a function Xen saw. */
function deviceAssigned(xen: Xen, b: Bdf): boolean {
  return !xen.dom0.iommu.pdevs.some((p) => sameBdf(p, b));
}

function knownToXen(xen: Xen, b: Bdf): Domain | undefined {
  return xen.vtd?.owner(xen.domains.values(), b);
}

function assignDevice(xen: Xen, caller: number, domid: number, b: Bdf): number {
  const con = xen.con;
  const vtd = xen.vtd;
  if (!vtd) return xen.era === '2007' ? 0 : atLeast(xen.era, '3.3') ? -ENOSYS : -EINVAL;
  const d = xen.domain(domid);
  if (!d) {
    con.gdprintk('error', { file: FILE, line: 540 }, caller, 'XEN_DOMCTL_assign_device: get_domain_by_id() failed');
    return -EINVAL;
  }
  if (xen.era === '2007') {
    const rc = vtd.assignDevice(xen.dom0, d, b, caller);
    con.gdprintk('error', { file: FILE, line: 547 }, caller, `XEN_DOMCTL_assign_device: bdf = ${hexBdf(b)}`);
    return rc;
  }
  if (xen.era === '3.2') {
    if (deviceAssigned(xen, b)) {
      con.gdprintk('error', { file: FILE }, caller, `XEN_DOMCTL_assign_device: ${hexBdf(b)} already assigned`);
      return -EINVAL;
    }
    const rc = vtd.assignDevice(xen.dom0, d, b, caller);
    con.gdprintk('info', { file: FILE }, caller, `XEN_DOMCTL_assign_device: bdf = ${hexBdf(b)}`);
    return rc;
  }
  if (!d.isHvm && !xen.params.iommu.pv) return -ENOSYS;
  const owner = knownToXen(xen, b);
  let rc: number;
  if (!owner) rc = -ENODEV;
  else if (owner.domid !== 0) {
    con.printk('error', 'IOMMU: assign a assigned device');
    rc = -EBUSY;
  } else rc = vtd.assignDevice(xen.dom0, d, b, caller);
  if (rc) con.gdprintk('error', { file: FILE }, caller, `XEN_DOMCTL_assign_device: assign device (${hexBdf(b)}) failed`);
  return rc;
}

function testAssignDevice(xen: Xen, caller: number, b: Bdf): number {
  if (!xen.vtd) return atLeast(xen.era, '3.3') ? -ENOSYS : -EINVAL;
  if (!deviceAssigned(xen, b)) return 0;
  const tail = atLeast(xen.era, '3.4') ? ' already assigned, or non-existent' : ' already assigned';
  xen.con.gdprintk('error', { file: FILE }, caller, `XEN_DOMCTL_test_assign_device: ${hexBdf(b)}${tail}`);
  return -EINVAL;
}

/** pt_irq_create_bind_vtd (2007 vtd/io.c; 3.3+ drivers/passthrough/io.c). */
function bindPtIrq(xen: Xen, caller: number, op: Extract<ArchDomctl, { cmd: 'bind_pt_irq' }>): number {
  const con = xen.con;
  const later = atLeast(xen.era, '3.3');
  if (later && (op.machineIrq < 0 || op.machineIrq >= NR_IRQS)) return -EINVAL;
  const d = xen.domain(op.domain);
  if (!d) return -ESRCH;
  if (!xen.vtd) {
    con.gdprintk('error', { file: FILE }, caller, 'pt_irq_create_bind failed!');
    return -ESRCH;
  }
  if (later && op.irqType === PT_IRQ_TYPE_MSI) {
    const rc = ptIrqCreateBindMsi(xen, d, op.machineIrq, op.gvec ?? 0, op.gflags ?? 0, caller);
    if (rc < 0) con.gdprintk('error', { file: FILE }, caller, 'pt_irq_create_bind failed!');
    return rc;
  }
  const guestGsi = hvmPciIntxGsi(op.device, op.intx);
  const binding = { machineIrq: op.machineIrq, device: op.device, intx: op.intx, guestGsi };
  const first = !d.mirq.has(op.machineIrq);
  d.mirq.set(op.machineIrq, binding);
  d.girq.set(guestGsi, binding);
  const bound = xen.era === '2007' || first ? xen.irqs.bind(d.domid, op.machineIrq, true, caller) : 0;
  if (!bound) xen.guestIrqs.startup(op.machineIrq);
  if (later && bound) {
    d.mirq.delete(op.machineIrq);
    d.girq.delete(guestGsi);
    return bound;
  }
  const hex = (n: number) => n.toString(16);
  const text = xen.era === '2007' ? 'XEN_DOMCTL_irq_mapping' : 'VT-d irq bind';
  con.gdprintk('info', { file: 'io.c' }, caller, `${text}: m_irq = ${hex(op.machineIrq)} device = ${hex(op.device)} intx = ${hex(op.intx)}`);
  return 0;
}

/** XEN_DOMCTL_unbind_pt_irq (48, 3.3+) → pt_irq_destroy_bind_vtd: an MSI pirq, or a machine IRQ's guest INTx. */
function unbindPtIrq(xen: Xen, caller: number, op: Extract<ArchDomctl, { cmd: 'unbind_pt_irq' }>): number {
  const d = xen.domain(op.domain);
  if (!d) return -ESRCH;
  if (!xen.vtd) return -ESRCH;
  let rc: number;
  if (op.irqType === PT_IRQ_TYPE_MSI) rc = ptIrqDestroyBindMsi(xen, d, op.machineIrq);
  else {
    const b = d.mirq.get(op.machineIrq);
    rc = b || d.mirq.size ? 0 : -EINVAL;
    if (b && b.device === op.device && b.intx === op.intx) {
      d.mirq.delete(op.machineIrq);
      d.girq.delete(b.guestGsi);
      xen.irqs.unbind(d.domid, op.machineIrq);
    }
  }
  if (rc < 0) xen.con.gdprintk('error', { file: FILE }, caller, 'pt_irq_destroy_bind failed!');
  return rc;
}

function memoryMapping(xen: Xen, caller: number, op: Extract<ArchDomctl, { cmd: 'memory_mapping' }>): number {
  const { firstGfn: gfn, firstMfn: mfn, nrMfns: nr } = op;
  if (mfn + nr - 1 < mfn) return -EINVAL;
  const d = xen.domain(op.domain);
  if (!d) return -ESRCH;
  const h = (n: number) => n.toString(16);
  const con = xen.con;
  if (op.add) {
    con.gdprintk('info', { file: FILE }, caller, `memory_map:add: gfn=${h(gfn)} mfn=${h(mfn)} nr_mfns=${h(nr)}`);
    d.iomemCaps.add(mfn, mfn + nr - 1);
    for (let i = 0; i < nr; i++) setMmioP2mEntry(xen, d, gfn + i, mfn + i);
    return 0;
  }
  con.gdprintk('info', { file: FILE }, caller, `memory_map:remove: gfn=${h(gfn)} mfn=${h(mfn)} nr_mfns=${h(nr)}`);
  for (let i = 0; i < nr; i++) clearMmioP2mEntry(xen, d, gfn + i, caller);
  d.iomemCaps.remove(mfn, mfn + nr - 1);
  return 0;
}

/** set_mmio_p2m_entry: an HVM domain's gfn → mfn as mmio_direct; the shared VT-d table needs a flush. */
function setMmioP2mEntry(xen: Xen, d: Domain, gfn: number, mfn: number): void {
  if (!d.p2m) return;
  d.p2m.set(gfn, mfn, P2M_MMIO_DIRECT);
  if (xen.vtd && d.isHvm) xen.vtd.flush(d, gfn);
}

function clearMmioP2mEntry(xen: Xen, d: Domain, gfn: number, caller: number): void {
  if (!d.p2m) return;
  if (!d.p2m.get(gfn)) {
    xen.con.gdprintk('error', { file: 'p2m.c' }, caller, `clear_mmio_p2m_entry: gfn_to_mfn failed! gfn=${gfn.toString(16).padStart(8, '0')}`);
    return;
  }
  d.p2m.clear(gfn);
}

function ioportMapping(xen: Xen, caller: number, op: Extract<ArchDomctl, { cmd: 'ioport_mapping' }>): number {
  const { firstGport: fgp, firstMport: fmp, nrPorts: np } = op;
  const h = (n: number) => n.toString(16);
  if (np === 0 || fgp > MAX_IOPORTS || fmp > MAX_IOPORTS || fgp + np > MAX_IOPORTS || fmp + np > MAX_IOPORTS) {
    xen.con.gdprintk('error', { file: FILE }, caller, `ioport_map:invalid:gport=${h(fgp)} mport=${h(fmp)} nr_ports=${h(np)}`);
    return -EINVAL;
  }
  const d = xen.domain(op.domain);
  if (!d) return -ESRCH;
  const list = d.iommu.g2mIoports;
  if (op.add) {
    xen.con.gdprintk('info', { file: FILE }, caller, `ioport_map:add f_gport=${h(fgp)} f_mport=${h(fmp)} np=${h(np)}`);
    const found = list.find((e) => e.mport === fmp);
    if (found) Object.assign(found, { gport: fgp, np });
    else list.push({ gport: fgp, mport: fmp, np });
    d.ioportCaps.add(fmp, fmp + np - 1);
    return 0;
  }
  xen.con.gdprintk('info', { file: FILE }, caller, `ioport_map:remove f_gport=${h(fgp)} f_mport=${h(fmp)} np=${h(np)}`);
  const i = list.findIndex((e) => e.mport === fmp);
  if (i >= 0) list.splice(i, 1);
  d.ioportCaps.remove(fmp, fmp + np - 1);
  return 0;
}
