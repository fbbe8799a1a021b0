/**
 * struct domain, the parts device assignment touches (xen/include/xen/sched.h,
 * asm-x86/hvm/iommu.h, asm-x86/hvm/irq.h): identity, HVM-ness, memory, the capability rangesets
 * (iomem, ioports, irqs), the VT-d state (`hvm_iommu`: AGAW, page-table root, the devices the
 * domain owns, the guest→machine I/O-port list) and the passthrough IRQ tables (`hvm_irq_dpci`).
 */
import type { Timer } from '../../engine/index.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import type { FrameRange } from './page_alloc.ts';
import { RangeSet } from './rangeset.ts';
import type { P2m } from '../arch/x86/mm/p2m.ts';
import type { HvmIoAccess } from '../arch/x86/hvm/ioreq.ts';
import type { Vpic } from '../arch/x86/hvm/vpic.ts';
import type { HvmIrq } from '../arch/x86/hvm/irq.ts';
import type { Vioapic } from '../arch/x86/hvm/vioapic.ts';
import type { Vlapic } from '../arch/x86/hvm/vlapic.ts';
import { newDpciState, type DpciState } from '../drivers/passthrough/dpci-state.ts';
import type { Scope } from '../../engine/scope.ts';
import type { EvtchnTable } from './event_channel-state.ts';
import type { GrantTable } from './grant_table-state.ts';

export const DOMID_SELF = 0x7ff0;

export type DomainState = 'created' | 'running' | 'paused' | 'dying' | 'dead';

/** One guest→machine I/O-port window (`struct g2m_ioport`). */
export interface G2mIoport {
  gport: number;
  mport: number;
  np: number;
}

/** A machine IRQ bound to a guest INTx (`hvm_mirq_dpci_mapping` / `hvm_girq_dpci_mapping`). */
export interface DpciBinding {
  machineIrq: number;
  device: number;
  intx: number;
  guestGsi: number;
}

export interface HvmIommu {
  agaw: number;
  /** Machine address of the DMA-remapping top table (dom0: its own; HVM: shared with the p2m). */
  pgd: number;
  /** The PCI functions whose context entries point at this domain (pdev_list). */
  pdevs: Bdf[];
  g2mIoports: G2mIoport[];
}

export class Domain {
  state: DomainState = 'created';
  maxVcpus = 0;
  /** Pages the domain may own (max_pages). */
  maxPages = 0;
  /** Machine frames the domain owns, in allocation order. */
  frames: FrameRange[] = [];
  p2m?: P2m;
  /** Xen heap pages holding this domain's tables (p2m levels), freed at destroy. */
  xenPages: number[] = [];
  readonly iomemCaps = new RangeSet('I/O Memory');
  readonly ioportCaps = new RangeSet('I/O Ports');
  readonly irqCaps = new RangeSet('Interrupts');
  readonly iommu: HvmIommu = { agaw: 0, pgd: 0, pdevs: [], g2mIoports: [] };
  /** mirq → binding (2007: one guest INTx per machine IRQ). */
  readonly mirq = new Map<number, DpciBinding>();
  /** guest GSI → binding. */
  readonly girq = new Map<number, DpciBinding>();
  /** PIIX3 PCI link → ISA IRQ (0 = not routed), as the guest last programmed it. */
  readonly pciLinkRoute = [0, 0, 0, 0];
  /** The guest's port and memory access path (HVM only), set up at creation. */
  hvmIo?: HvmIoAccess;
  /** What runs when the domain's vCPU 0 is first scheduled (the guest's firmware and OS). */
  vcpuEntry?: () => void;
  /** The virtual 8259 pair and INTx wiring (HVM only). */
  vpic?: Vpic;
  hvmIrq?: HvmIrq;
  /** The virtual IO-APIC (d1.vioapic) and vCPU 0's virtual local APIC (d1.vlapic), HVM only. */
  vioapic?: Vioapic;
  vlapic?: Vlapic;
  /** Passthrough interrupt state (hvm_irq_dpci). */
  readonly dpci: DpciState = newDpciState();
  /** The guest kernel's interrupt entry (its IDT), called with the injected vector. */
  interruptHandler?: (vector: number) => void;
  /** vmx_intr_assist's timer: injects on vCPU 0's next entry while the vPIC's INTR is high. */
  intrTimer?: Timer;
  /** Event-channel ports and shared_info bits (event_channel.ts), created on first use. */
  evtchn?: EvtchnTable;
  /** Grant-table frames and maptrack (grant_table.ts), created on first use. */
  grantTable?: GrantTable;
  /** vCPU 0 has been scheduled once. */
  started = false;

  constructor(
    readonly domid: number,
    readonly isHvm: boolean,
    /**
     * The domain's part of the world ("d1"): its timers, trace sources and devices (the vPIC is
     * "d1.vpic") live under it, and destroying the domain disposes it, so no timer outlives it.
     */
    readonly scope: Scope,
    /** The domain handle xend passes (its UUID), for `xm list`. */
    readonly handle = '00000000-0000-0000-0000-000000000000',
  ) {}

  get isPrivileged(): boolean {
    return this.domid === 0;
  }

  get totPages(): number {
    return this.frames.reduce((n, r) => n + r.count, 0);
  }
}
