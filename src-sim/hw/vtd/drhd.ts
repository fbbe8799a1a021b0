/**
 * The chipset's remapping units as its DMAR table declares them: one IntelIommu per DRHD,
 * named dmar0, dmar1, … in table order (as Linux names them), CAP/ECAP chosen from the host
 * description, and the lookup from a device to the unit that translates its DMA (the DRHD
 * whose scope claims it, else the include-all unit of its segment — Linux's
 * dmar_find_matched_drhd_unit()). The platform maps each unit's register page at its
 * registerBase; the unit itself only ever sees offsets.
 */
import type { Tracer } from '../../engine/index.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import { findDrhd, type BridgeLookup } from '../acpi/dmar-scope.ts';
import type { DmarDrhd, DmarTable } from '../acpi/dmar-table.ts';
import type { PhysicalMemory } from '../memory/phys-mem.ts';
import { chooseCapabilities, type VtdUnitDescription } from './cap.ts';
import type { FaultEventSink } from './fault.ts';
import { IntelIommu } from './iommu.ts';

export interface RemappingUnitsOptions {
  mem: PhysicalMemory;
  tracer?: Tracer;
  /** Profile and overrides for every unit; `perUnit` refines one unit (e.g. a graphics DRHD). */
  description?: Omit<VtdUnitDescription, 'hostAddressWidthBits'>;
  perUnit?: (drhd: DmarDrhd, index: number) => Omit<VtdUnitDescription, 'hostAddressWidthBits'> | undefined;
  iotlbEntries?: number;
  contextCacheEntries?: number;
  faultEventSink?: FaultEventSink;
}

export interface RemappingUnit {
  drhd: DmarDrhd;
  /** MMIO address of the register page. */
  registerBase: number;
  unit: IntelIommu;
}

export function createRemappingUnits(table: DmarTable, opts: RemappingUnitsOptions): RemappingUnit[] {
  const hawBits = table.hostAddressWidth + 1;
  const drhds = table.structures.filter((s): s is DmarDrhd => s.type === 'DRHD');
  return drhds.map((drhd, i) => {
    const desc = { ...opts.description, ...opts.perUnit?.(drhd, i), hostAddressWidthBits: hawBits };
    const unit = new IntelIommu({
      id: `dmar${i}`,
      mem: opts.mem,
      caps: chooseCapabilities(desc),
      hostAddressWidthBits: hawBits,
      tracer: opts.tracer,
      iotlbEntries: opts.iotlbEntries,
      contextCacheEntries: opts.contextCacheEntries,
      faultEventSink: opts.faultEventSink,
    });
    return { drhd, registerBase: Number(BigInt(drhd.registerBase)), unit };
  });
}

/** The unit that translates DMA from `bdf`, or undefined when no DRHD covers it. */
export function remappingUnitFor(units: readonly RemappingUnit[], table: DmarTable, bdf: Bdf, lookup: BridgeLookup): RemappingUnit | undefined {
  const match = findDrhd(table, bdf, lookup);
  return match ? units.find((u) => u.drhd === match.drhd) : undefined;
}
