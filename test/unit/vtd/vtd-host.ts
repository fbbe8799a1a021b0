/**
 * Test support: one remapping unit on a bare host (the Q35 unit by default), programmed by Xen's
 * own unit driver (src-sim/xen/drivers/passthrough/vtd/dmar-unit.ts) over a bump page source,
 * with a fault-event recorder.
 */
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { IntelIommu, capabilitiesFromHex, type VtdCap, type VtdCapabilities, type VtdEcap } from '../../../src-sim/hw/vtd/index.ts';
import { DmarUnit, type RegisterWindow } from '../../../src-sim/xen/drivers/passthrough/vtd/dmar-unit.ts';
import type { PageSource } from '../../../src-sim/xen/common/page_alloc.ts';

export { DMA_PTE_READ as PERM_R, DMA_PTE_WRITE as PERM_W } from '../../../src-sim/xen/drivers/passthrough/vtd/dma-pte.ts';
export { DmarUnit } from '../../../src-sim/xen/drivers/passthrough/vtd/dmar-unit.ts';

export const MEM_SIZE = 0x4000_0000; // 1 GiB of host RAM

export function q35Caps(over: { cap?: Partial<VtdCap>; ecap?: Partial<VtdEcap> } = {}): VtdCapabilities {
  const c = capabilitiesFromHex('c9008020e30260', '1000');
  return { cap: { ...c.cap, ...over.cap }, ecap: { ...c.ecap, ...over.ecap } };
}

export function x58Caps(): VtdCapabilities {
  return capabilitiesFromHex('c90780106f0462', 'f020fe');
}

/** Pages handed out upwards from 1 MiB (fresh memory reads as zero). */
export function bumpPages(from = 0x0010_0000): PageSource {
  let next = from;
  return {
    allocPage: () => {
      const p = next;
      next += 0x1000;
      return p;
    },
  };
}

/** Xen's driver for a unit reached through `mmio`, tables in `mem`. */
export function xenDriver(mmio: RegisterWindow, mem: PhysicalMemory, pages: PageSource = bumpPages()): DmarUnit {
  return new DmarUnit(mmio, mem, pages);
}

export interface Bench {
  mem: PhysicalMemory;
  unit: IntelIommu;
  xen: DmarUnit;
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
  return { mem, unit, xen: xenDriver(unit, mem), messages };
}
