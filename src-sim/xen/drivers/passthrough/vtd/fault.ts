/**
 * iommu_page_fault (2007 intel-iommu.c): the remapping unit's fault-event MSI handler. It reads
 * FSTS; with a primary fault pending it walks the fault-recording registers from FSTS.FRI,
 * logging each record and clearing its F bit, wrapping (with 2007's off-by-one: after index
 * NFR, not NFR-1) until a record without F; then clears a primary-fault overflow. The faulting
 * DMA was already dropped by the hardware; no domain is told or killed.
 *
 * Not modelled: the "iommu->reg = %p" line (a Xen virtual address) and print_vtd_entries' dump.
 */
import type { XenConsole } from '../../../common/console.ts';
import type { DmarUnit } from './dmar-unit.ts';

const DMA_FSTS_PFO = 1;
const DMA_FSTS_PPF = 2;

export interface LoggedFault {
  read: boolean;
  sid: number;
  addr: number;
  reason: number;
}

export function iommuPageFault(unit: DmarUnit, con: XenConsole): LoggedFault[] {
  const out: LoggedFault[] = [];
  const fsts = unit.fsts();
  if (!(fsts & DMA_FSTS_PPF)) return out;
  let index = (fsts >>> 8) & 0xff;
  for (let guard = 0; guard <= unit.cap.nfr + 1; guard++) {
    const rec = unit.faultRecord(index);
    if (!rec.fault) break;
    unit.clearFaultRecord(index);
    // 2007 truncates the fault address to 32 bits (u32 guest_addr).
    const addr = (rec.addr - (rec.addr % 0x1000)) % 0x1_0000_0000;
    out.push({ read: rec.read, sid: rec.sid, addr, reason: rec.reason });
    const dev = `${(rec.sid >> 8).toString(16)}:${((rec.sid >> 3) & 0x1f).toString(16)}.${(rec.sid & 7).toString(16)}`;
    con.dprintk('warning', { file: 'intel-iommu.c', line: 694 }, `iommu_page_fault:${rec.read ? 'DMA Read' : 'DMA Write'}: DEVICE ${dev} addr ${addr.toString(16)} REASON ${rec.reason.toString(16)}`);
    index++;
    if (index > unit.cap.nfr) index = 0;
  }
  if (fsts & DMA_FSTS_PFO) unit.mmio.write(0x34, 4, DMA_FSTS_PFO);
  return out;
}
