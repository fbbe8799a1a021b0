/**
 * Which remapping unit (DRHD) translates a PCI device, and which RMRRs name it: the rule of
 * the VT-d spec §8.3 as Linux's dmar_find_matched_drhd_unit() applies it (modern behaviour;
 * Xen 2007's flat-list quirks are the hypervisor model's business, not the table's).
 *
 * Scope paths are walked through bridges: from the start bus, every hop but the last names a
 * bridge whose secondary bus is the next bus (config offset 0x19); the last hop names the
 * device. A bridge scope covers the bridge and every bus from its secondary to its subordinate.
 * A device is claimed by the first non-include-all DRHD of its segment with a matching scope,
 * else by its segment's INCLUDE_PCI_ALL DRHD, else by none (its DMA is not remapped).
 */
import { formatBdf } from '../../../src-shared/units/bdf.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import { DRHD_FLAG_INCLUDE_PCI_ALL, type DmarDeviceScope, type DmarDrhd, type DmarRmrr, type DmarTable } from './dmar-table.ts';

/** The bus numbers a bridge forwards, as its type-1 config header says. */
export interface BridgeBuses {
  secondary: number;
  subordinate: number;
}

/** What resolution needs of the PCI tree: the bridge at an address, if there is one. */
export type BridgeLookup = (segment: number, bus: number, device: number, fn: number) => BridgeBuses | undefined;

export type ScopeTarget =
  | { ok: true; bdf: Bdf; buses?: BridgeBuses }
  | { ok: false; reason: string };

const at = (bus: number, device: number, fn: number): string => formatBdf({ segment: 0, bus, device, fn }, false);

/** The device a PCI scope names (and, for a bridge scope, the buses below it). */
export function resolveScope(scope: DmarDeviceScope, segment: number, lookup: BridgeLookup): ScopeTarget {
  if (scope.type !== 'endpoint' && scope.type !== 'bridge') return { ok: false, reason: `${scope.type} scope names no PCI device to remap` };
  if (scope.path.length === 0) return { ok: false, reason: 'empty path' };
  let bus = scope.startBus;
  for (let i = 0; i < scope.path.length - 1; i++) {
    const [d, f] = scope.path[i];
    const bridge = lookup(segment, bus, d, f);
    if (!bridge) return { ok: false, reason: `path hop ${at(bus, d, f)} is not a bridge` };
    bus = bridge.secondary;
  }
  const [device, fn] = scope.path[scope.path.length - 1];
  const bdf: Bdf = { segment, bus, device, fn };
  if (scope.type === 'endpoint') return { ok: true, bdf };
  const buses = lookup(segment, bus, device, fn);
  if (!buses) return { ok: false, reason: `bridge scope names ${at(bus, device, fn)}, which is not a bridge` };
  return { ok: true, bdf, buses };
}

/** Whether `scope` (in a structure of `segment`) covers device `bdf`. */
export function scopeCovers(scope: DmarDeviceScope, segment: number, bdf: Bdf, lookup: BridgeLookup): boolean {
  if (segment !== bdf.segment) return false;
  const t = resolveScope(scope, segment, lookup);
  if (!t.ok) return false;
  if (t.bdf.bus === bdf.bus && t.bdf.device === bdf.device && t.bdf.fn === bdf.fn) return true;
  return t.buses !== undefined && bdf.bus >= t.buses.secondary && bdf.bus <= t.buses.subordinate;
}

export interface DrhdMatch {
  /** Index of the DRHD in `table.structures`. */
  index: number;
  drhd: DmarDrhd;
  /** Whether the device fell through to the include-all unit. */
  viaIncludeAll: boolean;
}

/** The DRHD whose unit translates DMA from `bdf`, or undefined (not remapped). */
export function findDrhd(table: DmarTable, bdf: Bdf, lookup: BridgeLookup): DrhdMatch | undefined {
  let includeAll: DrhdMatch | undefined;
  for (let index = 0; index < table.structures.length; index++) {
    const s = table.structures[index];
    if (s.type !== 'DRHD' || s.segment !== bdf.segment) continue;
    if (s.flags & DRHD_FLAG_INCLUDE_PCI_ALL) {
      includeAll ??= { index, drhd: s, viaIncludeAll: true };
      continue;
    }
    if (s.scopes.some((sc) => scopeCovers(sc, s.segment, bdf, lookup))) return { index, drhd: s, viaIncludeAll: false };
  }
  return includeAll;
}

/** RMRRs whose scope names `bdf`: regions that must stay identity-mapped for it. */
export function rmrrsFor(table: DmarTable, bdf: Bdf, lookup: BridgeLookup): DmarRmrr[] {
  return table.structures.filter((s): s is DmarRmrr => s.type === 'RMRR' && s.scopes.some((sc) => scopeCovers(sc, s.segment, bdf, lookup)));
}

/** The DRHDs of a table (the remapping units to build), in table order. */
export function drhdUnits(table: DmarTable): DmarDrhd[] {
  return table.structures.filter((s): s is DmarDrhd => s.type === 'DRHD');
}
