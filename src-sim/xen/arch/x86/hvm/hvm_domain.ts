/**
 * The interrupt controllers hvm_domain_initialise and hvm_vcpu_initialise give an HVM domain
 * besides its vPIC (xen/arch/x86/hvm/hvm.c: vioapic_init, vlapic_init): the virtual IO-APIC
 * on the domain's GSI wires and vCPU 0's virtual local APIC, joined as Xen joins them — the
 * vIOAPIC's messages land in the vLAPIC's IRR, the guest's EOI of a level vector at the vLAPIC
 * is vioapic_update_EOI, which tells the passthrough code (hvm_dpci_eoi).
 *
 * The era decides whether a passthrough device's INTx reaches the vIOAPIC at all: the seed's
 * patch (the project's `2007`) raised it on the virtual PIC only — "current patch only works
 * with PIC" (xen.md §5.4, §10 row 7) — so an IO-APIC-mode guest never hears its device; the
 * merged code (3.2 on) asserts the device's GSI on the vIOAPIC as hvm_pci_intx_assert does.
 */
import { atLeast } from '../../../common/version.ts';
import type { Domain } from '../../../common/domain.ts';
import { hvmDpciEoi } from '../../../drivers/passthrough/io.ts';
import type { Xen } from '../../../xen.ts';
import { Vioapic } from './vioapic.ts';
import { Vlapic } from './vlapic.ts';

export function hvmInterruptControllersInit(xen: Xen, d: Domain): void {
  const vlapic = new Vlapic(d.scope.scope('vlapic'));
  const vioapic = new Vioapic(d.scope.scope('vioapic'), vlapic, {
    dpciEoi: (gsi, masked) => hvmDpciEoi(xen, d, gsi, masked),
    warn: (text) => xen.con.gdprintk('warning', { file: 'vioapic.c' }, d.domid, text),
  });
  vlapic.onLevelEoi = (vector) => vioapic.updateEoi(vector);
  d.vlapic = vlapic;
  d.vioapic = vioapic;
  const pciIntxOnVioapic = atLeast(xen.era, '3.2');
  if (d.hvmIrq) {
    d.hvmIrq.onGsi = (gsi, level) => {
      if (gsi < 16 || pciIntxOnVioapic) vioapic.setIrq(gsi, level);
    };
  }
  // vCPU 0 takes what its vLAPIC makes deliverable on its next VM entry (vmx_intr_assist).
  vlapic.apic.intr.connect((level) => {
    if (level) d.intrTimer?.armIn(0);
  });
}
