/**
 * From firmware table to DMA: the seed host's DMAR table (binary) becomes one remapping unit
 * per DRHD; the E1000 at 02:00.0 falls to the include-all unit, which Xen programs, and a
 * frame written by the NIC lands where the domain's table says — while the graphics unit,
 * never enabled, passes the IGD's DMA through untranslated.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDmarParseError, parseDmar } from '../../../src-sim/hw/acpi/index.ts';
import { RemappedDmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { createRemappingUnits, remappingUnitFor } from '../../../src-sim/hw/vtd/index.ts';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { PERM_R, PERM_W, xenDriver } from './vtd-host.ts';
import { fixture } from '../../fixtures/paths.ts';

const table = parseDmar(new Uint8Array(readFileSync(fixture('dmar', 'vtdw-q35-desktop-e1000.aml'))));
if (isDmarParseError(table)) throw new Error(table.reason);
const tree = (_s: number, bus: number, d: number, f: number) => (bus === 0 && d === 0x1c && f === 0 ? { secondary: 2, subordinate: 2 } : undefined);

describe('remapping units built from the seed host DMAR table', () => {
  it('creates dmar0 at FED91000 and dmar1 at FED93000 with the Q35 capabilities (36-bit host)', () => {
    const units = createRemappingUnits(table, { mem: new PhysicalMemory(0x1000_0000) });
    expect(units.map((u) => [u.unit.unit, u.registerBase.toString(16), u.unit.read64(0x08).toString(16)])).toEqual([
      ['dmar0', 'fed91000', 'c9008020e30260'],
      ['dmar1', 'fed93000', 'c9008020e30260'],
    ]);
  });

  it('translates the NIC through the include-all unit once Xen has programmed it', () => {
    const mem = new PhysicalMemory(0x1000_0000);
    const units = createRemappingUnits(table, { mem });
    const nic = { segment: 0, bus: 2, device: 0, fn: 0 };
    const u = remappingUnitFor(units, table, nic, tree)!;
    expect(u.unit.unit).toBe('dmar1');
    const xen = xenDriver(u.unit, mem);
    xen.setRootTable();
    xen.flushAll();
    const asr = xen.newDomainTable();
    xen.mapContext(requesterId(nic), { did: 1, aw: 1, asr });
    xen.mapPage(asr, 3, 0x7f0000, 0x0abc000, PERM_R | PERM_W);
    xen.enableTranslation();
    expect(new RemappedDmaPort(mem, u.unit, requesterId(nic)).write(0x7f0010, Uint8Array.of(0x55))).toBe('ok');
    expect(mem.readU8(0x0abc010)).toBe(0x55);
    const igd = remappingUnitFor(units, table, { segment: 0, bus: 0, device: 2, fn: 0 }, tree)!;
    expect(igd.unit.unit).toBe('dmar0');
    expect(new RemappedDmaPort(mem, igd.unit, 0x10).write(0x7f0010, Uint8Array.of(0x66))).toBe('ok');
    expect(mem.readU8(0x7f0010)).toBe(0x66);
  });
});
