/**
 * What a Linux kernel running on Xen reaches of the hypervisor (include/asm-i386/mach-xen/asm/
 * hypercall.h, the hypercall page): the event-channel and grant-table ops netfront and netback
 * issue, its shared_info's event bits, and machine memory — a paravirtual kernel addresses
 * machine frames itself, and may touch only frames it owns or holds mapped (Xen's page-table
 * checks refuse the rest). The constants and shapes are the kernel's own copy of Xen's public
 * header (Linux keeps one in include/xen/interface/grant_table.h, as xen/common/grant_table.ts
 * keeps Xen's): the guest model never imports Xen; the host wires these calls to it
 * (toolstack/guest-image-pv.ts).
 */
import type { RingMemory } from './interface/io/ring.ts';

export const DOMID_SELF = 0x7ff0;

export const GTF_permit_access = 1;
export const GTF_readonly = 1 << 2;
export const GTF_reading = 1 << 3;
export const GTF_writing = 1 << 4;
export const GNTMAP_host_map = 1 << 1;
export const GNTMAP_readonly = 1 << 2;
export const GNTCOPY_source_gref = 1 << 0;
export const GNTCOPY_dest_gref = 1 << 1;
export const GNTST_okay = 0;

/** struct gnttab_map_grant_ref (in: ref, dom, flags; out: status, handle, mfn). */
export interface GnttabMapOp {
  ref: number;
  dom: number;
  flags: number;
  status?: number;
  handle?: number;
  mfn?: number;
}

/** struct gnttab_copy. */
export interface GnttabCopyOp {
  source: { ref?: number; mfn?: number; domid: number; offset: number };
  dest: { ref?: number; mfn?: number; domid: number; offset: number };
  len: number;
  flags: number;
  status?: number;
}

/** Machine memory as a PV kernel sees it (checked: own or mapped frames only). */
export interface MachineMemory extends RingMemory {
  read(maddr: number, dst: Uint8Array): void;
  write(maddr: number, src: Uint8Array): void;
}

export interface XenHypercalls {
  readonly domid: number;
  readonly mem: MachineMemory;
  evtchnAllocUnbound(remoteDom: number): number;
  evtchnBindInterdomain(remoteDom: number, remotePort: number): number;
  /** EVTCHNOP_bind_pirq (flags: BIND_PIRQ__WILL_SHARE): the port, or -errno. */
  evtchnBindPirq(pirq: number, flags: number): number;
  /** PHYSDEVOP_irq_unmask_notify, for the physical IRQ the kernel has just handled. */
  physdevIrqUnmaskNotify(pirq: number): void;
  evtchnSend(port: number): number;
  evtchnClose(port: number): number;
  /** Installs evtchn_do_upcall: called with the ports found pending (and cleared) in shared_info. */
  setUpcall(handler: (ports: number[]) => void): void;
  gnttabSetupTable(nrFrames: number): number[] | number;
  gnttabMapGrantRef(ops: GnttabMapOp[]): number;
  gnttabUnmapGrantRef(handles: number[]): number[];
  gnttabCopy(ops: GnttabCopyOp[]): number;
}
