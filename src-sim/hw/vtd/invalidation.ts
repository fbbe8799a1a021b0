/**
 * Cache invalidation (VT-d spec v1.x §6.5): the register-based interface Xen 2007 uses
 * (__iommu_flush_context() writing CCMD, __iommu_flush_iotlb() writing IVA then the IOTLB
 * register) and the shared operations the invalidation queue (qinval.ts) also calls.
 * QEMU: vtd_handle_ccmd_write(), vtd_context_cache_invalidate(), vtd_iotlb_flush().
 *
 * A command starts when the dword holding its busy bit (CCMD.ICC, IOTLB.IVT: bit 63) is written
 * with that bit set; the unit completes it at once, clears the busy bit and reports the
 * granularity it actually performed (CAIG, IAIG; 0 = not performed).
 */
import type { Tracer } from '../../engine/index.ts';
import type { RegisterFile } from '../regs/register-file.ts';
import type { VtdCapabilities } from './cap.ts';
import type { ContextCache } from './context.ts';
import type { Iotlb } from './iotlb.ts';
import {
  DMA_CCMD_CAIG_SHIFT_HI,
  DMA_CCMD_CIRG_SHIFT_HI,
  DMA_CCMD_ICC_HI,
  DMA_GSTS_QIES,
  DMA_IVA_IH,
  DMA_TLB_IAIG_SHIFT_HI,
  DMA_TLB_IIRG_SHIFT_HI,
  DMA_TLB_IVT_HI,
  INV_DEVICE_OR_PAGE,
  INV_DOMAIN,
  INV_GLOBAL,
} from './dmar-regs.ts';
import { TRACE_VTD_INV_CONTEXT, TRACE_VTD_INV_IOTLB } from './trace-events.ts';

/** What an invalidation acts on: the unit's caches, its capabilities, and where to trace. */
export interface CacheSet {
  readonly unit: string;
  readonly caps: VtdCapabilities;
  readonly contextCache: ContextCache;
  readonly iotlb: Iotlb;
  readonly tracer: Tracer | undefined;
}

const CONTEXT_GRANULARITY = ['reserved', 'global', 'domain', 'device'];
const IOTLB_GRANULARITY = ['reserved', 'global', 'domain', 'page'];

/** Context-cache invalidation; returns the granularity performed (0: none). */
export function invalidateContextCache(c: CacheSet, granularity: number, did: number, sid: number, fm: number, via: string): number {
  let dropped = 0;
  if (granularity === INV_GLOBAL) dropped = c.contextCache.invalidateAll();
  else if (granularity === INV_DOMAIN) dropped = c.contextCache.invalidateDomain(did);
  else if (granularity === INV_DEVICE_OR_PAGE) dropped = c.contextCache.invalidateDevice(did, sid, fm);
  else granularity = 0;
  c.tracer?.emit(TRACE_VTD_INV_CONTEXT, { unit: c.unit, granularity: CONTEXT_GRANULARITY[granularity], did, sid, fm, dropped, via });
  return granularity;
}

/**
 * IOTLB invalidation. A page-selective request on a unit without CAP.PSI is widened to
 * domain-selective (reported in IAIG); an address mask above CAP.MAMV is not performed.
 */
export function invalidateIotlb(c: CacheSet, granularity: number, did: number, addr: number, am: number, ih: boolean, via: string): number {
  let dropped = 0;
  if (granularity === INV_DEVICE_OR_PAGE && !c.caps.cap.psi) granularity = INV_DOMAIN;
  if (granularity === INV_GLOBAL) dropped = c.iotlb.invalidateAll();
  else if (granularity === INV_DOMAIN) dropped = c.iotlb.invalidateDomain(did);
  else if (granularity === INV_DEVICE_OR_PAGE && am <= c.caps.cap.mamv) {
    const pages = 2 ** am;
    const pfn = Math.floor(addr / 4096 / pages) * pages;
    dropped = c.iotlb.invalidatePages(did, pfn, am);
  } else granularity = 0;
  c.tracer?.emit(TRACE_VTD_INV_IOTLB, { unit: c.unit, granularity: IOTLB_GRANULARITY[granularity], did, addr, am, ih, dropped, via });
  return granularity;
}

/** CCMD written: run the command if ICC was set in the high dword. */
export function handleCcmdWrite(regs: RegisterFile, c: CacheSet): void {
  const hi = regs.getHi('CCMD_REG');
  if ((hi & DMA_CCMD_ICC_HI) === 0) return;
  const lo = regs.get('CCMD_REG');
  const requested = (hi >>> DMA_CCMD_CIRG_SHIFT_HI) & 3;
  const queued = (regs.get('GSTS_REG') & DMA_GSTS_QIES) !== 0;
  // While queued invalidation is enabled the register interface must not be used (§6.5.2).
  const actual = queued ? 0 : invalidateContextCache(c, requested, lo & 0xffff, lo >>> 16, hi & 3, 'CCMD');
  regs.setHi('CCMD_REG', ((hi & ~(DMA_CCMD_ICC_HI | (3 << DMA_CCMD_CAIG_SHIFT_HI))) | (actual << DMA_CCMD_CAIG_SHIFT_HI)) >>> 0);
}

/** IOTLB register written: run the command if IVT was set in the high dword (PSI reads IVA). */
export function handleIotlbWrite(regs: RegisterFile, c: CacheSet): void {
  const hi = regs.getHi('IOTLB_REG');
  if ((hi & DMA_TLB_IVT_HI) === 0) return;
  const requested = (hi >>> DMA_TLB_IIRG_SHIFT_HI) & 3;
  const iva = regs.get('IVA_REG');
  const addr = regs.getHi('IVA_REG') * 0x1_0000_0000 + ((iva & 0xfffff000) >>> 0);
  const queued = (regs.get('GSTS_REG') & DMA_GSTS_QIES) !== 0;
  const actual = queued ? 0 : invalidateIotlb(c, requested, hi & 0xffff, addr, iva & 0x3f, (iva & DMA_IVA_IH) !== 0, 'IOTLB_REG');
  regs.setHi('IOTLB_REG', ((hi & ~(DMA_TLB_IVT_HI | (3 << DMA_TLB_IAIG_SHIFT_HI))) | (actual << DMA_TLB_IAIG_SHIFT_HI)) >>> 0);
}
