// Host profile consistency: bridge bus numbers are errors, implausible decode is a warning, and
// the PC refuses a device model it does not have with the validator's own error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeBusProblems, plausibilityWarnings } from '../../../src-sim/hw/host-check.ts';
import { HostProfileError, parseHostProfile, validateHostProfile, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';

const load = (name: string): HostProfile => parseHostProfile(readFileSync(new URL(`../../../resources/hosts/${name}.json`, import.meta.url), 'utf8'));

/** Rewrites bytes of one function's config rows. */
function poke(p: HostProfile, bdf: string, offset: number, bytes: number[]): HostProfile {
  const f = p.pci.find((x) => x.bdf === bdf)!;
  const cells = f.config.map((r) => r.split(' '));
  bytes.forEach((b, i) => (cells[(offset + i) >> 4][(offset + i) & 15] = b.toString(16).padStart(2, '0')));
  f.config = cells.map((r) => r.join(' '));
  return p;
}

describe('bridge bus numbers', () => {
  it('rejects the server as first shipped: the PXH claimed primary bus 80 from bus 82', () => {
    const p = poke(load('server-2drhd-5520'), '0000:82:00.0', 0x18, [0x80, 0x82, 0x83]);
    expect(bridgeBusProblems(p).map((x) => `${x.path}: ${x.message}`)).toEqual([
      'pci[24].config[1]: bridge 0000:82:00.0: primary bus (offset 0x18) is 80, but the bridge sits on bus 82',
      "pci[24].config[1]: bridge 0000:82:00.0: secondary bus (offset 0x19) 82 is not above the bridge's own bus 82, so config cycles would loop",
    ]);
    expect(validateHostProfile(p).ok).toBe(false);
  });

  it('rejects sibling bridges whose bus ranges overlap, and a subordinate below the secondary', () => {
    const p = poke(load('server-2drhd-5520'), '0000:80:07.0', 0x18, [0x80, 0x83, 0x84]);
    expect(bridgeBusProblems(p).map((x) => x.message)).toEqual([
      'bridge 0000:80:07.0: buses 83-84 (offsets 0x19-0x1a) overlap buses 82-83 of bridge 0000:80:03.0 (pci[20]), which it is not behind',
      'bridge 0000:82:00.0: buses 83-83 (offsets 0x19-0x1a) overlap buses 83-84 of bridge 0000:80:07.0 (pci[21]), which it is not behind',
    ]);
    expect(bridgeBusProblems(poke(load('seed-core2-q35'), '0000:00:1c.0', 0x19, [0x03, 0x02])).map((x) => x.message)).toEqual(['bridge 0000:00:1c.0: subordinate bus (offset 0x1a) 02 is below its secondary bus 03']);
  });
});

describe('plausibility warnings', () => {
  it('catches a closed root-port window, an overlapping I/O window, a stray IRQ and SR-IOV without VFs', () => {
    const p = load('server-2drhd-5520');
    poke(p, '0000:80:01.0', 0x04, [0x04, 0x01]); // root port: I/O and memory forwarding off
    poke(p, '0000:82:00.0', 0x1c, [0xd0, 0xd0]); // PXH I/O window d000-dfff, the 82576's
    poke(p, '0000:83:01.0', 0x3c, [131]);
    poke(p, '0000:81:00.0', 0x168, [0x09]); // IOVCtl VF Enable + MSE
    poke(p, '0000:81:00.0', 0x170, [0x01]); // NumVFs 1
    const w = plausibilityWarnings(p).map((x) => x.message);
    expect(w).toContain('0000:81:00.0 BAR0 memory f7800000-f781ffff is outside the memory windows of bridge 0000:80:01.0 above it (closed): unreachable');
    expect(w).toContain('0000:81:00.0 BAR2 I/O d000-d01f is outside the I/O window of bridge 0000:80:01.0 above it (closed): unreachable');
    expect(w).toContain('0000:83:01.0 BAR4 I/O e000-e03f is outside the I/O window of bridge 0000:82:00.0 above it (d000-dfff): unreachable');
    expect(w).toContain('0000:82:00.0 I/O window d000-dfff overlaps 0000:81:00.0 BAR2 I/O d000-d01f');
    expect(w).toContain("0000:83:01.0 interrupt line (offset 0x3c) 131 is not one of the PC's GSIs 0-23");
    expect(w).toContain('0000:81:00.0 SR-IOV VF Enable is set with 1 VF(s), but no virtual function exists at 82:10.0');
  });

  it('catches RMRRs outside RAM (the seed host had 2 GiB, its RMRRs sat near 3.25 GiB)', () => {
    const p = { ...load('seed-core2-q35'), ramMiB: 2048 };
    expect(plausibilityWarnings(p).map((x) => `${x.path}: ${x.message}`)).toEqual([
      "dmar.structures[2]: RMRR 0xcf800000-0xcfffffff is not in the host's 2048 MiB of RAM: reserved memory must be RAM the firmware set aside",
      "dmar.structures[3]: RMRR 0xcf6e9000-0xcf6fffff is not in the host's 2048 MiB of RAM: reserved memory must be RAM the firmware set aside",
    ]);
  });
});

describe('device models', () => {
  it('the PC refuses an unknown model with the validator\'s error, naming the field', () => {
    const p = load('seed-core2-q35');
    const bad = { ...p, pci: p.pci.map((f) => (f.model ? { ...f, model: 'e1000:bogus' } : f)) };
    expect(() => new Pc(bad)).toThrow(HostProfileError);
    expect(() => new Pc(bad)).toThrow('pci[12].model: "e1000:bogus" is not a device model this build has (known: e1000:82572EI-desktop, e1000:82572EI-server, e1000:82571EB-dual, e1000:82540EM-desktop)');
    expect(validateHostProfile(JSON.parse(JSON.stringify(bad)))).toMatchObject({ ok: false, problems: [expect.stringMatching(/^pci\[12\]\.model: "e1000:bogus" is not a device model/)] });
  });
});
