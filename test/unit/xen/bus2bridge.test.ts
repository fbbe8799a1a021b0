/**
 * bus2bridge per era, on the bridge desktop's topology: root port 00:1c.1 (a PCIe port) in
 * front of buses 04-05, the PCIe-to-PCI bridge 04:00.0 in front of bus 05. Which context
 * entries a conventional function on bus 05 takes along, in the order Xen maps them.
 */
import { describe, expect, it } from 'vitest';
import { Bus2Bridge } from '../../../src-sim/xen/drivers/passthrough/vtd/bus2bridge.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';

const at = (bus: number, device: number, fn = 0): Bdf => ({ segment: 0, bus, device, fn });
const name = (b: Bdf) => `${b.bus.toString(16).padStart(2, '0')}:${b.device.toString(16).padStart(2, '0')}.${b.fn}`;

/** The dom0 scan's order: the root port first, then the bridge behind it. */
function scanned(era: XenEra): Bus2Bridge {
  const t = new Bus2Bridge(era);
  t.record(at(0, 0x1c, 1), 'pcie', 4, 5);
  t.record(at(4, 0), 'pci', 5, 5);
  return t;
}

function mapped(t: Bus2Bridge, b: Bdf): string[] {
  const out: string[] = [];
  t.forFunction(b, (x) => (out.push(name(x)), 0));
  return out;
}

describe('bus2bridge', () => {
  it('2007 and 3.2 take the bridge and all 256 devfns of bus 05 along, for either function', () => {
    for (const era of ['2007', '3.2'] as const) {
      for (const fn of [at(5, 0), at(5, 1)]) {
        const ids = mapped(scanned(era), fn);
        expect(ids).toHaveLength(257);
        expect(ids.slice(0, 3)).toEqual(['04:00.0', '05:00.0', '05:00.1']);
        expect(ids.at(-1)).toBe('05:1f.7');
      }
    }
  });

  it('3.4 maps the function, the bridge, and (05, devfn 0) unless the function is devfn 0', () => {
    expect(mapped(scanned('3.4'), at(5, 0))).toEqual(['05:00.0', '04:00.0']);
    expect(mapped(scanned('3.4'), at(5, 1))).toEqual(['05:01.0', '04:00.0', '05:00.0']);
    expect(mapped(scanned('4.0'), at(5, 1))).toEqual(['05:01.0', '04:00.0', '05:00.0']);
  });

  it('3.3 maps only the bridge and (05, devfn 0): not the function itself', () => {
    expect(mapped(scanned('3.3'), at(5, 1))).toEqual(['04:00.0', '05:00.0']);
  });

  it('3.3+ record nothing for a PCIe port: a conventional function right behind one maps alone (3.4) or not at all (3.3)', () => {
    const only = (era: XenEra) => {
      const t = new Bus2Bridge(era);
      t.record(at(0, 0x1c, 1), 'pcie', 4, 4);
      return mapped(t, at(4, 0));
    };
    expect(only('3.4')).toEqual(['04:00.0']);
    expect(only('3.3')).toEqual([]);
  });

  it('2007 keeps the first bridge recorded for a bus (unless that one sits on bus 0), and falls back to 00:00.0 for an unknown bus', () => {
    const t = scanned('2007');
    t.record(at(4, 1), 'pci', 5, 5);
    expect(t.bridgeOf2007(5)).toEqual({ bridge: at(4, 0), found: true });
    expect(t.bridgeOf2007(9)).toEqual({ bridge: at(0, 0), found: false });
  });

  it('stops at the first id that fails, returning its error', () => {
    const seen: string[] = [];
    const rc = scanned('2007').forFunction(at(5, 0), (x) => (seen.push(name(x)), x.device === 1 ? -22 : 0));
    expect(rc).toBe(-22);
    expect(seen.at(-1)).toBe('05:01.0');
  });

  it('snapshots to named fields and restores into a fresh table', () => {
    const saved = scanned('3.4').save();
    expect(saved).toEqual({ version: 1, entries: [{ bus: 5, bridge: at(4, 0) }] });
    const t = new Bus2Bridge('3.4');
    t.restore(JSON.parse(JSON.stringify(saved)));
    expect(mapped(t, at(5, 1))).toEqual(['05:01.0', '04:00.0', '05:00.0']);
    expect(() => t.restore({ ...saved, version: 2 as 1 })).toThrow();
  });
});
