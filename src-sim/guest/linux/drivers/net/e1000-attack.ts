/**
 * A malicious guest driver for the assigned e1000 (what the isolation suite and `vtdw run
 * --attack` run instead of the real one): it opens the NIC like e1000 does, then tries to reach
 * beyond what its domain was given — receive DMA pointed outside its memory, machine I/O ports it
 * was not given, a foreign device's BAR mapped into its space. It only ever uses what a guest
 * kernel has: guest-physical memory and MMIO, port I/O, PCI config cycles, and hypercalls.
 * Each method does the accesses and reports what the guest itself observed; the verdict (fault
 * recorded, refused, contained) is the host's to give.
 */
import { GuestE1000, RX_DESCS, type GuestBus } from './e1000.ts';
import type { KernelLog } from '../../printk.ts';

/** A domctl a (malicious) guest kernel can issue itself: Xen checks the caller is privileged. */
export type GuestDomctl =
  | { cmd: 'memory_mapping'; firstGfn: number; firstMfn: number; nrMfns: number }
  | { cmd: 'iomem_permission'; firstMfn: number; nrMfns: number }
  | { cmd: 'ioport_permission'; firstPort: number; nrPorts: number };

export interface AttackBus extends GuestBus {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
  /** HYPERVISOR_domctl from this guest, on itself; returns Xen's result (0 or -errno). */
  domctl(op: GuestDomctl): number;
}

export class MaliciousE1000 extends GuestE1000 {
  constructor(
    private readonly abus: AttackBus,
    log: KernelLog,
    name: string,
    mmio: number,
    irq: number,
    dmaBase: number,
    now: () => number,
  ) {
    super(abus, log, name, mmio, irq, dmaBase, now);
  }

  /**
   * Points the first receive descriptors' buffers at `addrs` (bus addresses as the NIC will
   * use them): the next frames are DMA-written there, not into the driver's own buffers.
   */
  pointRxAt(addrs: number[]): void {
    if (addrs.length > RX_DESCS) throw new RangeError(`at most ${RX_DESCS} DMA targets, got ${addrs.length}`);
    addrs.forEach((a, i) => this.writeU64(this.rxRing + 16 * i, a));
  }

  /** Reads then writes each port; returns what each read gave the guest. */
  touchPorts(ports: number[]): number[] {
    return ports.map((p) => {
      const v = this.abus.portRead(p, 4) >>> 0;
      this.abus.portWrite(p, 4, 0xdeadbeef);
      return v;
    });
  }

  /** Reads then scribbles over a guest-physical page where a foreign BAR would be. */
  touchMmio(gpa: number): number {
    const v = this.abus.memRead(gpa, 4) >>> 0;
    this.abus.memWrite(gpa, 4, 0xdeadbeef);
    return v;
  }

  /** Asks Xen to map, or to permit, what is not the guest's. */
  hypercall(op: GuestDomctl): number {
    return this.abus.domctl(op);
  }
}
