/**
 * libxc's physdev wrappers (tools/libxc/xc_physdev.c, Xen 3.3 on): xc_physdev_map_pirq for a
 * GSI, xc_physdev_map_pirq_msi for a function's MSI, xc_physdev_unmap_pirq. Like the C library
 * they return 0 or -1 with `errno` set on the handle; the pirq Xen chose comes back in `pirq`.
 */
import { doPhysdevOp, MAP_PIRQ_TYPE_GSI, MAP_PIRQ_TYPE_MSI, type PhysdevOp } from '../../arch/x86/physdev.ts';
import type { XcHandle } from './xc_domain.ts';

/** AUTO_ASSIGN (pt-msi.h): let Xen pick the vector. */
export const AUTO_ASSIGN = -1;

function issue(xc: XcHandle, op: PhysdevOp): number {
  const rc = doPhysdevOp(xc.xen, xc.self, op);
  xc.errno = rc < 0 ? -rc : 0;
  return rc < 0 ? -1 : 0;
}

/** xc_physdev_map_pirq(xc, domid, index, &pirq): a GSI; qemu passes the IRQ as the wanted pirq. */
export function xcPhysdevMapPirq(xc: XcHandle, domid: number, index: number, pirq: number): { rc: number; pirq: number } {
  const op: PhysdevOp = { cmd: 'map_pirq', domid, type: MAP_PIRQ_TYPE_GSI, index, pirq };
  const rc = issue(xc, op);
  return { rc, pirq: rc === 0 ? op.pirq : pirq };
}

/** xc_physdev_map_pirq_msi(xc, domid, index, &pirq, devfn, bus, entry_nr, table_base). */
export function xcPhysdevMapPirqMsi(xc: XcHandle, domid: number, index: number, pirq: number, devfn: number, bus: number, entryNr = 0, tableBase = 0): { rc: number; pirq: number } {
  const op: PhysdevOp = { cmd: 'map_pirq', domid, type: MAP_PIRQ_TYPE_MSI, index, pirq, bus, devfn, entryNr, tableBase };
  const rc = issue(xc, op);
  return { rc, pirq: rc === 0 ? op.pirq : pirq };
}

export function xcPhysdevUnmapPirq(xc: XcHandle, domid: number, pirq: number): number {
  return issue(xc, { cmd: 'unmap_pirq', domid, pirq });
}
