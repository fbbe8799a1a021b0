/**
 * The IOTLB: cached leaf translations tagged by (domain id, page), as VT-d spec v1.x §6.1
 * describes and QEMU's vtd_lookup_iotlb()/vtd_update_iotlb() model. It keeps a stale entry
 * until software invalidates it (global, domain-selective or page-selective through the IOTLB
 * registers), which is the behaviour Xen 2007 depended on — and sometimes forgot.
 *
 * Organisation (documented, configurable): `entries` slots (a power of two) in sets of up to
 * 8 ways, the set chosen by (page number XOR domain id); least-recently-used replacement
 * within a set. Entries are 4 KiB pages, also when the walk ended in a super-page leaf (one
 * entry per 4 KiB page touched). Non-leaf (paging-structure) caches are not modelled, so the
 * PSI invalidation hint IH changes nothing. Typed arrays, no allocation per lookup.
 */

export const IOTLB_PERM_R = 1;
export const IOTLB_PERM_W = 2;

export interface IotlbEntryState {
  did: number;
  /** Page number of the DMA address. */
  pfn: number;
  /** Host page number it translates to. */
  hpfn: number;
  /** IOTLB_PERM_R | IOTLB_PERM_W: effective permission along the walk. */
  perm: number;
  lru: number;
}

export class Iotlb {
  readonly ways: number;
  private readonly setMask: number;
  /** Domain id of each slot, -1 when empty. */
  readonly didTag: Int32Array;
  readonly pfnTag: Float64Array;
  readonly hpfn: Float64Array;
  readonly perm: Uint8Array;
  private readonly lru: Float64Array;
  private clock = 0;

  constructor(readonly entries: number) {
    if (!Number.isInteger(entries) || entries < 1 || (entries & (entries - 1)) !== 0 || entries > 1 << 16) {
      throw new RangeError(`IOTLB size ${entries} must be a power of two from 1 to 65536`);
    }
    this.ways = Math.min(8, entries);
    this.setMask = entries / this.ways - 1;
    this.didTag = new Int32Array(entries).fill(-1);
    this.pfnTag = new Float64Array(entries);
    this.hpfn = new Float64Array(entries);
    this.perm = new Uint8Array(entries);
    this.lru = new Float64Array(entries);
  }

  /** Slot caching (did, pfn), refreshed as most recently used, or -1. */
  lookup(did: number, pfn: number): number {
    const base = ((pfn ^ did) & this.setMask) * this.ways;
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      if (this.pfnTag[i] === pfn && this.didTag[i] === did) {
        this.lru[i] = ++this.clock;
        return i;
      }
    }
    return -1;
  }

  insert(did: number, pfn: number, hpfn: number, perm: number): number {
    const base = ((pfn ^ did) & this.setMask) * this.ways;
    let slot = base;
    for (let i = base; i < base + this.ways; i++) {
      if (this.didTag[i] === did && this.pfnTag[i] === pfn) {
        slot = i;
        break;
      }
      if (this.didTag[i] < 0) {
        if (this.didTag[slot] >= 0) slot = i;
      } else if (this.didTag[slot] >= 0 && this.lru[i] < this.lru[slot]) slot = i;
    }
    this.didTag[slot] = did;
    this.pfnTag[slot] = pfn;
    this.hpfn[slot] = hpfn;
    this.perm[slot] = perm;
    this.lru[slot] = ++this.clock;
    return slot;
  }

  invalidateAll(): number {
    let n = 0;
    for (let i = 0; i < this.entries; i++) {
      if (this.didTag[i] >= 0) {
        this.didTag[i] = -1;
        n++;
      }
    }
    return n;
  }

  invalidateDomain(did: number): number {
    let n = 0;
    for (let i = 0; i < this.entries; i++) {
      if (this.didTag[i] === did) {
        this.didTag[i] = -1;
        n++;
      }
    }
    return n;
  }

  /** Page-selective: the 2^am pages starting at `pfn` (already aligned by the caller). */
  invalidatePages(did: number, pfn: number, am: number): number {
    const end = pfn + 2 ** am;
    let n = 0;
    for (let i = 0; i < this.entries; i++) {
      if (this.didTag[i] === did && this.pfnTag[i] >= pfn && this.pfnTag[i] < end) {
        this.didTag[i] = -1;
        n++;
      }
    }
    return n;
  }

  get occupancy(): number {
    let n = 0;
    for (let i = 0; i < this.entries; i++) if (this.didTag[i] >= 0) n++;
    return n;
  }

  save(): IotlbEntryState[] {
    const out: IotlbEntryState[] = [];
    for (let i = 0; i < this.entries; i++) {
      if (this.didTag[i] >= 0) out.push({ did: this.didTag[i], pfn: this.pfnTag[i], hpfn: this.hpfn[i], perm: this.perm[i], lru: this.lru[i] });
    }
    return out.sort((a, b) => a.lru - b.lru || a.did - b.did || a.pfn - b.pfn);
  }

  /** Refills from a snapshot in LRU order (a smaller IOTLB keeps the most recent entries). */
  restore(entries: readonly IotlbEntryState[]): void {
    this.invalidateAll();
    this.clock = 0;
    for (const e of [...entries].sort((a, b) => a.lru - b.lru)) {
      this.lru[this.insert(e.did, e.pfn, e.hpfn, e.perm)] = e.lru;
      this.clock = Math.max(this.clock, e.lru);
    }
  }
}
