/**
 * A paravirtualised Linux guest (the 2.6.18-xen kernel booted by xend's linux image path, no
 * hvmloader, no emulated devices) as far as its network goes: at boot it sets up its grant table
 * (GNTTABOP_setup_table), installs its event upcall, and xenbus_probe_frontend finds each
 * `device/vif/N` xend wrote and probes netfront on it. Its memory is the machine frames
 * xc_linux_build gave it, addressed through its own phys→machine list; the kernel's page
 * allocator here is a bump allocator above the kernel image.
 */
import type { Tracer } from '../../engine/index.ts';
import type { XenHypercalls } from './include/xen/hypercall.ts';
import { KernelLog } from './printk.ts';
import { EvtchnDispatch } from './drivers/xen/core/evtchn.ts';
import { Netfront } from './drivers/xen/netfront.ts';
import { GuestGrantTable } from './drivers/xen/core/gnttab.ts';
import type { Xenbus } from './drivers/xen/xenbus/xenbus.ts';

const PAGE = 0x1000;
/** The first pfn the kernel's allocator hands out (the image and early tables sit below). */
const FIRST_FREE_PFN = 0x800;
/** nr_grant_frames the 2.6.18-xen kernel sets up at boot. */
const NR_GRANT_FRAMES = 1;

export class PvLinuxGuest {
  readonly log: KernelLog;
  readonly netdevs: Netfront[] = [];
  evtchn?: EvtchnDispatch;
  private nextPfn = FIRST_FREE_PFN;
  /** The pages the kernel handed to drivers, in order (machine addresses). */
  readonly allocated: number[] = [];

  constructor(
    private readonly hv: XenHypercalls,
    private readonly xenbus: Xenbus,
    /** phys_to_machine_mapping: the machine frame of each of its pseudo-physical frames. */
    readonly p2m: readonly number[],
    tracer: Tracer,
    readonly domid: number,
  ) {
    this.log = new KernelLog(tracer, `dom${domid}`);
  }

  /** alloc_page for a driver: the next free pseudo-physical page, as a machine address. */
  private allocPage(): number {
    if (this.nextPfn >= this.p2m.length) throw new Error(`dom${this.domid}: out of memory (${this.p2m.length} pages)`);
    const maddr = this.p2m[this.nextPfn++] * PAGE;
    this.allocated.push(maddr);
    return maddr;
  }

  boot(): void {
    const frames = this.hv.gnttabSetupTable(NR_GRANT_FRAMES);
    if (typeof frames === 'number') {
      this.log.printk(3, `Grant table initialization failed: ${frames}`);
      return;
    }
    this.log.printk(6, 'Grant table initialized');
    const gnttab = new GuestGrantTable(this.hv, frames.map((f) => f * PAGE));
    const evtchn = (this.evtchn = new EvtchnDispatch(this.hv));
    const base = `/local/domain/${this.domid}/device/vif`;
    for (const n of this.xenbus.directory(base)) {
      const nf = new Netfront({ hv: this.hv, evtchn, xenbus: this.xenbus, gnttab, allocPage: () => this.allocPage(), log: this.log }, `${base}/${n}`, `eth${this.netdevs.length}`);
      if (nf.probe() === 0) this.netdevs.push(nf);
    }
  }
}
