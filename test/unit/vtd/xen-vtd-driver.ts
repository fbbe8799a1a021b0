/**
 * Test driver: programs a remapping unit only through its register page and host memory, the
 * way Xen 2007's intel-iommu.c does (iommu_set_root_entry, __iommu_flush_context,
 * __iommu_flush_iotlb, iommu_enable_translation, domain_context_mapping_one, addr_to_dma_pte).
 * 64-bit registers are written as two dwords, low first; commands are polled until done.
 */
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
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
  IntelIommu,
  capabilitiesFromHex,
  decodeCap,
  decodeEcap,
  type VtdCap,
  type VtdCapabilities,
  type VtdEcap,
} from '../../../src-sim/hw/vtd/index.ts';

export const MEM_SIZE = 0x4000_0000; // 1 GiB of host RAM
export const PERM_R = 1;
export const PERM_W = 2;

/** The register page as a device on the bus sees it: offsets only. */
export interface Mmio {
  read(offset: number, size: 4): number;
  write(offset: number, size: 4, value: number): void;
}

export function q35Caps(over: { cap?: Partial<VtdCap>; ecap?: Partial<VtdEcap> } = {}): VtdCapabilities {
  const c = capabilitiesFromHex('c9008020e30260', '1000');
  return { cap: { ...c.cap, ...over.cap }, ecap: { ...c.ecap, ...over.ecap } };
}

export function x58Caps(): VtdCapabilities {
  return capabilitiesFromHex('c90780106f0462', 'f020fe');
}

export interface Bench {
  mem: PhysicalMemory;
  unit: IntelIommu;
  xen: XenVtdDriver;
  messages: [number, number][];
}

/** A host with one unit (default: the Q35 unit, 36-bit host) and a fault-event recorder. */
export function makeHost(caps: VtdCapabilities = q35Caps(), opts: { hawBits?: number; iotlbEntries?: number; contextCacheEntries?: number } = {}): Bench {
  const mem = new PhysicalMemory(MEM_SIZE);
  const messages: [number, number][] = [];
  const unit = new IntelIommu({
    id: 'dmar0',
    mem,
    caps,
    hostAddressWidthBits: opts.hawBits ?? 36,
    iotlbEntries: opts.iotlbEntries,
    contextCacheEntries: opts.contextCacheEntries,
    faultEventSink: (address, data) => messages.push([address, data]),
  });
  return { mem, unit, xen: new XenVtdDriver(unit, mem), messages };
}

export class XenVtdDriver {
  /** Xen's shadow of the persistent GCMD bits (iommu->gcmd). */
  gcmd = 0;
  private nextFree = 0x0010_0000;
  root = 0;
  readonly cap: VtdCap;
  readonly ecap: VtdEcap;

  constructor(
    readonly mmio: Mmio,
    readonly mem: PhysicalMemory,
  ) {
    this.cap = decodeCap(mmio.read(0x08, 4), mmio.read(0x0c, 4));
    this.ecap = decodeEcap(mmio.read(0x10, 4));
  }

  /** A zeroed 4 KiB page of host memory (alloc_xenheap_page + memset). */
  allocPage(): number {
    const p = this.nextFree;
    this.nextFree += 0x1000;
    return p;
  }

  write64(offset: number, value: number): void {
    this.mmio.write(offset, 4, value % 0x1_0000_0000);
    this.mmio.write(offset + 4, 4, Math.floor(value / 0x1_0000_0000));
  }

  private poll(offset: number, mask: number, want: number): void {
    for (let i = 0; i < 1000; i++) if ((this.mmio.read(offset, 4) & mask) >>> 0 === want >>> 0) return;
    throw new Error(`register 0x${offset.toString(16)} never reached ${want.toString(16)} under mask ${mask.toString(16)}`);
  }

  /** iommu_set_root_entry: RTADDR, then GCMD = gcmd | SRTP, spin on RTPS. */
  setRootTable(addr = this.allocPage()): number {
    this.root = addr;
    this.write64(DMAR_RTADDR_REG, addr);
    this.mmio.write(DMAR_GCMD_REG, 4, this.gcmd | DMA_GCMD_SRTP);
    this.poll(DMAR_GSTS_REG, DMA_GCMD_SRTP, DMA_GCMD_SRTP);
    return addr;
  }

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
    if (granularity === 3) this.write64(iro, addr + (ih ? 0x40 : 0) + am);
    const dw = this.cap.dwd ? 1 << 16 : 0;
    this.mmio.write(iro + 8, 4, 0);
    this.mmio.write(iro + 12, 4, ((1 << 31) | (granularity << 28) | dw | did) >>> 0);
    this.poll(iro + 12, 1 << 31, 0);
    return (this.mmio.read(iro + 12, 4) >>> 25) & 3;
  }

  /** iommu_flush_all: global context cache, then global IOTLB. */
  flushAll(): void {
    this.flushContext(1);
    this.flushIotlb(1);
  }

  /** Fault event MSI as Xen 2007 programs it, then unmasked (FECTL = 0). */
  setupFaultEvent(vector: number, apicId: number, masked = false): void {
    this.mmio.write(DMAR_FEDATA_REG, 4, vector | 0x4000);
    this.mmio.write(DMAR_FEADDR_REG, 4, (0xfee00000 | (apicId << 12)) >>> 0);
    this.mmio.write(DMAR_FEUADDR_REG, 4, 0);
    this.mmio.write(DMAR_FECTL_REG, 4, masked ? 0x80000000 : 0);
  }

  /** Root entry for `bus` → context table (allocated on first use), as device_to_context_entry. */
  contextTable(bus: number): number {
    const at = this.root + 16 * bus;
    const lo = this.mem.readU32(at);
    if (lo & 1) return lo & 0xfffff000;
    const ctp = this.allocPage();
    this.mem.writeU64(at, ctp + 1);
    return ctp;
  }

  /** domain_context_mapping_one: DID, AW, T, ASR, FPD, P. */
  mapContext(sid: number, ctx: { did: number; aw: number; asr: number; tt?: number; fpd?: boolean }): number {
    const entry = this.contextTable(sid >> 8) + 16 * (sid & 0xff);
    this.mem.writeU64(entry, ctx.asr + ((ctx.tt ?? 0) << 2) + (ctx.fpd ? 2 : 0) + 1);
    this.mem.writeU64(entry + 8, ctx.did * 256 + ctx.aw);
    return entry;
  }

  /** A new (empty) second-level top table. */
  newDomainTable(): number {
    return this.allocPage();
  }

  /** addr_to_dma_pte + leaf write: non-leaf entries R|W, leaf hpa | perm. Returns the leaf's address. */
  mapPage(asr: number, levels: number, iova: number, hpa: number, perm: number): number {
    let table = asr;
    const pfn = Math.floor(iova / 4096);
    for (let level = levels; level > 1; level--) {
      const at = table + 8 * (Math.floor(pfn / 2 ** (9 * (level - 1))) % 512);
      let next = this.mem.readU64(at);
      if ((next & 3) === 0) {
        next = this.allocPage() + 3;
        this.mem.writeU64(at, next);
      }
      table = next - (next % 4096);
    }
    const leaf = table + 8 * (pfn % 512);
    this.mem.writeU64(leaf, hpa + perm);
    return leaf;
  }

  /** Reads fault record `i` back as Xen's iommu_page_fault does (dwords +0, +8, +C). */
  faultRecord(i: number): { fault: boolean; reason: number; read: boolean; sid: number; addr: number } {
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
