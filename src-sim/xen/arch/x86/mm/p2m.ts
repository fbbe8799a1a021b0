/**
 * The physical-to-machine table of an HVM domain (xen/arch/x86/mm/p2m.c, 2007): a 4-level
 * x86-64 page table in machine memory translating guest frames to machine frames, with the
 * p2m type in the PTE's available bits 9-11 (`p2m_type_to_flags`). With VT-d the same table is
 * the domain's DMA-remapping table (`iommu_set_pgd`): PTE bit 0 (Present) reads as VT-d R, bit
 * 1 (RW) as W, so every p2m change is a DMA-mapping change.
 */
import type { PhysicalMemory } from '../../../../hw/memory/phys-mem.ts';
import type { PageSource } from '../../../common/page_alloc.ts';
import { addrToDmaPte, fillLeafEntries } from '../../../drivers/passthrough/vtd/dma-pte.ts';

export const P2M_INVALID = 0;
export const P2M_RAM_RW = 1;
export const P2M_RAM_LOGDIRTY = 2;
export const P2M_RAM_RO = 3;
export const P2M_MMIO_DM = 4;
export const P2M_MMIO_DIRECT = 5;
export type P2mType = 0 | 1 | 2 | 3 | 4 | 5;

const _PAGE_PRESENT = 0x001;
const _PAGE_RW = 0x002;
const _PAGE_USER = 0x004;
const _PAGE_PCD = 0x010;
const _PAGE_ACCESSED = 0x020;
const _PAGE_DIRTY = 0x040;
const P2M_BASE_FLAGS = _PAGE_PRESENT | _PAGE_USER | _PAGE_DIRTY | _PAGE_ACCESSED;
const LEVELS = 4;
const PAGE = 0x1000;
export const INVALID_MFN = -1;

/** p2m_type_to_flags. */
export function p2mTypeToFlags(t: P2mType): number {
  const flags = t << 9;
  switch (t) {
    case P2M_RAM_RW:
      return flags | P2M_BASE_FLAGS | _PAGE_RW;
    case P2M_RAM_LOGDIRTY:
    case P2M_RAM_RO:
      return flags | P2M_BASE_FLAGS;
    case P2M_MMIO_DIRECT:
      return flags | P2M_BASE_FLAGS | _PAGE_RW | _PAGE_PCD;
    default:
      return flags;
  }
}

export interface P2mEntry {
  mfn: number;
  type: P2mType;
}

export class P2m {
  /** Machine address of the L4 table (d->arch.phys_table). */
  readonly root: number;
  /** Told of every change to `count` entries from `gfn` (the shadow code drops its mappings of them). */
  onChange?: (gfn: number, count: number) => void;

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly pages: PageSource,
  ) {
    this.root = pages.allocPage();
    // The L3 under L4 slot 0 always exists: a 3-level VT-d table shares it (iommu_set_pgd).
    addrToDmaPte(mem, pages, this.root, 2, 0);
  }

  /** The L3 table under L4[0]: the VT-d root for a 3-level (39-bit) AGAW. */
  get l3(): number {
    const e = this.mem.readU64(this.root);
    return e - (e % PAGE);
  }

  /** set_p2m_entry: one gfn. */
  set(gfn: number, mfn: number, type: P2mType): void {
    const leaf = addrToDmaPte(this.mem, this.pages, this.root, LEVELS, gfn * PAGE)!;
    this.mem.writeU64(leaf, entryOf(mfn, type));
    this.onChange?.(gfn, 1);
  }

  /** Consecutive gfns to consecutive mfns (xc_hvm_build's populate_physmap result). */
  setRange(gfn: number, mfns: number[], type: P2mType): void {
    fillLeafEntries(this.mem, this.pages, this.root, LEVELS, gfn * PAGE, mfns.length, (i) => entryOf(mfns[i], type));
    this.onChange?.(gfn, mfns.length);
  }

  /** gfn_to_mfn: the entry, or undefined when nothing is mapped. */
  get(gfn: number): P2mEntry | undefined {
    const leaf = addrToDmaPte(this.mem, undefined, this.root, LEVELS, gfn * PAGE);
    if (leaf === undefined) return undefined;
    const e = this.mem.readU64(leaf);
    const type = (Math.floor(e / 512) & 7) as P2mType;
    if (!(e & _PAGE_PRESENT) && type === P2M_INVALID) return undefined;
    return { mfn: Math.floor(e / PAGE) % 2 ** 40, type };
  }

  clear(gfn: number): void {
    const leaf = addrToDmaPte(this.mem, undefined, this.root, LEVELS, gfn * PAGE);
    if (leaf !== undefined) this.mem.writeU64(leaf, 0);
    this.onChange?.(gfn, 1);
  }
}

function entryOf(mfn: number, type: P2mType): number {
  return mfn * PAGE + p2mTypeToFlags(type);
}
