/**
 * Root and context entries (VT-d spec v1.x §9.1/9.3) and the unit's context cache. The entry
 * layout and the checks follow QEMU's vtd_dev_to_context_entry() / vtd_root_entry_rsvd_bits and
 * Xen 2007's struct root_entry / context_entry (intel-iommu.h); the fault reasons are the
 * spec's (01h/02h/03h/08h/09h/0Ah/0Bh).
 *
 * The context cache is fully associative with LRU replacement over `size` slots, plus a direct
 * source-id → slot index so a hit costs one typed-array read. Only present, valid entries are
 * cached (a CM=0 unit never caches not-present or erroneous entries).
 */
import type { PhysicalMemory } from '../memory/phys-mem.ts';
import {
  VTD_FR_CONTEXT_ENTRY_INV,
  VTD_FR_CONTEXT_ENTRY_P,
  VTD_FR_CONTEXT_ENTRY_RSVD,
  VTD_FR_CONTEXT_TABLE_INV,
  VTD_FR_ROOT_ENTRY_P,
  VTD_FR_ROOT_ENTRY_RSVD,
  VTD_FR_ROOT_TABLE_INV,
  addressHiMask,
} from './dmar-regs.ts';
import type { VtdCapabilities } from './cap.ts';

/** Context-entry translation types (T field). */
export const CONTEXT_TT_MULTI_LEVEL = 0;
export const CONTEXT_TT_DEV_IOTLB = 1;
export const CONTEXT_TT_PASS_THROUGH = 2;

/** A decoded, valid context entry: what the walk needs. */
export interface ContextInfo {
  did: number;
  /** Second-level table levels (AW + 2). */
  levels: number;
  /** Host address of the top-level table. */
  asr: number;
  tt: number;
  fpd: boolean;
  /** Exclusive upper bound of translatable addresses: 2^min(MGAW, AGAW width). */
  limit: number;
}

/** Result of fetching a context entry from memory: the entry, or a fault with the FPD seen. */
export interface ContextFetch {
  fault: number;
  /** FPD bit of the entry read (QEMU consults it even for a not-present entry). */
  fpd: boolean;
  info: ContextInfo | undefined;
}

/** Reserved-bit masks that depend on the platform width and the unit's capabilities. */
export interface EntryRules {
  hawBits: number;
  addrHiMask: number;
}

export function entryRules(hawBits: number): EntryRules {
  return { hawBits, addrHiMask: addressHiMask(hawBits) };
}

const hiAddr = (hi: number, mask: number): number => (hi & mask) * 0x1_0000_0000;

/**
 * Reads and checks the root entry for `bus` and the context entry for `devfn`
 * (spec §3.4.3 steps 2-3): table access errors, P bits, reserved bits, then AW/T validity.
 */
export function fetchContext(mem: PhysicalMemory, rootPtr: number, sid: number, c: VtdCapabilities, rules: EntryRules): ContextFetch {
  const rootAddr = rootPtr + 16 * (sid >>> 8);
  if (!mem.contains(rootAddr, 16)) return { fault: VTD_FR_ROOT_TABLE_INV, fpd: false, info: undefined };
  const rLo = mem.readU32(rootAddr);
  const rHi = mem.readU32(rootAddr + 4);
  if ((rLo & 1) === 0) return { fault: VTD_FR_ROOT_ENTRY_P, fpd: false, info: undefined };
  const rootRsvd = (rLo & 0xffe) !== 0 || (rHi & ~rules.addrHiMask) !== 0 || mem.readU32(rootAddr + 8) !== 0 || mem.readU32(rootAddr + 12) !== 0;
  if (rootRsvd) return { fault: VTD_FR_ROOT_ENTRY_RSVD, fpd: false, info: undefined };
  const ctp = hiAddr(rHi, rules.addrHiMask) + ((rLo & 0xfffff000) >>> 0);
  const ctxAddr = ctp + 16 * (sid & 0xff);
  if (!mem.contains(ctxAddr, 16)) return { fault: VTD_FR_CONTEXT_TABLE_INV, fpd: false, info: undefined };
  const lo = mem.readU32(ctxAddr);
  const hi = mem.readU32(ctxAddr + 4);
  const w2 = mem.readU32(ctxAddr + 8);
  const w3 = mem.readU32(ctxAddr + 12);
  const fpd = (lo & 2) !== 0;
  if ((lo & 1) === 0) return { fault: VTD_FR_CONTEXT_ENTRY_P, fpd, info: undefined };
  if ((lo & 0xff0) !== 0 || (hi & ~rules.addrHiMask) !== 0 || (w2 & 0xff000080) !== 0 || w3 !== 0) {
    return { fault: VTD_FR_CONTEXT_ENTRY_RSVD, fpd, info: undefined };
  }
  const tt = (lo >>> 2) & 3;
  const aw = w2 & 7;
  const ttOk = tt === CONTEXT_TT_MULTI_LEVEL || (tt === CONTEXT_TT_DEV_IOTLB && c.ecap.dt) || (tt === CONTEXT_TT_PASS_THROUGH && c.ecap.pt);
  const awOk = tt === CONTEXT_TT_PASS_THROUGH || ((c.cap.sagaw >>> aw) & 1) === 1;
  if (!ttOk || !awOk) return { fault: VTD_FR_CONTEXT_ENTRY_INV, fpd, info: undefined };
  const width = Math.min(c.cap.mgawBits, 30 + 9 * aw);
  return {
    fault: 0,
    fpd,
    info: {
      did: (w2 >>> 8) & 0xffff,
      levels: aw + 2,
      asr: hiAddr(hi, rules.addrHiMask) + ((lo & 0xfffff000) >>> 0),
      tt,
      fpd,
      limit: 2 ** width,
    },
  };
}

/** A cached context entry in a snapshot: the decoded entry, its source-id and LRU stamp. */
export type ContextCacheEntryState = ContextInfo & { sid: number; lru: number };

/** The context cache: tagged by source-id, invalidated globally, by domain or by device. */
export class ContextCache {
  readonly sid: Int32Array;
  readonly did: Uint16Array;
  readonly levels: Uint8Array;
  readonly asr: Float64Array;
  readonly tt: Uint8Array;
  readonly fpd: Uint8Array;
  readonly limit: Float64Array;
  private readonly lru: Float64Array;
  /** Source-id → slot, or -1. */
  readonly slotOf = new Int32Array(65536).fill(-1);
  private clock = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`context cache size ${size} must be a positive integer`);
    this.sid = new Int32Array(size).fill(-1);
    this.did = new Uint16Array(size);
    this.levels = new Uint8Array(size);
    this.asr = new Float64Array(size);
    this.tt = new Uint8Array(size);
    this.fpd = new Uint8Array(size);
    this.limit = new Float64Array(size);
    this.lru = new Float64Array(size);
  }

  /** Slot holding `sid`, refreshed as most recently used, or -1. */
  lookup(sid: number): number {
    const s = this.slotOf[sid];
    if (s >= 0) this.lru[s] = ++this.clock;
    return s;
  }

  insert(sid: number, e: ContextInfo): number {
    let s = this.slotOf[sid];
    if (s < 0) s = this.victim();
    if (this.sid[s] >= 0) this.slotOf[this.sid[s]] = -1;
    this.sid[s] = sid;
    this.slotOf[sid] = s;
    this.did[s] = e.did;
    this.levels[s] = e.levels;
    this.asr[s] = e.asr;
    this.tt[s] = e.tt;
    this.fpd[s] = e.fpd ? 1 : 0;
    this.limit[s] = e.limit;
    this.lru[s] = ++this.clock;
    return s;
  }

  private victim(): number {
    let best = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.sid[i] < 0) return i;
      if (this.lru[i] < this.lru[best]) best = i;
    }
    return best;
  }

  private drop(s: number): void {
    this.slotOf[this.sid[s]] = -1;
    this.sid[s] = -1;
  }

  invalidateAll(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.sid[i] >= 0) {
        this.drop(i);
        n++;
      }
    }
    return n;
  }

  invalidateDomain(did: number): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.sid[i] >= 0 && this.did[i] === did) {
        this.drop(i);
        n++;
      }
    }
    return n;
  }

  /** Device-selective: SID with function mask FM (0: exact, 1-3: ignore SID bits 2, 2:1, 2:0). */
  invalidateDevice(did: number, sid: number, fm: number): number {
    const ignore = [0, 4, 6, 7][fm & 3];
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.sid[i] >= 0 && this.did[i] === did && (this.sid[i] & ~ignore) === (sid & ~ignore)) {
        this.drop(i);
        n++;
      }
    }
    return n;
  }

  get occupancy(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.sid[i] >= 0) n++;
    return n;
  }

  save(): ContextCacheEntryState[] {
    const out: ContextCacheEntryState[] = [];
    for (let i = 0; i < this.size; i++) {
      if (this.sid[i] < 0) continue;
      out.push({ sid: this.sid[i], did: this.did[i], levels: this.levels[i], asr: this.asr[i], tt: this.tt[i], fpd: this.fpd[i] === 1, limit: this.limit[i], lru: this.lru[i] });
    }
    return out.sort((a, b) => a.lru - b.lru);
  }

  /** Refills from a snapshot; entries beyond this cache's size are dropped (oldest first). */
  restore(entries: readonly ContextCacheEntryState[]): void {
    this.invalidateAll();
    this.clock = 0;
    const sorted = [...entries].sort((a, b) => a.lru - b.lru).slice(-this.size);
    for (const e of sorted) {
      this.lru[this.insert(e.sid, e)] = e.lru;
      this.clock = Math.max(this.clock, e.lru);
    }
  }
}
