/**
 * The second-level page walk (VT-d spec v1.x §3.6 and §9.3; QEMU vtd_iova_to_slpte(), Xen
 * 2007 addr_to_dma_pte() read the other way round): 2 to 5 levels of 512 64-bit entries, the
 * level count from the context entry's AW. Every entry on the path must grant the permission
 * the request needs (R for reads, W for writes); an entry is "not present" when R = W = 0, which
 * is the same fault (05h/06h). Reserved bits in an entry that grants access → 0Ch; an entry
 * pointer outside RAM → 07h. Super-pages (SP, bit 7) end the walk at level 2 (2 MiB) or 3
 * (1 GiB) only when CAP.SLLPS allows them; otherwise bit 7 is reserved there.
 *
 * Fast path: no allocation; the caller passes a reusable `WalkResult`.
 */
import type { PhysicalMemory } from '../memory/phys-mem.ts';
import { VTD_FR_PAGING_ENTRY_INV, VTD_FR_PAGING_ENTRY_RSVD, VTD_FR_READ, VTD_FR_WRITE, addressHiMask } from './dmar-regs.ts';
import type { VtdCapabilities } from './cap.ts';

export interface WalkResult {
  /** Host page number of the 4 KiB page that holds the address. */
  hpfn: number;
  /** Effective permission (bit 0 R, bit 1 W): the AND of every entry on the path. */
  perm: number;
  /** Level of the leaf (1 for a 4 KiB page, 2 for 2 MiB, 3 for 1 GiB). */
  leafLevel: number;
  /** Entries read (for statistics and the page-table inspector). */
  reads: number;
}

export function newWalkResult(): WalkResult {
  return { hpfn: 0, perm: 0, leafLevel: 0, reads: 0 };
}

/** Reserved-bit masks per level (index = level, 1..6), from HAW and the unit's capabilities. */
export interface PagingRules {
  rsvdLo: Int32Array;
  rsvdHi: Int32Array;
  /** 1 where a level-L entry with SP=1 is a super-page leaf. */
  superPage: Uint8Array;
  addrHiMask: number;
}

const PTE_SP = 1 << 7;
const PTE_SNP = 1 << 11;

export function pagingRules(c: VtdCapabilities, hawBits: number): PagingRules {
  const addrHiMask = addressHiMask(hawBits);
  const rsvdLo = new Int32Array(7);
  const rsvdHi = new Int32Array(7);
  const superPage = new Uint8Array(7);
  for (let level = 1; level <= 6; level++) {
    // Bits 51:HAW of the address field; bits 63:52 are ignored (62 is TM, device-IOTLB only).
    rsvdHi[level] = 0x000fffff & ~addrHiMask;
    let lo = c.ecap.sc ? 0 : PTE_SNP;
    const sp = (level === 2 && (c.cap.sllps & 1) !== 0) || (level === 3 && (c.cap.sllps & 2) !== 0);
    if (level > 1 && !sp) lo |= PTE_SP;
    superPage[level] = sp ? 1 : 0;
    rsvdLo[level] = lo;
  }
  return { rsvdLo, rsvdHi, superPage, addrHiMask };
}

/** 2^(9·(level−1)): divides a page number down to a level's index. */
const LEVEL_DIV = [0, 1, 512, 262144, 134217728, 68719476736, 35184372088832];

/**
 * Walks the tables rooted at `asr` for page `pfn` of a DMA request. Returns 0 with `out`
 * filled, or the fault reason.
 */
export function walkSecondLevel(mem: PhysicalMemory, rules: PagingRules, asr: number, levels: number, pfn: number, write: boolean, out: WalkResult): number {
  const need = write ? 2 : 1;
  let table = asr;
  let perm = 3;
  out.reads = 0;
  for (let level = levels; level >= 1; level--) {
    const ea = table + 8 * ((level === 1 ? pfn : pfn / LEVEL_DIV[level]) & 511);
    if (!mem.contains(ea, 8)) return VTD_FR_PAGING_ENTRY_INV;
    const lo = mem.readU32(ea);
    const hi = mem.readU32(ea + 4);
    out.reads++;
    if ((lo & need) === 0) return write ? VTD_FR_WRITE : VTD_FR_READ;
    perm &= lo;
    const leaf = level === 1 || ((lo & PTE_SP) !== 0 && rules.superPage[level] === 1);
    // A super-page's frame must be aligned to its size: lower address bits are reserved.
    const spRsvd = leaf && level > 1 ? (level === 2 ? 0x1ff000 : 0x3ffff000) : 0;
    if ((lo & (rules.rsvdLo[level] | spRsvd)) !== 0 || (hi & rules.rsvdHi[level]) !== 0) return VTD_FR_PAGING_ENTRY_RSVD;
    const next = (hi & rules.addrHiMask) * 0x1_0000_0000 + ((lo & 0xfffff000) >>> 0);
    if (leaf) {
      out.hpfn = next / 4096 + (level === 1 ? 0 : level === 2 ? pfn & 511 : pfn & 0x3ffff);
      out.perm = perm & 3;
      out.leafLevel = level;
      return 0;
    }
    table = next;
  }
  return VTD_FR_PAGING_ENTRY_INV;
}
