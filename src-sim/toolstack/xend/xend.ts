/**
 * xend, the 2007 toolstack daemon in dom0: the domains it manages, its libxc handle, the dom0
 * views it reads (sysfs for pciif, libpci for the qemu-dm it spawns), and its log. Creating and
 * destroying a domain is XendDomainInfo.ts.
 */
import type { RandomStream } from '../../engine/index.ts';
import type { Xen } from '../../xen/xen.ts';
import { XcHandle } from '../../xen/tools/libxc/xc_domain.ts';
import type { QemuDm } from '../../qemu/ioemu/vl.ts';
import type { LibpciDev } from '../../qemu/ioemu/hw/pass-through.ts';
import { XendLog } from '../log.ts';
import { BuildJournal } from '../journal.ts';
import type { XmConfig } from '../xm/config.ts';
import type { Fc5Guest } from '../../guest/linux/hvm-guest.ts';
import type { PvLinuxGuest } from '../../guest/linux/pv-guest.ts';
import type { Dom0Network } from '../network-bridge.ts';

/** What xend (and the qemu-dm it starts) can see of dom0: sysfs and libpci. */
export interface XendDom0 {
  sysfsRead(path: string): string;
  sysfsReadlink(path: string): string;
  libpci(): LibpciDev[];
}

export interface XendDomain {
  domid: number;
  name: string;
  config: XmConfig;
  qemu?: QemuDm;
  state: 'paused' | 'running';
  /** The PCI functions this domain was created with (canonical names). */
  pci: string[];
  /** The guest OS, once vCPU 0 has booted it. */
  guest?: Fc5Guest;
  /** A PV guest's kernel (builder 'linux'), once vCPU 0 has booted it. */
  pvGuest?: PvLinuxGuest;
}

export class Xend {
  readonly log: XendLog;
  readonly xc: XcHandle;
  readonly domains = new Map<number, XendDomain>();
  /** Device-model pids xend would have got from fork/exec. */
  nextPid = 2000;

  /**
   * Not xend's: the simulator's switch for `vtdw run --attack`. HVM guests built while it is on
   * boot with the malicious e1000 driver in place of the real one.
   */
  maliciousGuests = false;

  /** Not xend's: what was done to this host so far, for world snapshots (journal.ts). */
  readonly journal = new BuildJournal();
  /** dom0's xenstore, bridges and netback (network-bridge.ts), when the host started them. */
  net?: Dom0Network;

  constructor(
    readonly xen: Xen,
    readonly dom0: XendDom0,
    readonly rng: RandomStream,
  ) {
    this.log = new XendLog(xen.world.sim.tracer);
    this.xc = new XcHandle(xen, 0);
  }

  byName(name: string): XendDomain | undefined {
    return [...this.domains.values()].find((d) => d.name === name);
  }

  /** A domain named as `xm` takes it: name or numeric id. */
  lookup(ref: string): XendDomain | undefined {
    return /^\d+$/.test(ref) ? this.domains.get(Number(ref)) : this.byName(ref);
  }
}
