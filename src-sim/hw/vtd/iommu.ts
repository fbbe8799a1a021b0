/**
 * One DMA-remapping hardware unit (a DRHD), as Xen 2007's intel-iommu.c programs it through its
 * register page (xen/arch/x86/hvm/vmx/vtd/intel-iommu.c, xen-unstable of 2007; QEMU
 * hw/i386/intel_iommu.c is the modern software model of the same hardware).
 *
 * The guest (Xen) sees only offsets in the register page (`read`/`write`); the unit reads its
 * root table, context tables and second-level page tables from host memory at DMA time, caches
 * them in a context cache and an IOTLB that keep stale entries until invalidated, and reports
 * translation faults as register state plus a fault event message to `faultEventSink`.
 *
 * As a `DmaTranslator` it answers one page at a time: the host address, or a negative fault
 * reason after recording the fault. With GSTS.TES = 0 requests pass untranslated.
 */
import type { Tracer } from '../../engine/index.ts';
import { checkVersion } from '../../engine/index.ts';
import type { DmaTranslator } from '../memory/dma.ts';
import type { PhysicalMemory } from '../memory/phys-mem.ts';
import { RegisterFile, type RegisterFileState, type WriteHook } from '../regs/register-file.ts';
import type { VtdCapabilities } from './cap.ts';
import { CONTEXT_TT_PASS_THROUGH, ContextCache, entryRules, fetchContext, type ContextCacheEntryState, type EntryRules } from './context.ts';
import {
  DMAR_REG_SIZE,
  DMA_GCMD_CFI,
  DMA_GCMD_EAFL,
  DMA_GCMD_IRE,
  DMA_GCMD_QIE,
  DMA_GCMD_SIRTP,
  DMA_GCMD_SRTP,
  DMA_GCMD_TE,
  DMA_GCMD_WBF,
  DMA_GSTS_TES,
  DMA_PMEN_EPM,
  DMA_PMEN_PRS,
  VTD_FR_ADDR_BEYOND_MGAW,
  VTD_FR_READ,
  VTD_FR_WRITE,
  dmarRegisterDefs,
} from './dmar-regs.ts';
import { FaultRecorder, type FaultEventSink, type FaultOutcome } from './fault.ts';
import { handleCcmdWrite, handleIotlbWrite, type CacheSet } from './invalidation.ts';
import { IOTLB_PERM_W, Iotlb, type IotlbEntryState } from './iotlb.ts';
import { newWalkResult, pagingRules, walkSecondLevel, type PagingRules } from './pagewalk.ts';
import { onIectlWrite, processInvalidationQueue, type QueueHost } from './qinval.ts';
import { TRACE_VTD_DMAR_FAULT, TRACE_VTD_FAULT_EVENT, TRACE_VTD_GCMD, TRACE_VTD_ROOT_TABLE, TRACE_VTD_TRANSLATION, TRACE_VTD_UNASSIGNED, TRACE_VTD_WBF } from './trace-events.ts';

export interface IntelIommuOptions {
  /** Stable id for traces and snapshots, e.g. "dmar0". */
  id: string;
  mem: PhysicalMemory;
  caps: VtdCapabilities;
  /** Platform host address width in bits (DMAR HAW + 1): bounds table pointers. */
  hostAddressWidthBits: number;
  tracer?: Tracer;
  /** IOTLB slots (power of two, default 64). */
  iotlbEntries?: number;
  /** Context-cache slots (default 16). */
  contextCacheEntries?: number;
  /** Where fault-event (and invalidation-event) messages go: address = FEUADDR:FEADDR, data = FEDATA. */
  faultEventSink?: FaultEventSink;
  /** Let a pending record from the same requester absorb new faults (QEMU does; default off). */
  collapseFaults?: boolean;
}

export interface IntelIommuStats {
  iotlbHits: number;
  iotlbMisses: number;
  contextMisses: number;
  walkReads: number;
  faults: number;
}

export interface IntelIommuState {
  version: 1;
  registers: RegisterFileState;
  /** Root table address latched by the last SRTP (RTADDR itself may have been rewritten since). */
  rootTablePointer: number;
  /** Fault recording register the next fault is written to. */
  nextFaultRecord: number;
  contextCache: ContextCacheEntryState[];
  iotlb: IotlbEntryState[];
  stats: IntelIommuStats;
}

export class IntelIommu implements DmaTranslator, CacheSet, QueueHost {
  readonly regs: RegisterFile;
  readonly unit: string;
  readonly caps: VtdCapabilities;
  readonly mem: PhysicalMemory;
  readonly tracer: Tracer | undefined;
  readonly contextCache: ContextCache;
  readonly iotlb: Iotlb;
  readonly stats: IntelIommuStats = { iotlbHits: 0, iotlbMisses: 0, contextMisses: 0, walkReads: 0, faults: 0 };
  private readonly faults: FaultRecorder;
  private readonly entries: EntryRules;
  private readonly paging: PagingRules;
  private readonly walk = newWalkResult();
  private rootPtr = 0;
  /** Mirror of GSTS.TES, read on every translation. */
  private enabled = false;

  constructor(opts: IntelIommuOptions) {
    this.unit = opts.id;
    this.caps = opts.caps;
    this.mem = opts.mem;
    this.tracer = opts.tracer;
    this.regs = new RegisterFile(DMAR_REG_SIZE, dmarRegisterDefs(opts.caps, opts.hostAddressWidthBits));
    this.regs.bindHooks({ write: this.writeHooks() });
    this.regs.hooks = {
      onUnassigned: (offset, size, write, reg) => this.tracer?.emit(TRACE_VTD_UNASSIGNED, { unit: this.unit, offset, size, write, register: reg ? `${reg.name}, ${reg.fidelity}` : 'no register' }),
    };
    this.contextCache = new ContextCache(opts.contextCacheEntries ?? 16);
    this.iotlb = new Iotlb(opts.iotlbEntries ?? 64);
    this.faults = new FaultRecorder(this.regs, opts.caps, opts.collapseFaults ?? false);
    this.faults.sink = (address, data) => this.message(address, data);
    this.sink = opts.faultEventSink;
    this.entries = entryRules(opts.hostAddressWidthBits);
    this.paging = pagingRules(opts.caps, opts.hostAddressWidthBits);
  }

  /** Receiver of interrupt messages (fault and invalidation events); rewired by the platform. */
  sink: FaultEventSink | undefined;

  // ---- guest side: the register page -----------------------------------------------------

  read(offset: number, size: 1 | 2 | 4): number {
    return this.regs.read(offset, size);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.regs.write(offset, size, value);
  }

  /** A 64-bit store to an 8-byte register, landing whole (its hook runs once, on the full value). */
  write64(offset: number, value: number | bigint): void {
    const v = BigInt(value);
    this.regs.write64(offset, Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn));
  }

  read64(offset: number): bigint {
    const lo = this.regs.read(offset, 4);
    return (BigInt(this.regs.read(offset + 4, 4)) << 32n) | BigInt(lo);
  }

  /** Power-on / platform reset: the register table's reset values, empty caches. */
  reset(): void {
    this.regs.reset();
    this.contextCache.invalidateAll();
    this.iotlb.invalidateAll();
    this.rootPtr = 0;
    this.faults.next = 0;
    this.enabled = false;
  }

  /**
   * The write hooks dmarRegisterDefs' rows name (QEMU's vtd_handle_*_write). Commands in 8-byte
   * registers act when the dword holding their trigger bit lands (or the whole register does).
   */
  private writeHooks(): Record<string, WriteHook> {
    const touchesHigh = (offsetInReg: number, size: number) => offsetInReg + size > 4;
    return {
      globalCommand: (_r, _old, value) => this.onGcmd(value),
      contextCommand: () => handleCcmdWrite(this.regs, this),
      iotlbCommand: () => handleIotlbWrite(this.regs, this),
      faultStatus: () => this.faults.refreshStatus(),
      faultRecordCleared: (_r, _old, _value, offsetInReg, size) => {
        if (touchesHigh(offsetInReg, size)) this.faults.refreshStatus();
      },
      faultEventControl: () => this.faults.onFectlWrite(),
      protectedMemoryEnable: (_r, _old, value) =>
        this.regs.setClear('PMEN_REG', value & DMA_PMEN_EPM ? DMA_PMEN_PRS : 0, value & DMA_PMEN_EPM ? 0 : DMA_PMEN_PRS),
      queueTail: () => {
        if (this.queueEnabled()) processInvalidationQueue(this);
      },
      invalidationEventControl: () => onIectlWrite(this),
    };
  }

  private queueEnabled(): boolean {
    return (this.regs.get('GSTS_REG') & DMA_GCMD_QIE) !== 0;
  }

  /**
   * GCMD → GSTS handshake (spec §10.4.4): persistent bits (TE, QIE, IRE, CFI, EAFL) follow the
   * written value; one-shot commands (SRTP, WBF, SIRTP) complete at once. Software that writes
   * GCMD without a persistent bit turns that feature off, which is why Xen keeps a shadow.
   */
  private onGcmd(value: number): void {
    let gsts = this.regs.get('GSTS_REG');
    const persistent = DMA_GCMD_TE | DMA_GCMD_QIE | DMA_GCMD_IRE | DMA_GCMD_CFI | DMA_GCMD_EAFL;
    const was = gsts;
    gsts = ((gsts & ~persistent) | (value & persistent)) >>> 0;
    if (value & DMA_GCMD_SRTP) {
      this.rootPtr = this.regs.get64('RTADDR_REG');
      gsts |= DMA_GCMD_SRTP;
      this.tracer?.emit(TRACE_VTD_ROOT_TABLE, { unit: this.unit, addr: this.rootPtr });
    }
    if (value & DMA_GCMD_SIRTP) gsts |= DMA_GCMD_SIRTP;
    if (value & DMA_GCMD_WBF) this.tracer?.emit(TRACE_VTD_WBF, { unit: this.unit, required: this.caps.cap.rwbf });
    gsts >>>= 0;
    this.regs.set('GSTS_REG', gsts);
    this.tracer?.emit(TRACE_VTD_GCMD, { unit: this.unit, value: value >>> 0, gsts });
    if ((was ^ gsts) & DMA_GCMD_QIE) this.regs.set('IQH_REG', 0);
    if (((was ^ gsts) & DMA_GSTS_TES) !== 0) {
      this.enabled = (gsts & DMA_GSTS_TES) !== 0;
      this.tracer?.emit(TRACE_VTD_TRANSLATION, { unit: this.unit, enabled: this.enabled });
    }
  }

  // ---- DMA side ----------------------------------------------------------------------------

  /**
   * Host-physical address for DMA address `addr` from requester `sid`, or −reason after the
   * fault was recorded. Hit path: one context-cache index read, one IOTLB set probe.
   */
  translate(sid: number, addr: number, write: boolean): number {
    if (!this.enabled) return addr;
    const cc = this.contextCache;
    let slot = cc.lookup(sid);
    if (slot < 0) {
      slot = this.loadContext(sid, addr, write);
      if (slot < 0) return slot;
    }
    if (cc.tt[slot] === CONTEXT_TT_PASS_THROUGH) return addr;
    if (addr >= cc.limit[slot]) return this.fault(sid, addr, VTD_FR_ADDR_BEYOND_MGAW, write, cc.fpd[slot] === 1);
    const pfn = addr < 0x80000000 ? addr >>> 12 : Math.floor(addr / 4096);
    const did = cc.did[slot];
    const t = this.iotlb.lookup(did, pfn);
    if (t >= 0) {
      this.stats.iotlbHits++;
      const perm = this.iotlb.perm[t];
      if ((perm & (write ? IOTLB_PERM_W : 1)) === 0) return this.fault(sid, addr, write ? VTD_FR_WRITE : VTD_FR_READ, write, cc.fpd[slot] === 1);
      return this.iotlb.hpfn[t] * 4096 + (addr & 0xfff);
    }
    return this.miss(sid, addr, pfn, write, slot);
  }

  private miss(sid: number, addr: number, pfn: number, write: boolean, slot: number): number {
    const cc = this.contextCache;
    this.stats.iotlbMisses++;
    const reason = walkSecondLevel(this.mem, this.paging, cc.asr[slot], cc.levels[slot], pfn, write, this.walk);
    this.stats.walkReads += this.walk.reads;
    if (reason !== 0) return this.fault(sid, addr, reason, write, cc.fpd[slot] === 1);
    this.iotlb.insert(cc.did[slot], pfn, this.walk.hpfn, this.walk.perm);
    return this.walk.hpfn * 4096 + (addr & 0xfff);
  }

  /** Context-cache miss: read root and context entries from memory; cache a valid one. */
  private loadContext(sid: number, addr: number, write: boolean): number {
    this.stats.contextMisses++;
    const r = fetchContext(this.mem, this.rootPtr, sid, this.caps, this.entries);
    if (!r.info) return this.fault(sid, addr, r.fault, write, r.fpd);
    return this.contextCache.insert(sid, r.info);
  }

  private fault(sid: number, addr: number, reason: number, write: boolean, fpd: boolean): number {
    this.stats.faults++;
    const outcome: FaultOutcome = this.faults.record(sid, addr, reason, write, fpd);
    this.tracer?.emit(TRACE_VTD_DMAR_FAULT, { unit: this.unit, sid, reason, addr, write, outcome });
    return -reason;
  }

  /** Sends an interrupt message on the unit's behalf. */
  message(address: number, data: number): void {
    this.tracer?.emit(TRACE_VTD_FAULT_EVENT, { unit: this.unit, address, data });
    this.sink?.(address, data);
  }

  /** An error status (IQE) was set: signal it like a primary fault. */
  faultEvent(): void {
    this.faults.raiseEvent();
  }

  /** Root table address the unit translates with (latched by SRTP). */
  get rootTablePointer(): number {
    return this.rootPtr;
  }

  get translationEnabled(): boolean {
    return this.enabled;
  }

  // ---- snapshot ----------------------------------------------------------------------------

  save(): IntelIommuState {
    return {
      version: 1,
      registers: this.regs.save(),
      rootTablePointer: this.rootPtr,
      nextFaultRecord: this.faults.next,
      contextCache: this.contextCache.save(),
      iotlb: this.iotlb.save(),
      stats: { ...this.stats },
    };
  }

  /** Restores in place; the caches come back too, so stale entries survive as on hardware. */
  restore(s: IntelIommuState): void {
    checkVersion(`vtd ${this.unit}`, s, 1);
    this.regs.restore(s.registers);
    this.rootPtr = s.rootTablePointer;
    this.faults.next = s.nextFaultRecord;
    this.contextCache.restore(s.contextCache);
    this.iotlb.restore(s.iotlb);
    Object.assign(this.stats, s.stats);
    this.enabled = (this.regs.get('GSTS_REG') & DMA_GSTS_TES) !== 0;
  }
}
