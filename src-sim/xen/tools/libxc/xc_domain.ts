/**
 * libxc as dom0's tools call it (tools/libxc/xc_domain.c, xc_hvm_build.c): thin wrappers that
 * fill a domctl and issue it. Like the C library they return 0 (or a count) on success and -1
 * on failure with `errno` set — which is why qemu-dm prints "rc=-1" whatever Xen refused with.
 * The seed's xc_irq_mapping is the merged xc_domain_bind_pt_pci_irq.
 */
import { doDomctl, type Domctl } from '../../common/domctl.ts';
import { populatePhysmap, decreaseReservation } from '../../common/memory.ts';
import { PT_IRQ_TYPE_PCI } from '../../arch/x86/domctl.ts';
import { PT_IRQ_TYPE_MSI } from '../../drivers/passthrough/io-msi.ts';
import { hvmSetPciLinkRoute } from '../../arch/x86/hvm/hvm.ts';
import type { IoreqServer } from '../../arch/x86/hvm/io.ts';
import type { Xen } from '../../xen.ts';

export const DPCI_ADD_MAPPING = 1;
export const DPCI_REMOVE_MAPPING = 0;

/** Guest RAM ends below the PCI hole (HVM_BELOW_4G_RAM_END); the rest goes above 4 GiB. */
export const HVM_BELOW_4G_RAM_END = 0xf000_0000;
const VGA_HOLE = [0xa0, 0xc0] as const;

export class XcHandle {
  /** errno of the last failed call (0 after a success). */
  errno = 0;

  constructor(
    readonly xen: Xen,
    /** The domain the tools run in. */
    readonly self = 0,
  ) {}

  private call(op: Domctl): number {
    const { rc } = doDomctl(this.xen, this.self, op);
    this.errno = rc < 0 ? -rc : 0;
    return rc < 0 ? -1 : rc;
  }

  domainCreate(hvm: boolean, handle?: string): { rc: number; domid?: number } {
    const r = doDomctl(this.xen, this.self, { cmd: 'createdomain', hvm, handle });
    this.errno = r.rc < 0 ? -r.rc : 0;
    return r.rc < 0 ? { rc: -1 } : { rc: 0, domid: r.domid };
  }

  domainDestroy(domid: number): number {
    return this.call({ cmd: 'destroydomain', domain: domid });
  }

  domainPause(domid: number): number {
    return this.call({ cmd: 'pausedomain', domain: domid });
  }

  domainUnpause(domid: number): number {
    return this.call({ cmd: 'unpausedomain', domain: domid });
  }

  domainMaxVcpus(domid: number, max: number): number {
    return this.call({ cmd: 'max_vcpus', domain: domid, max });
  }

  domainSetmaxmem(domid: number, maxMemKb: number): number {
    return this.call({ cmd: 'max_mem', domain: domid, maxMemKb });
  }

  domainIoportPermission(domid: number, firstPort: number, nrPorts: number, allow: boolean): number {
    return this.call({ cmd: 'ioport_permission', domain: domid, firstPort, nrPorts, allow });
  }

  domainIomemPermission(domid: number, firstMfn: number, nrMfns: number, allow: boolean): number {
    return this.call({ cmd: 'iomem_permission', domain: domid, firstMfn, nrMfns, allow });
  }

  domainIrqPermission(domid: number, pirq: number, allow: boolean): number {
    return this.call({ cmd: 'irq_permission', domain: domid, pirq, allow });
  }

  /** xc_assign_device(xc, domid, machine_bdf). */
  assignDevice(domid: number, machineBdf: number): number {
    return this.call({ cmd: 'assign_device', domain: domid, machineBdf });
  }

  /** xc_test_assign_device (3.2+). */
  testAssignDevice(domid: number, machineBdf: number): number {
    return this.call({ cmd: 'test_assign_device', domain: domid, machineBdf });
  }

  /** xc_domain_bind_pt_pci_irq: the 2007 signature takes machine_irq as uint8_t. */
  domainBindPtPciIrq(domid: number, machineIrq: number, bus: number, device: number, intx: number): number {
    return this.call({ cmd: 'bind_pt_irq', domain: domid, machineIrq: machineIrq & 0xff, irqType: PT_IRQ_TYPE_PCI, bus, device, intx });
  }

  /** xc_domain_update_msi_irq (3.3+): bind_pt_irq of type MSI with the guest's vector and flags. */
  domainUpdateMsiIrq(domid: number, gvec: number, pirq: number, gflags: number): number {
    return this.call({ cmd: 'bind_pt_irq', domain: domid, machineIrq: pirq, irqType: PT_IRQ_TYPE_MSI, bus: 0, device: 0, intx: 0, gvec, gflags });
  }

  /** xc_domain_unbind_msi_irq (3.3+). */
  domainUnbindMsiIrq(domid: number, gvec: number, pirq: number, gflags: number): number {
    return this.call({ cmd: 'unbind_pt_irq', domain: domid, machineIrq: pirq, irqType: PT_IRQ_TYPE_MSI, bus: 0, device: 0, intx: 0, gvec, gflags });
  }

  /** xc_domain_unbind_pt_irq (3.3+): a machine IRQ's guest INTx. */
  domainUnbindPtIrq(domid: number, machineIrq: number, irqType: number, bus: number, device: number, intx: number): number {
    return this.call({ cmd: 'unbind_pt_irq', domain: domid, machineIrq: machineIrq & 0xff, irqType, bus, device, intx });
  }

  domainMemoryMapping(domid: number, firstGfn: number, firstMfn: number, nrMfns: number, add: number): number {
    return this.call({ cmd: 'memory_mapping', domain: domid, firstGfn, firstMfn, nrMfns, add: add === DPCI_ADD_MAPPING });
  }

  domainIoportMapping(domid: number, firstGport: number, firstMport: number, nrPorts: number, add: number): number {
    return this.call({ cmd: 'ioport_mapping', domain: domid, firstGport, firstMport, nrPorts, add: add === DPCI_ADD_MAPPING });
  }

  /** xc_hvm_set_pci_link_route: PIIX3 link → ISA IRQ, as the guest programmed it. */
  hvmSetPciLinkRoute(domid: number, link: number, isaIrq: number): number {
    const rc = hvmSetPciLinkRoute(this.xen, this.self, domid, link, isaIrq);
    this.errno = rc < 0 ? -rc : 0;
    return rc < 0 ? -1 : 0;
  }

  /** The device model maps the domain's ioreq page and takes the accesses Xen leaves it. */
  attachIoreqServer(domid: number, server: IoreqServer): number {
    const io = this.xen.domain(domid)?.hvmIo;
    if (!io) return (this.errno = 3), -1;
    io.ioreq = server;
    return 0;
  }

  /** dom0's balloon driver giving `pages` back (what xend's balloon.free asks for). */
  balloonOut(pages: number): number {
    const rc = decreaseReservation(this.xen, this.self, pages);
    this.errno = rc < 0 ? -rc : 0;
    return rc < 0 ? -1 : rc;
  }

  /**
   * xc_hvm_build's memory: populate every guest frame of `memMiB` except the VGA hole, RAM above
   * HVM_BELOW_4G_RAM_END moved above 4 GiB. (Loading hvmloader and the hvm_info table is the
   * guest's firmware side, not modelled here.)
   */
  hvmBuildMemory(domid: number, memMiB: number): number {
    const pages = memMiB * 256;
    const low = Math.min(pages, HVM_BELOW_4G_RAM_END / 0x1000);
    const runs: [number, number][] = [
      [0, VGA_HOLE[0]],
      [VGA_HOLE[1], low - VGA_HOLE[1]],
    ];
    if (pages > low) runs.push([0x100000, pages - low]);
    for (const [gfn, n] of runs) {
      const rc = populatePhysmap(this.xen, this.self, domid, gfn, n);
      if (rc < 0) {
        this.errno = -rc;
        return -1;
      }
    }
    return 0;
  }
}
