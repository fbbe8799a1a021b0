// The shipped host profiles: valid, built as make-host-profiles.ts says, and shaped as promised.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPciHost, parseHostProfile } from '../../../src-sim/hw/host-profile.ts';
import { plausibilityWarnings } from '../../../src-sim/hw/host-check.ts';
import { SHIPPED_PROFILES } from './make-host-profiles.ts';
import { cf8Read } from './machine.ts';
import { IoPortSpace } from '../../../src-sim/hw/bus/ioport.ts';
import { UPDATING_GOLDEN } from '../../golden/golden.ts';

const DIR = new URL('../../../resources/hosts/', import.meta.url);

/** The buses each host bridge decodes itself; every other bus must be reached through a bridge. */
const ROOT_BUSES: Record<string, number[]> = {
  'seed-core2-q35.json': [0],
  'server-2drhd-5520.json': [0, 0x80],
  'laptop-gm965-no-vtd.json': [0],
  'desktop-q35-pci-bridge.json': [0],
};

describe.each(Object.entries(SHIPPED_PROFILES))('resources/hosts/%s', (file, make) => {
  it('is exactly what make-host-profiles.ts builds (npm run test:golden rewrites it)', () => {
    const want = JSON.stringify(make(), null, 1) + '\n';
    if (UPDATING_GOLDEN) writeFileSync(new URL(file, DIR), want);
    expect(readFileSync(new URL(file, DIR), 'utf8')).toBe(want);
  });

  it('validates and builds a PCI hierarchy every listed function answers in', () => {
    const p = parseHostProfile(readFileSync(new URL(file, DIR), 'utf8'));
    const host = buildPciHost(p);
    for (const f of p.pci) {
      const [seg, bus, rest] = f.bdf.split(':');
      const [dev, fn] = rest.split('.');
      const id = host.configRead({ segment: parseInt(seg, 16), bus: parseInt(bus, 16), device: parseInt(dev, 16), fn: Number(fn) }, 0, 4);
      expect(id.toString(16).padStart(8, '0')).toBe(f.config[0].split(' ').slice(0, 4).reverse().join(''));
    }
  });

  it('reaches every bus but the host bridges\' own through a bridge whose primary bus is its own', () => {
    const host = buildPciHost(parseHostProfile(readFileSync(new URL(file, DIR), 'utf8')));
    const roots = [...new Set(host.functions.filter((f) => f.bus?.isRoot).map((f) => f.bdf.bus))].sort((a, b) => a - b);
    expect(roots).toEqual(ROOT_BUSES[file]);
    for (const f of host.functions.filter((x) => !x.bus?.isRoot)) {
      const up = f.bus!.parentBridge!;
      expect(up.busRange.secondary, `${f.id} sits on the secondary bus of ${up.id}`).toBe(f.bdf.bus);
      expect(up.config.read(0x18, 1), `${up.id}'s primary bus`).toBe(up.bdf.bus);
    }
  });

  it('is plausible: host check finds no BAR outside its bridge window, no overlap, no stray IRQ, no RMRR outside RAM', () => {
    expect(plausibilityWarnings(parseHostProfile(readFileSync(new URL(file, DIR), 'utf8')))).toEqual([]);
  });
});

describe('the seed host', () => {
  const p = parseHostProfile(readFileSync(new URL('seed-core2-q35.json', DIR), 'utf8'));
  it('has the 82572EI at 02:00.0 behind root port 00:1c.0, reachable by config mechanism #1', () => {
    const io = new IoPortSpace();
    buildPciHost(p, { io });
    expect(cf8Read(io, 0, 0x1c, 0, 0x18) & 0xffffff).toBe(0x020200);
    expect(cf8Read(io, 2, 0, 0, 0)).toBe(0x10b98086);
    expect(p.pci.find((f) => f.bdf === '0000:02:00.0')?.model).toBe('e1000:82572EI-desktop');
  });

  it('has 4 GiB of RAM holding its DMAR\'s reserved memory regions (RMRRs below TOLUD 0xd0000000)', () => {
    expect(p.ramMiB).toBe(4096);
    const rmrrs = p.dmar?.structures.flatMap((s) => (s.type === 'RMRR' ? [[BigInt(s.baseAddress), BigInt(s.endAddress)]] : [])) ?? [];
    expect(rmrrs).toHaveLength(2);
    for (const [, end] of rmrrs) expect(end < 0xd0000000n).toBe(true);
  });

  it('has VT-d: an include-all remapping unit covers the NIC', () => {
    const units = p.dmar?.structures.filter((s) => s.type === 'DRHD') ?? [];
    expect(units.map((u) => (u.type === 'DRHD' ? [u.registerBase, u.flags] : []))).toEqual([
      ['0xfed91000', 0],
      ['0xfed93000', 1],
    ]);
  });

  it('the server has two units; the laptop has no DMAR', () => {
    const server = parseHostProfile(readFileSync(new URL('server-2drhd-5520.json', DIR), 'utf8'));
    expect(server.dmar?.structures.filter((s) => s.type === 'DRHD')).toHaveLength(2);
    expect(parseHostProfile(readFileSync(new URL('laptop-gm965-no-vtd.json', DIR), 'utf8')).dmar).toBeNull();
  });
});

describe('the bridge desktop', () => {
  const p = parseHostProfile(readFileSync(new URL('desktop-q35-pci-bridge.json', DIR), 'utf8'));
  it('has a PCIe-to-PCI bridge (type-1 header, PCIe port type 7) at 04:00.0 behind root port 00:1c.1, its bus 05 holding two 82540EMs', () => {
    const io = new IoPortSpace();
    buildPciHost(p, { io });
    expect(cf8Read(io, 0, 0x1c, 1, 0x18) & 0xffffff).toBe(0x050400);
    expect(cf8Read(io, 4, 0, 0, 0x0c) >>> 16 & 0x7f).toBe(1);
    expect(cf8Read(io, 4, 0, 0, 0x18) & 0xffffff).toBe(0x050504);
    expect((cf8Read(io, 4, 0, 0, 0x44) >>> 20) & 0xf).toBe(7);
    for (const dev of [0, 1]) {
      expect(cf8Read(io, 5, dev, 0, 0)).toBe(0x100e8086);
      // Conventional PCI: no PCI Express capability in the chain dc → e4 → f0.
      expect(cf8Read(io, 5, dev, 0, 0x34) & 0xff).toBe(0xdc);
    }
    expect(p.pci.filter((f) => f.model === 'e1000:82540EM-desktop').map((f) => f.bdf)).toEqual(['0000:05:00.0', '0000:05:01.0']);
  });
});
