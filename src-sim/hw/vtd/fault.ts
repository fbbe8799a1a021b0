/**
 * Primary fault logging (VT-d spec v1.x §7.3; QEMU vtd_report_dmar_fault(), vtd_record_frcd(),
 * vtd_generate_fault_event()): a translation fault fills the next fault recording register,
 * sets FSTS.PPF (and FRI) or FSTS.PFO, and signals through FECTL as an interrupt message built
 * from FEADDR/FEUADDR/FEDATA. Xen 2007's iommu_page_fault() reads these registers back.
 *
 * Order of the checks (vtd.md §4.2): FPD on a qualified fault drops silently; a set PFO drops;
 * optionally a pending record from the same requester absorbs the fault (QEMU's collapsing,
 * allowed by the spec; off by default); a next record still pending sets PFO; otherwise the
 * record is written and, if PPF was clear, FRI points at it and a fault event is generated.
 */
import type { RegisterFile } from '../regs/register-file.ts';
import type { VtdCapabilities } from './cap.ts';
import { DMA_FECTL_IM, DMA_FECTL_IP, DMA_FRCD_F, DMA_FRCD_T_READ, DMA_FSTS_PFO, DMA_FSTS_PPF, DMA_FSTS_FRI_SHIFT, frcdOffset, isQualifiedFault } from './dmar-regs.ts';

/** The interrupt message a fault event sends: what lands on the bus at FEADDR with FEDATA. */
export type FaultEventSink = (address: number, data: number) => void;

export type FaultOutcome = 'recorded' | 'fpd' | 'pfo-set' | 'overflow' | 'collapsed';

export class FaultRecorder {
  /** Index of the fault recording register the next fault goes to. */
  next = 0;
  sink: FaultEventSink | undefined;

  constructor(
    private readonly regs: RegisterFile,
    private readonly caps: VtdCapabilities,
    private readonly collapse: boolean,
  ) {}

  record(sid: number, addr: number, reason: number, write: boolean, fpd: boolean): FaultOutcome {
    if (fpd && isQualifiedFault(reason)) return 'fpd';
    const fsts = this.regs.get('FSTS_REG');
    if ((fsts & DMA_FSTS_PFO) !== 0) return 'pfo-set';
    if (this.collapse && this.pendingFrom(sid)) return 'collapsed';
    const i = this.next;
    const hiOff = frcdOffset(this.caps, i) + 8;
    if ((this.regs.raw32(hiOff + 4) & DMA_FRCD_F) !== 0) {
      this.regs.setClear('FSTS_REG', DMA_FSTS_PFO, 0);
      return 'overflow';
    }
    const off = frcdOffset(this.caps, i);
    this.regs.setRaw32(off, (addr & 0xfffff000) >>> 0);
    this.regs.setRaw32(off + 4, Math.floor(addr / 0x1_0000_0000));
    this.regs.setRaw32(hiOff, sid & 0xffff);
    this.regs.setRaw32(hiOff + 4, (reason & 0xff) | (write ? 0 : DMA_FRCD_T_READ) | DMA_FRCD_F);
    this.next = (i + 1) % this.caps.cap.nfr;
    if ((fsts & DMA_FSTS_PPF) === 0) {
      this.regs.setClear('FSTS_REG', DMA_FSTS_PPF | (i << DMA_FSTS_FRI_SHIFT), 0xff00);
      this.raiseEvent();
    }
    return 'recorded';
  }

  private pendingFrom(sid: number): boolean {
    for (let i = 0; i < this.caps.cap.nfr; i++) {
      const hiOff = frcdOffset(this.caps, i) + 8;
      if ((this.regs.raw32(hiOff + 4) & DMA_FRCD_F) !== 0 && (this.regs.raw32(hiOff) & 0xffff) === sid) return true;
    }
    return false;
  }

  /**
   * A fault event (a primary fault, or an error status such as IQE): the message now if
   * FECTL.IM is clear, else FECTL.IP until software unmasks.
   */
  raiseEvent(): void {
    if ((this.regs.get('FECTL_REG') & DMA_FECTL_IM) === 0) this.send();
    else this.regs.setClear('FECTL_REG', DMA_FECTL_IP, 0);
  }

  private send(): void {
    const address = this.regs.get('FEUADDR_REG') * 0x1_0000_0000 + this.regs.get('FEADDR_REG');
    this.sink?.(address, this.regs.get('FEDATA_REG'));
  }

  /**
   * After software wrote FSTS or a record's F bit: PPF follows the records; once nothing is
   * pending (PPF = PFO = 0) a masked event is forgotten (FECTL.IP clears).
   */
  refreshStatus(): void {
    let pending = false;
    for (let i = 0; i < this.caps.cap.nfr && !pending; i++) pending = (this.regs.raw32(frcdOffset(this.caps, i) + 12) & DMA_FRCD_F) !== 0;
    if (!pending) this.regs.setClear('FSTS_REG', 0, DMA_FSTS_PPF);
    const fsts = this.regs.get('FSTS_REG');
    if ((fsts & (DMA_FSTS_PPF | DMA_FSTS_PFO)) === 0) this.regs.setClear('FECTL_REG', 0, DMA_FECTL_IP);
  }

  /** Software wrote FECTL: clearing IM with IP set delivers the held message. */
  onFectlWrite(): void {
    const fectl = this.regs.get('FECTL_REG');
    if ((fectl & DMA_FECTL_IM) === 0 && (fectl & DMA_FECTL_IP) !== 0) {
      this.regs.setClear('FECTL_REG', 0, DMA_FECTL_IP);
      this.send();
    }
  }
}
