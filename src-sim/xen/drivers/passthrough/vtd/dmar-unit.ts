/**
 * One remapping unit as Xen's driver holds it (`struct iommu`, 2007 intel-iommu.c; 3.3+
 * drivers/passthrough/vtd/iommu.c): its register page reached through MMIO, the CAP/ECAP it
 * cached at `iommu_alloc`, the shadow of the persistent GCMD bits, and the register-level
 * operations — iommu_set_root_entry, __iommu_flush_context, __iommu_flush_iotlb,
 * iommu_flush_write_buffer, iommu_enable_translation, the fault-event MSI and fault records,
 * device_to_context_entry and domain_context_mapping_one. Xen programs the hardware only
 * through these registers and the tables in machine memory.
 *
 * 64-bit registers are written as two dwords, low first (the 2007 code's dmar_writeq); commands
 * are polled until the hardware reports completion.
 */
import type { PhysicalMemory } from '../../../../hw/memory/phys-mem.ts';
import {
  DMAR_CCMD_REG,
  DMAR_FEADDR_REG,
  DMAR_FEDATA_REG,
  DMAR_FECTL_REG,
  DMAR_FEUADDR_REG,
  DMAR_FSTS_REG,
  DMAR_GCMD_REG,
  DMAR_GSTS_REG,
  DMAR_RTADDR_REG,
  DMA_GCMD_SRTP,
  DMA_GCMD_TE,
  DMA_GCMD_WBF,
  decodeCap,
  decodeEcap,
  type VtdCap,
  type VtdEcap,
} from '../../../../hw/vtd/index.ts';
import type { PageSource } from '../../../common/page_alloc.ts';
import { dmaPteMap } from './dma-pte.ts';

/** The register page as Xen's fixmap sees it: offsets only. */
export interface RegisterWindow {
  read(offset: number, size: 4): number;
  write(offset: number, size: 4, value: number): void;
}

/** Context-cache and IOTLB invalidation granularities (CIRG / IIRG encodings). */
export const FLUSH_GLOBAL = 1;
export const FLUSH_DOMAIN = 2;
export const FLUSH_DEVICE = 3;
export const FLUSH_PAGE = 3;

export interface ContextEntry {
  did: number;
  /** AGAW code: 0 → 2 levels, 1 → 3, 2 → 4. */
  aw: number;
  asr: number;
  tt?: number;
  fpd?: boolean;
}

export interface FaultRecord {
  fault: boolean;
  reason: number;
  read: boolean;
  sid: number;
  addr: number;
}

/** Polls give up after this many reads: Xen panics "DMAR hardware is malfunctional". */
const POLL_LIMIT = 1000;

export class DmarUnitTimeout extends Error {}

export class DmarUnit {
  /** Xen's shadow of the persistent GCMD bits (iommu->gcmd). */
  gcmd = 0;
  /** Root table machine address (0 until iommu_set_root_entry). */
  root = 0;
  readonly cap: VtdCap;
  readonly ecap: VtdEcap;

  constructor(
    readonly mmio: RegisterWindow,
    readonly mem: PhysicalMemory,
    readonly pages: PageSource,
    /** The DRHD's register base, for log lines (`iommu->reg`). */
    readonly registerBase = 0,
  ) {
    this.cap = decodeCap(mmio.read(0x08, 4), mmio.read(0x0c, 4));
    this.ecap = decodeEcap(mmio.read(0x10, 4));
  }

  allocPage(): number {
    return this.pages.allocPage();
  }

  write64(offset: number, value: number): void {
    this.mmio.write(offset, 4, value % 0x1_0000_0000);
    this.mmio.write(offset + 4, 4, Math.floor(value / 0x1_0000_0000));
  }

  private poll(offset: number, mask: number, want: number): void {
    for (let i = 0; i < POLL_LIMIT; i++) if ((this.mmio.read(offset, 4) & mask) >>> 0 === want >>> 0) return;
    throw new DmarUnitTimeout(`DMAR hardware is malfunctional, please disable IOMMU (register 0x${offset.toString(16)} never reached ${want.toString(16)} under mask ${mask.toString(16)})`);
  }

  /** iommu_set_root_entry: RTADDR, then GCMD = gcmd | SRTP, spin on RTPS. */
  setRootTable(addr = this.allocPage()): number {
    this.root = addr;
    this.write64(DMAR_RTADDR_REG, addr);
    this.mmio.write(DMAR_GCMD_REG, 4, this.gcmd | DMA_GCMD_SRTP);
    this.poll(DMAR_GSTS_REG, DMA_GCMD_SRTP, DMA_GCMD_SRTP);
    return addr;
  }

  /** iommu_enable_translation: set TE in the shadow, write it, spin on TES. */
  enableTranslation(): void {
    this.gcmd |= DMA_GCMD_TE;
    this.mmio.write(DMAR_GCMD_REG, 4, this.gcmd);
    this.poll(DMAR_GSTS_REG, DMA_GCMD_TE, DMA_GCMD_TE);
  }

  disableTranslation(): void {
    this.gcmd &= ~DMA_GCMD_TE;
    this.mmio.write(DMAR_GCMD_REG, 4, this.gcmd);
    this.poll(DMAR_GSTS_REG, DMA_GCMD_TE, 0);
  }

  get translating(): boolean {
    return (this.mmio.read(DMAR_GSTS_REG, 4) & DMA_GCMD_TE) !== 0;
  }

  /** iommu_flush_write_buffer: only when CAP.RWBF asks for it (callers check). */
  writeBufferFlush(): void {
    this.mmio.write(DMAR_GCMD_REG, 4, this.gcmd | DMA_GCMD_WBF);
    this.poll(DMAR_GSTS_REG, DMA_GCMD_WBF, 0);
  }

  /** __iommu_flush_context: returns CAIG. granularity 1 global, 2 domain, 3 device. */
  flushContext(granularity: number, did = 0, sid = 0, fm = 0): number {
    this.mmio.write(DMAR_CCMD_REG, 4, ((sid << 16) | did) >>> 0);
    this.mmio.write(DMAR_CCMD_REG + 4, 4, ((1 << 31) | (granularity << 29) | fm) >>> 0);
    this.poll(DMAR_CCMD_REG + 4, 1 << 31, 0);
    return (this.mmio.read(DMAR_CCMD_REG + 4, 4) >>> 27) & 3;
  }

  /** __iommu_flush_iotlb: returns IAIG. granularity 1 global, 2 DSI, 3 PSI (IVA = addr | ih | am). */
  flushIotlb(granularity: number, did = 0, addr = 0, am = 0, ih = false): number {
    const iro = this.ecap.iroOffset;
    if (granularity === FLUSH_PAGE) this.write64(iro, addr + (ih ? 0x40 : 0) + am);
    const dw = this.cap.dwd ? 1 << 16 : 0;
    this.mmio.write(iro + 8, 4, 0);
    this.mmio.write(iro + 12, 4, ((1 << 31) | (granularity << 28) | dw | did) >>> 0);
    this.poll(iro + 12, 1 << 31, 0);
    return (this.mmio.read(iro + 12, 4) >>> 25) & 3;
  }

  /**
   * iommu_flush_iotlb_psi: page-selective for `pages` pages at `addr`, falling back to a
   * domain-selective flush when the unit has no PSI or the mask would exceed CAP.MAMV.
   */
  flushIotlbPages(did: number, addr: number, pages: number): number {
    const first = Math.floor(addr / 0x1000);
    let am = 0;
    while (Math.floor(first / 2 ** am) !== Math.floor((first + pages - 1) / 2 ** am)) am++;
    if (!this.cap.psi || am > this.cap.mamv) return this.flushIotlb(FLUSH_DOMAIN, did);
    const aligned = Math.floor(first / 2 ** am) * 2 ** am * 0x1000;
    return this.flushIotlb(FLUSH_PAGE, did, aligned, am);
  }

  /** iommu_flush_all: global context cache, then global IOTLB. */
  flushAll(): void {
    this.flushContext(FLUSH_GLOBAL);
    this.flushIotlb(FLUSH_GLOBAL);
  }

  /** The fault-event MSI as Xen 2007 programs it (dma_msi_set_affinity), then unmasked (FECTL = 0). */
  setupFaultEvent(vector: number, apicId: number, masked = false): void {
    this.mmio.write(DMAR_FEDATA_REG, 4, vector | 0x4000);
    this.mmio.write(DMAR_FEADDR_REG, 4, (0xfee00000 | (apicId << 12)) >>> 0);
    this.mmio.write(DMAR_FEUADDR_REG, 4, 0);
    this.mmio.write(DMAR_FECTL_REG, 4, masked ? 0x80000000 : 0);
  }

  /** device_to_context_entry: the context table of `bus`, allocated on first use. */
  contextTable(bus: number): number {
    const at = this.root + 16 * bus;
    const lo = this.mem.readU32(at);
    if (lo & 1) return lo & 0xfffff000;
    const ctp = this.allocPage();
    this.mem.writeU64(at, ctp + 1);
    return ctp;
  }

  /** The context entry's address for `sid`. */
  contextEntryAddress(sid: number): number {
    return this.contextTable(sid >> 8) + 16 * (sid & 0xff);
  }

  /** domain_context_mapping_one's entry write: DID, AW, T, ASR, FPD, P. */
  mapContext(sid: number, ctx: ContextEntry): number {
    const entry = this.contextEntryAddress(sid);
    this.mem.writeU64(entry, ctx.asr + ((ctx.tt ?? 0) << 2) + (ctx.fpd ? 2 : 0) + 1);
    this.mem.writeU64(entry + 8, ctx.did * 256 + ctx.aw);
    return entry;
  }

  /** The context entry for `sid` as written in memory, or undefined when not present. */
  readContext(sid: number): ContextEntry | undefined {
    const rootLo = this.mem.readU32(this.root + 16 * (sid >> 8));
    if (!(rootLo & 1)) return undefined;
    const entry = (rootLo & 0xfffff000) + 16 * (sid & 0xff);
    const lo = this.mem.readU64(entry);
    if (!(lo & 1)) return undefined;
    const hi = this.mem.readU64(entry + 8);
    return { did: Math.floor(hi / 256) & 0xffff, aw: hi & 7, asr: lo - (lo % 0x1000), tt: (lo >> 2) & 3, fpd: (lo & 2) !== 0 };
  }

  /** Clears the context entry for `sid` (domain_context_unmap_one's write). */
  clearContext(sid: number): void {
    const rootLo = this.mem.readU32(this.root + 16 * (sid >> 8));
    if (!(rootLo & 1)) return;
    const entry = (rootLo & 0xfffff000) + 16 * (sid & 0xff);
    this.mem.writeU64(entry, 0);
    this.mem.writeU64(entry + 8, 0);
  }

  /** A new (empty) second-level top table. */
  newDomainTable(): number {
    return this.allocPage();
  }

  /** addr_to_dma_pte + leaf write: non-leaf entries R|W, leaf hpa | perm. Returns the leaf's address. */
  mapPage(asr: number, levels: number, iova: number, hpa: number, perm: number): number {
    return dmaPteMap(this.mem, this.pages, asr, levels, iova, hpa, perm);
  }

  /** Reads fault record `i` back as Xen's iommu_page_fault does (dwords +0, +8, +C). */
  faultRecord(i: number): FaultRecord {
    const base = this.cap.froOffset + 16 * i;
    const top = this.mmio.read(base + 12, 4);
    return {
      fault: (top & 0x80000000) !== 0,
      reason: top & 0xff,
      read: (top & 0x40000000) !== 0,
      sid: this.mmio.read(base + 8, 4) & 0xffff,
      addr: this.mmio.read(base + 4, 4) * 0x1_0000_0000 + this.mmio.read(base, 4),
    };
  }

  clearFaultRecord(i: number): void {
    this.mmio.write(this.cap.froOffset + 16 * i + 12, 4, 0x80000000);
  }

  fsts(): number {
    return this.mmio.read(DMAR_FSTS_REG, 4);
  }
}
