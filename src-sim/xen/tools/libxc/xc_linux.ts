/**
 * The rest of libxc that the "no harm" guests need (tools/libxc/xc_linux.c, xc_linux_build.c,
 * xc_misc.c of 2007): `xc_linux_build`'s memory for a PV guest (populate_physmap with no p2m in
 * Xen: the guest gets machine frames and keeps its own phys→machine list), qemu-dm's view of an
 * HVM guest's RAM (`xc_map_foreign_range`: only RAM the p2m gives the guest) and
 * `xc_hvm_set_pci_intx_level`. Like the rest of libxc: -1 with `errno` on failure.
 */
import { populatePhysmap } from '../../common/memory.ts';
import { P2M_RAM_RW } from '../../arch/x86/mm/p2m.ts';
import { hvmSetPciIntxLevel } from '../../arch/x86/hvm/pci_intx.ts';
import { EFAULT } from '../../common/errno.ts';
import type { XcHandle } from './xc_domain.ts';

/** xc_linux_build's allocation: `memMiB` of frames for PV domain `domid`; their mfns in pfn order. */
export function xcLinuxBuildMemory(xc: XcHandle, domid: number, memMiB: number): number[] | -1 {
  const rc = populatePhysmap(xc.xen, xc.self, domid, 0, memMiB * 256);
  const d = xc.xen.domain(domid);
  if (rc < 0 || !d) {
    xc.errno = rc < 0 ? -rc : 3;
    return -1;
  }
  const mfns: number[] = [];
  for (const r of d.frames) for (let i = 0; i < r.count; i++) mfns.push(r.mfn + i);
  return mfns;
}

/** xc_map_foreign_range of one guest frame: its machine address, or -1 (EFAULT) when not the guest's RAM. */
export function xcMapForeignRange(xc: XcHandle, domid: number, gfn: number): number {
  const e = xc.xen.domain(domid)?.p2m?.get(gfn);
  if (!e || e.type !== P2M_RAM_RW) {
    xc.errno = EFAULT;
    return -1;
  }
  return e.mfn * 0x1000;
}

/** xc_hvm_set_pci_intx_level(xc, domid, domain, bus, device, intx, level). */
export function xcHvmSetPciIntxLevel(xc: XcHandle, domid: number, bus: number, device: number, intx: number, level: boolean): number {
  const rc = hvmSetPciIntxLevel(xc.xen, xc.self, domid, bus, device, intx, level);
  xc.errno = rc < 0 ? -rc : 0;
  return rc < 0 ? -1 : 0;
}
