/**
 * domain_kill → domain_relinquish_resources → arch_domain_destroy → iommu_domain_destroy
 * (2007 xen/arch/x86/hvm/vmx/vtd/io.c, intel-iommu.c; 3.3+ drivers/passthrough): unbind every
 * passthrough IRQ, hand every assigned function back to dom0 (context entry back to dom0's
 * table, global flushes), free the domain's memory and Xen's pages for its tables. MMIO p2m
 * entries and the capability rangesets die with the domain.
 */
import type { Domain } from './domain.ts';
import type { Xen } from '../xen.ts';
import { releaseDomainMsi } from '../drivers/passthrough/io-msi.ts';
import { freeDomainPirqs } from '../arch/x86/physdev.ts';
import { evtchnDestroy } from './event_channel.ts';
import { gnttabRelease } from './grant_table.ts';

export function domainDestroy(xen: Xen, d: Domain, current: number): void {
  d.state = 'dying';
  for (const t of d.dpci.timers.values()) t.cancel();
  d.dpci.kick?.cancel();
  d.intrTimer?.cancel();
  // pirq_guest_unbind: the domain leaves each line first, then its in-flight EOIs are flushed (a
  // line still asserted re-fires with nobody left to take it), and a line with no guest left is
  // disabled, so a device left interrupting cannot storm until it is bound again.
  const irqs = [...d.mirq.keys()];
  for (const irq of irqs) xen.irqs.unbind(d.domid, irq);
  xen.guestIrqs?.forget(d);
  for (const irq of irqs) if (xen.irqs.desc(irq).guests.length === 0) xen.guestIrqs?.shutdown(irq);
  d.mirq.clear();
  d.girq.clear();
  releaseDomainMsi(xen, d);
  freeDomainPirqs(xen, d);
  // Peers see their event channels unbound; grants this domain mapped are released.
  evtchnDestroy(xen, d);
  gnttabRelease(xen, d);
  if (xen.vtd) xen.vtd.returnDevicesToDom0(d, xen.dom0, current);
  xen.heap.freeFrames(d.frames);
  d.frames = [];
  for (const page of d.xenPages) xen.heap.freePage(page);
  d.xenPages = [];
  d.p2m = undefined;
  d.state = 'dead';
  // Every timer the domain armed (vCPU, interrupt assist, pt_irq timeouts) and its vPIC go with it.
  d.scope.dispose();
  xen.domains.delete(d.domid);
}
