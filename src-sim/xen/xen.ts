/**
 * The hypervisor of one run: Xen of the chosen era on the world's PC. It owns Xen's console,
 * page allocator, domain list, IRQ descriptors, the VT-d driver when VT-d is on, and the
 * hypercall log. It never builds the world: the caller hands it the Simulation and the Pc.
 *
 * `boot(cmdline)` is __start_xen (arch/x86/setup.ts); `domctl(caller, op)` the
 * `__HYPERVISOR_domctl` entry (common/domctl.ts).
 */
import type { Simulation } from '../engine/simulation.ts';
import type { Pc } from '../hw/pc/pc.ts';
import { XenConsole } from './common/console.ts';
import { Domain } from './common/domain.ts';
import { HypercallLog } from './common/hypercall-log.ts';
import { FrameAllocator, type FrameRange } from './common/page_alloc.ts';
import type { XenEra } from './common/version.ts';
import { IoApicAck } from './arch/x86/io_apic.ts';
import { IrqTable } from './arch/x86/irq.ts';
import { PciConf } from './arch/x86/pci.ts';
import type { VtdIommu } from './drivers/passthrough/vtd/iommu.ts';
import type { GuestIrqHandling } from './arch/x86/irq_guest-api.ts';

export interface XenWorld {
  sim: Simulation;
  pc: Pc;
}

/** What `iommu=` (3.3+) or `vtd` (2007, 3.2) left switched on. */
export interface IommuParams {
  enabled: boolean;
  force: boolean;
  pv: boolean;
  passthrough: boolean;
  snoop: boolean;
  qinval: boolean;
  intremap: boolean;
}

export interface XenParams {
  iommu: IommuParams;
  /** dom0_mem in bytes, when given. */
  dom0MemBytes?: number;
  noapic: boolean;
  msi: boolean;
  console: string;
  com1: string;
  com2: string;
  /** Words of the command line no parameter took (Xen ignores them silently). */
  ignored: string[];
}

/** The first 16 MiB hold Xen's image and boot allocations; domains and the heap start above. */
const XEN_RESERVED_TOP = 0x0100_0000;
/** Firmware keeps everything from the lowest reserved region (RMRR, stolen memory) up to 4 GiB. */
const LOW_RAM_CEILING = 0xe000_0000;

export class Xen {
  readonly con: XenConsole;
  readonly hypercalls: HypercallLog;
  readonly pci: PciConf;
  readonly heap: FrameAllocator;
  readonly ioapicAck: IoApicAck;
  readonly irqs: IrqTable;
  readonly domains = new Map<number, Domain>();
  readonly params: XenParams = {
    iommu: { enabled: false, force: false, pv: false, passthrough: false, snoop: false, qinval: false, intremap: false },
    noapic: false,
    msi: false,
    console: 'com1,vga',
    com1: '',
    com2: '',
    ignored: [],
  };
  vtd?: VtdIommu;
  /** Guest-bound machine IRQs (set up with the IO-APIC at boot). */
  guestIrqs!: GuestIrqHandling;
  /** max_page: machine frames Xen manages. */
  maxPage = 0;
  booted = false;
  nextDomid = 1;

  constructor(
    readonly world: XenWorld,
    readonly era: XenEra,
  ) {
    this.con = new XenConsole(world.sim.tracer);
    this.hypercalls = new HypercallLog(world.sim.tracer);
    this.pci = new PciConf(world.pc.io);
    this.ioapicAck = new IoApicAck(this.con);
    this.irqs = new IrqTable(this.con, () => this.ioapicAck.ackNew);
    this.maxPage = Math.floor(world.pc.mem.sizeBytes / 0x1000);
    this.heap = new FrameAllocator(world.pc.mem, usableRam(world.pc));
  }

  get now(): number {
    return this.world.sim.engine.now;
  }

  /** vtd_enabled (2007, 3.2) / iommu_enabled (3.3+) after boot. */
  get iommuEnabled(): boolean {
    return this.params.iommu.enabled;
  }

  get dom0(): Domain {
    const d = this.domains.get(0);
    if (!d) throw new Error('Xen has not built dom0 yet: boot it first');
    return d;
  }

  domain(domid: number): Domain | undefined {
    const d = this.domains.get(domid);
    return d && d.state !== 'dead' ? d : undefined;
  }

  /** Machine frames for a domain, owned until it dies. */
  allocDomainFrames(d: Domain, pages: number): FrameRange[] {
    const ranges = this.heap.allocFrames(pages, `d${d.domid} memory`);
    d.frames.push(...ranges);
    return ranges;
  }
}

/** RAM Xen may hand out: above its own 16 MiB, below the lowest firmware-reserved region. */
function usableRam(pc: Pc): FrameRange[] {
  let top = Math.min(pc.mem.sizeBytes, LOW_RAM_CEILING);
  for (const s of pc.profile.dmar?.structures ?? []) if (s.type === 'RMRR') top = Math.min(top, parseInt(s.baseAddress, 16));
  top -= top % 0x1000;
  return top > XEN_RESERVED_TOP ? [{ mfn: XEN_RESERVED_TOP / 0x1000, count: (top - XEN_RESERVED_TOP) / 0x1000 }] : [];
}

export { Domain };
