/**
 * PHYSDEVOP_map_pirq / PHYSDEVOP_unmap_pirq (xen/arch/x86/physdev.c, irq.c map_domain_pirq /
 * unmap_domain_pirq / get_free_pirq; Xen 3.3 and later): dom0 gives a domain a "pirq" — a name
 * for a machine interrupt that bind_pt_irq can then bind. For a GSI the pirq is the IRQ itself
 * (qemu asks for that number); for MSI Xen allocates a vector, takes the highest free pirq and
 * programs the function's MSI capability with the message for that vector (msi.ts). Errors are
 * Xen's: -EPERM (not dom0), -ESRCH (no domain), -EINVAL (bad IRQ, no vector, already mapped),
 * -EEXIST (the asked-for pirq is taken by another vector), -ENOSPC, -ENODEV (no such function or
 * no MSI capability). 2007 and 3.2 have no such sub-op (-ENOSYS).
 */
import { EEXIST, EINVAL, ENOSPC, ENOSYS, EPERM, ESRCH } from '../../common/errno.ts';
import type { Domain } from '../../common/domain.ts';
import { atLeast } from '../../common/version.ts';
import { perDomainState } from '../../common/domain-state.ts';
import type { Xen } from '../../xen.ts';
import { FIRST_DYNAMIC_VECTOR } from './io_apic.ts';
import { pciDisableMsi, pciEnableMsi, type MsiDesc } from './msi.ts';

export const PHYSDEVOP_map_pirq = 13;
export const PHYSDEVOP_unmap_pirq = 14;
export const MAP_PIRQ_TYPE_MSI = 0;
export const MAP_PIRQ_TYPE_GSI = 1;
export const DOMID_SELF = 0x7ff0;
const NR_IRQS = 256;
const NR_VECTORS = 256;
const LAST_DYNAMIC_VECTOR = 0xdf;
/** The first VT-d unit's fault-event vector (vtd/iommu.ts), eight apart per unit. */
const FIRST_DMA_MSI_VECTOR = 0x98;

export type PhysdevOp =
  | { cmd: 'map_pirq'; domid: number; type: number; index: number; pirq: number; bus?: number; devfn?: number; entryNr?: number; tableBase?: number }
  | { cmd: 'unmap_pirq'; domid: number; pirq: number };

/** A domain's pirq ↔ vector tables (d->arch.pirq_vector / vector_pirq) and its MSI descriptors. */
export interface DomainPirqState {
  version: 1;
  /** pirq → vector, and the MSI set up for it when it is an MSI pirq. */
  pirqs: { pirq: number; vector: number; type: 'gsi' | 'msi'; msi?: MsiDesc }[];
}

const pirqTables = perDomainState<DomainPirqState>('pirq table', () => ({ version: 1, pirqs: [] }));

/** The domain's pirq table (created empty on first use). */
export const domainPirqs = pirqTables.of;
/** Snapshot of a domain's pirq table, and its restore: plain named fields. */
export const savePirqs = pirqTables.save;
export const restorePirqs = pirqTables.restore;

export function pirqVector(d: Domain, pirq: number): number {
  return domainPirqs(d).pirqs.find((p) => p.pirq === pirq)?.vector ?? 0;
}

function ioapicPins(xen: Xen): number {
  return xen.world.pc.gsi.length;
}

function vectorPirq(d: Domain, vector: number): number {
  return domainPirqs(d).pirqs.find((p) => p.vector === vector)?.pirq ?? 0;
}

export function doPhysdevOp(xen: Xen, caller: number, op: PhysdevOp): number {
  const rc = dispatch(xen, caller, op);
  const args: Record<string, number | string> =
    op.cmd === 'map_pirq'
      ? { type: op.type === MAP_PIRQ_TYPE_MSI ? 'MAP_PIRQ_TYPE_MSI' : op.type === MAP_PIRQ_TYPE_GSI ? 'MAP_PIRQ_TYPE_GSI' : op.type, index: op.index, pirq: op.pirq }
      : { pirq: op.pirq };
  if (op.cmd === 'map_pirq' && op.type === MAP_PIRQ_TYPE_MSI) Object.assign(args, { bus: op.bus ?? 0, devfn: '0x' + (op.devfn ?? 0).toString(16), entry_nr: op.entryNr ?? 0 });
  const name = op.cmd === 'map_pirq' ? 'PHYSDEVOP_map_pirq' : 'PHYSDEVOP_unmap_pirq';
  xen.hypercalls.add({ caller, hypercall: 'physdev_op', op: name, cmd: op.cmd === 'map_pirq' ? PHYSDEVOP_map_pirq : PHYSDEVOP_unmap_pirq, domain: op.domid, args, result: rc }, xen.now);
  return rc;
}

function dispatch(xen: Xen, caller: number, op: PhysdevOp): number {
  if (!atLeast(xen.era, '3.3')) return -ENOSYS;
  if (!xen.domain(caller)?.isPrivileged) return -EPERM;
  const d = xen.domain(op.domid === DOMID_SELF ? caller : op.domid);
  if (!d) return -ESRCH;
  return op.cmd === 'map_pirq' ? mapPirq(xen, d, op) : unmapDomainPirq(xen, d, op.pirq);
}

/** dprintk(XENLOG_G_ERR, …): a guest-class error line of physdev.c / irq.c. */
function gerr(xen: Xen, file: string, text: string): void {
  xen.con.printk('error', `${file}: ${text}`, true);
}

function mapPirq(xen: Xen, d: Domain, map: Extract<PhysdevOp, { cmd: 'map_pirq' }>): number {
  let vector: number;
  if (map.type === MAP_PIRQ_TYPE_GSI) {
    if (map.index < 0 || map.index >= NR_IRQS) return gerr(xen, 'physdev.c', `dom${d.domid}: map invalid irq ${map.index}`), -EINVAL;
    // domain_irq_to_vector(dom0, irq): the vector setup_IO_APIC gave the pin (MachineIoApic.vector).
    vector = map.index < ioapicPins(xen) ? FIRST_DYNAMIC_VECTOR + 8 * map.index : 0;
    if (!vector) return gerr(xen, 'physdev.c', `dom${d.domid}: map irq with no vector ${vector}`), -EINVAL;
  } else if (map.type === MAP_PIRQ_TYPE_MSI) {
    vector = map.index === -1 ? assignIrqVector(xen) : map.index;
    if (vector < 0 || vector >= NR_VECTORS) return gerr(xen, 'physdev.c', `dom${d.domid}: map irq with wrong vector ${vector}`), -EINVAL;
  } else return gerr(xen, 'physdev.c', `dom${d.domid}: wrong map_pirq type ${map.type.toString(16)}`), -EINVAL;

  let pirq = vectorPirq(d, vector);
  if (map.pirq < 0) {
    if (pirq) gerr(xen, 'physdev.c', `dom${d.domid}: ${map.index}:${map.pirq} already mapped to ${pirq}`);
    else pirq = getFreePirq(d, map.type);
    if (pirq < 0) return gerr(xen, 'physdev.c', `dom${d.domid}: no free pirq`), pirq;
  } else {
    if (pirq && pirq !== map.pirq) return gerr(xen, 'physdev.c', `dom${d.domid}: vector ${map.index} conflicts with irq ${map.pirq}`), -EEXIST;
    pirq = map.pirq;
  }
  const rc = mapDomainPirq(xen, d, pirq, vector, map);
  if (rc === 0) map.pirq = pirq;
  return rc;
}

/** get_free_pirq: GSIs from 16 up, MSIs from the top down (never below 17). */
function getFreePirq(d: Domain, type: number): number {
  const used = (i: number) => pirqVector(d, i) !== 0;
  if (type === MAP_PIRQ_TYPE_GSI) {
    for (let i = 16; i < NR_IRQS; i++) if (!used(i)) return i;
  } else for (let i = NR_IRQS - 1; i > 16; i--) if (!used(i)) return i;
  return -ENOSPC;
}

/**
 * assign_irq_vector(AUTO_ASSIGN_IRQ): the next vector eight above the last one handed out,
 * wrapping to the next offset past LAST_DYNAMIC_VECTOR, skipping vectors in use (the IO-APIC
 * pins', the VT-d fault events', other MSIs').
 */
function assignIrqVector(xen: Xen): number {
  const used = new Set<number>();
  for (let pin = 0; pin < ioapicPins(xen); pin++) used.add(FIRST_DYNAMIC_VECTOR + 8 * pin);
  (xen.vtd?.units ?? []).forEach((_, i) => used.add(FIRST_DMA_MSI_VECTOR + 8 * i));
  for (const d of xen.domains.values()) for (const p of domainPirqs(d).pirqs) used.add(p.vector);
  for (let offset = 0; offset < 8; offset++) {
    for (let v = FIRST_DYNAMIC_VECTOR + offset; v <= LAST_DYNAMIC_VECTOR; v += 8) if (!used.has(v)) return v;
  }
  return -ENOSPC;
}

function mapDomainPirq(xen: Xen, d: Domain, pirq: number, vector: number, map: Extract<PhysdevOp, { cmd: 'map_pirq' }>): number {
  if (pirq < 0 || pirq >= NR_IRQS || vector < 0 || vector >= NR_VECTORS) return gerr(xen, 'irq.c', `dom${d.domid}: invalid pirq ${pirq} or vector ${vector}`), -EINVAL;
  const oldVector = pirqVector(d, pirq);
  const oldPirq = vectorPirq(d, vector);
  if ((oldVector && oldVector !== vector) || (oldPirq && oldPirq !== pirq)) return gerr(xen, 'irq.c', `dom${d.domid}: pirq ${pirq} or vector ${vector} already mapped`), -EINVAL;
  d.irqCaps.add(pirq, pirq);
  const t = domainPirqs(d);
  if (map.type === MAP_PIRQ_TYPE_MSI) {
    const msi = pciEnableMsi(xen, map.bus ?? 0, map.devfn ?? 0, vector);
    if (typeof msi === 'number') return msi;
    if (!oldVector) t.pirqs.push({ pirq, vector, type: 'msi', msi });
    return 0;
  }
  if (!oldVector) t.pirqs.push({ pirq, vector, type: 'gsi' });
  return 0;
}

/** unmap_domain_pirq: forced unbind when still bound, MSI switched off on the function, permission revoked. */
export function unmapDomainPirq(xen: Xen, d: Domain, pirq: number): number {
  if (pirq < 0 || pirq >= NR_IRQS) return -EINVAL;
  const t = domainPirqs(d);
  const i = t.pirqs.findIndex((p) => p.pirq === pirq);
  if (i < 0) return gerr(xen, 'irq.c', `dom${d.domid}: pirq ${pirq} not mapped`), -EINVAL;
  if (xen.irqs.desc(pirq).guests.includes(d.domid)) {
    xen.con.printk('warning', `irq.c: dom${d.domid}: forcing unbind of pirq ${pirq}`, true);
    xen.irqs.unbind(d.domid, pirq);
  }
  const [entry] = t.pirqs.splice(i, 1);
  if (entry.msi) pciDisableMsi(xen, entry.msi);
  d.irqCaps.remove(pirq, pirq);
  return 0;
}

/** free_domain_pirqs at destroy: every pirq the domain still has. */
export function freeDomainPirqs(xen: Xen, d: Domain): void {
  for (const p of [...domainPirqs(d).pirqs]) unmapDomainPirq(xen, d, p.pirq);
}

