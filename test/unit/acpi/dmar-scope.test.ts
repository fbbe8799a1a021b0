/**
 * Resolving PCI devices to remapping units and RMRRs from the sample tables, with the PCI tree
 * given as a bridge lookup (secondary/subordinate bus of each bridge, as config 0x19/0x1a say).
 */
import { describe, expect, it } from 'vitest';
import { findDrhd, isDmarParseError, parseDmar, resolveScope, rmrrsFor, type BridgeLookup, type DmarTable } from '../../../src-sim/hw/acpi/index.ts';
import { parseBdf, type Bdf } from '../../../src-shared/units/bdf.ts';
import { dmarSamples } from './dmar-data.ts';

function table(name: string): DmarTable {
  const t = parseDmar(dmarSamples().find((s) => s.file === name)!.bytes);
  if (isDmarParseError(t)) throw new Error(t.reason);
  return t;
}

const bdf = (text: string): Bdf => {
  const r = parseBdf(text);
  if (!r.ok) throw new Error(r.message);
  return r.bdf;
};

/** Bridges as "bus:dev.fn" → [secondary, subordinate]. */
function bridges(map: Record<string, [number, number]>): BridgeLookup {
  return (seg, bus, d, f) => {
    const key = `${bus.toString(16).padStart(2, '0')}:${d.toString(16).padStart(2, '0')}.${f}`;
    const b = seg === 0 ? map[key] : undefined;
    return b ? { secondary: b[0], subordinate: b[1] } : undefined;
  };
}

/** The seed's desktop: root port 00:1c.0 → bus 2, where the E1000 sits. */
const q35Tree = bridges({ '00:1c.0': [2, 2] });

describe('the seed host (vtdw-q35-desktop-e1000)', () => {
  const t = table('vtdw-q35-desktop-e1000.aml');
  const unit = (d: string) => findDrhd(t, bdf(d), q35Tree);

  it('puts the IGD 00:02.0 behind the graphics unit FED91000', () => {
    expect(unit('00:02.0')).toMatchObject({ index: 0, viaIncludeAll: false, drhd: { registerBase: '0xfed91000' } });
  });

  it('puts the E1000 at 02:00.0 and everything else unclaimed behind the include-all unit FED93000', () => {
    for (const d of ['02:00.0', '00:1d.0', '00:1f.2']) expect(unit(d)).toMatchObject({ index: 1, viaIncludeAll: true, drhd: { registerBase: '0xfed93000' } });
  });

  it('leaves a device on another segment untranslated', () => {
    expect(findDrhd(t, { segment: 1, bus: 0, device: 2, fn: 0 }, q35Tree)).toBeUndefined();
  });

  it('names the RMRRs that must stay identity-mapped: stolen memory for the IGD, the USB page for 00:1d.7, none for the NIC', () => {
    expect(rmrrsFor(t, bdf('00:02.0'), q35Tree).map((r) => r.baseAddress)).toEqual(['0xcf800000']);
    expect(rmrrsFor(t, bdf('00:1d.7'), q35Tree).map((r) => r.baseAddress)).toEqual(['0xcf6e9000']);
    expect(rmrrsFor(t, bdf('02:00.0'), q35Tree)).toEqual([]);
  });
});

describe('paths through bridges', () => {
  it('walks the DL360 G7 two-hop RMRR paths through root port 00:1c.4 to the iLO functions on its secondary bus', () => {
    const t = table('linuxhw-hp-dl360g7-5520-2010.orig.dat');
    const tree = bridges({ '00:1c.4': [1, 1], '00:01.0': [3, 3], '00:09.0': [5, 5], '00:03.0': [4, 4] });
    const ilo = rmrrsFor(t, bdf('01:00.2'), tree).map((r) => r.baseAddress);
    expect(ilo).toEqual(['0xdf7df000', '0xdf61e000']);
    expect(rmrrsFor(t, bdf('03:00.0'), tree).map((r) => r.baseAddress)).toEqual(['0xdf61e000']);
  });

  it('makes the NIC an RMRR device in the broken table; the bus-5 scope names 05:00.0 (whether it exists is for the PCI tree to say)', () => {
    const t = table('vtdw-broken-missing-device.aml');
    expect(rmrrsFor(t, bdf('02:00.0'), q35Tree)).toHaveLength(1);
    const onBus5 = t.structures.filter((s) => s.type === 'RMRR').flatMap((s) => s.scopes).find((sc) => sc.startBus === 5)!;
    expect(resolveScope(onBus5, 0, q35Tree)).toEqual({ ok: true, bdf: { segment: 0, bus: 5, device: 0, fn: 0 } });
  });

  it('reports a bridge scope that names an endpoint, and a hop that is not a bridge', () => {
    const t = table('vtdw-broken-missing-device.aml');
    const bridgeScope = t.structures.flatMap((s) => s.scopes).find((sc) => sc.type === 'bridge')!;
    expect(resolveScope(bridgeScope, 0, q35Tree)).toEqual({ ok: false, reason: 'bridge scope names 00:1d.0, which is not a bridge' });
    expect(resolveScope({ type: 'endpoint', enumerationId: 0, startBus: 0, path: [[0x1f, 0], [0, 0]] }, 0, q35Tree)).toMatchObject({ ok: false, reason: 'path hop 00:1f.0 is not a bridge' });
  });

  it('gives the second IOH unit FBFFC000 every device below its bridge scopes 80:01.0/03.0/07.0', () => {
    const t = table('vtdw-server-2drhd-ioapic-atsr.aml');
    const tree = bridges({ '80:01.0': [0x81, 0x81], '80:03.0': [0x82, 0x84], '80:07.0': [0x85, 0x85], '00:01.0': [1, 1] });
    expect(findDrhd(t, bdf('83:00.1'), tree)?.drhd.registerBase).toBe('0xfbffc000');
    expect(findDrhd(t, bdf('80:03.0'), tree)?.drhd.registerBase).toBe('0xfbffc000');
    expect(findDrhd(t, bdf('01:00.0'), tree)?.drhd.registerBase).toBe('0xfbffe000');
    expect(findDrhd(t, bdf('80:13.0'), tree)?.drhd.registerBase).toBe('0xfbffe000'); // an IOAPIC scope claims no PCI device
  });
});
