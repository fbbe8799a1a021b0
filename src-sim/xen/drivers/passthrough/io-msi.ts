/**
 * The MSI side of XEN_DOMCTL_bind_pt_irq / unbind_pt_irq (xen/drivers/passthrough/io.c,
 * pt_irq_create_bind_vtd's PT_IRQ_TYPE_MSI branch and pt_irq_destroy_bind_vtd; Xen 3.3 on):
 * qemu-dm binds an MSI pirq (from PHYSDEVOP_map_pirq) to the guest vector and flags the guest
 * wrote into its emulated MSI capability. The first bind of a pirq records gvec/gflags
 * (hvm_mirq_dpci_mapping.gmsi, msi_gvec_pirq[gvec]) and binds the pirq for the domain
 * (pirq_guest_bind without sharing); a later bind of the same pirq only updates gvec/gflags, and
 * is refused with -EBUSY when that pirq is bound as something other than MSI. Unbind drops the
 * record and the pirq binding.
 *
 * Delivering an MSI into the guest (vmsi_deliver → the guest's virtual local APIC) is not
 * modelled: the simulator has no vLAPIC yet, so the binding is where the path stops.
 */
import type { Domain } from '../../common/domain.ts';
import { EBUSY, EINVAL } from '../../common/errno.ts';
import type { Xen } from '../../xen.ts';
import { perDomainState } from '../../common/domain-state.ts';

export const PT_IRQ_TYPE_MSI = 2;
export const PT_IRQ_TYPE_MSI_TRANSLATE = 3;
/** gflags fields as qemu packs them (pt-msi.h GFLAGS_SHIFT_*). */
export const GFLAGS_SHIFT_RH = 8;
export const GFLAGS_SHIFT_DM = 9;
export const GFLAGS_SHIFT_DELIV_MODE = 12;
export const GFLAGS_SHIFT_TRG_MODE = 15;

export interface GuestMsiBinding {
  pirq: number;
  gvec: number;
  gflags: number;
}

/** A domain's MSI bindings (the gmsi of each MSI mirq), with plain named fields for snapshots. */
export interface DomainMsiState {
  version: 1;
  bindings: GuestMsiBinding[];
}

const msiStates = perDomainState<DomainMsiState>('MSI bindings', () => ({ version: 1, bindings: [] }));

export const domainMsi = msiStates.of;
export const saveDomainMsi = msiStates.save;
export const restoreDomainMsi = msiStates.restore;

/** msi_gvec_pirq[gvec]: the pirq a guest vector is bound to, or undefined. */
export function msiGvecPirq(d: Domain, gvec: number): number | undefined {
  return domainMsi(d).bindings.find((b) => b.gvec === gvec)?.pirq;
}

/** pt_irq_create_bind_vtd, PT_IRQ_TYPE_MSI. */
export function ptIrqCreateBindMsi(xen: Xen, d: Domain, pirq: number, gvec: number, gflags: number, caller: number): number {
  const s = domainMsi(d);
  const existing = s.bindings.find((b) => b.pirq === pirq);
  if (existing) {
    existing.gvec = gvec;
    existing.gflags = gflags;
    return 0;
  }
  // The pirq is already bound to this domain as a PCI INTx: "not MSI" → -EBUSY.
  if (d.mirq.has(pirq)) return -EBUSY;
  const binding = { pirq, gvec, gflags };
  s.bindings.push(binding);
  xen.irqs.desc(pirq).type = 'PCI-MSI';
  const rc = xen.irqs.bind(d.domid, pirq, false, caller);
  if (rc) s.bindings.splice(s.bindings.indexOf(binding), 1);
  return rc;
}

/** pt_irq_destroy_bind_vtd for an MSI pirq: the record and the pirq binding go. */
export function ptIrqDestroyBindMsi(xen: Xen, d: Domain, pirq: number): number {
  const s = domainMsi(d);
  const i = s.bindings.findIndex((b) => b.pirq === pirq);
  // No hvm_irq_dpci yet (nothing ever bound) → -EINVAL; an unknown pirq otherwise passes quietly.
  if (i < 0) return d.mirq.size ? 0 : -EINVAL;
  s.bindings.splice(i, 1);
  xen.irqs.unbind(d.domid, pirq);
  return 0;
}

/** At destroy: every MSI binding of the domain. */
export function releaseDomainMsi(xen: Xen, d: Domain): void {
  for (const b of [...domainMsi(d).bindings]) ptIrqDestroyBindMsi(xen, d, b.pirq);
}

