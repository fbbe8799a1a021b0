/**
 * The seed PC as one world: built into a Simulation it is given, every stateful part under a
 * stable snapshot id, and its E1000's INTx# routed from data (Interrupt Pin, bridge swizzle,
 * the profile's routing table), not from the Interrupt Line byte firmware wrote.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src-sim/engine/simulation.ts';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import type { HostProfile } from '../../src-sim/hw/host-profile.ts';
import { DEVICE_MODELS, deviceModel } from '../../src-sim/hw/device-models.ts';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { SEED_PROFILE } from './support/seed-pc.ts';
import { World } from '../../src-sim/world/world.ts';

/** The seed profile with the E1000 moved and its firmware-written Interrupt Line changed. */
function seedWithNic(bdf: string, interruptLine: number): HostProfile {
  const p = structuredClone(SEED_PROFILE);
  const nic = p.pci.find((f) => f.model)!;
  nic.bdf = bdf;
  const row = nic.config[3].split(' ');
  row[12] = interruptLine.toString(16).padStart(2, '0');
  nic.config[3] = row.join(' ');
  return p;
}

/** Raises the NIC's interrupt from outside (ICS with the cause unmasked) and returns the GSIs that went high. */
function raisedGsis(pc: Pc): number[] {
  const bar0 = pc.nics[0].nic;
  bar0.barWrite(0, R.IMS, 4, R.ICR_TXDW);
  bar0.barWrite(0, R.ICS, 4, R.ICR_TXDW);
  return pc.gsi.flatMap((l, i) => (l.level ? [i] : []));
}

describe('the PC as one world', () => {
  it('lives in the Simulation it is given and registers every stateful part by id', () => {
    const sim = new Simulation(9);
    const pc = new Pc(SEED_PROFILE, { sim });
    expect(pc.sim).toBe(sim);
    expect(sim.snapshots.ids).toEqual(['engine', 'rng', 'tracer', 'mem', 'i8259', 'ioapic', 'lapic', 'dmar0', 'dmar1', 'pci.0000:02:00.0', 'cable0', 'peer0', 'pci']);
  });

  it('refuses a seed that disagrees with the world it is given', () => {
    expect(() => new Pc(SEED_PROFILE, { sim: new Simulation(9), seed: 10 })).toThrow('pc: seed 10 disagrees with the world\'s seed 9');
  });

  it('names its interrupt controllers after their scopes, in timers and trace sources', () => {
    const pc = new Pc(SEED_PROFILE);
    expect([pc.pic.id, pc.ioapic.id]).toEqual(['i8259', 'ioapic']);
    raisedGsis(pc);
    const sources = new Set(pc.sim.tracer.recent().map((r) => r.source));
    expect(sources).toContain('pci.0000:02:00.0');
  });

  it('refuses a snapshot of another profile, naming both', () => {
    const pc = new Pc(SEED_PROFILE);
    expect(() => pc.restore({ ...pc.save(), profile: 'laptop-gm965-no-vtd' })).toThrow('snapshot is of host "laptop-gm965-no-vtd", this machine is "seed-core2-q35"');
  });
});

describe('device models from the registry', () => {
  it('has one entry per E1000 variant, each a NIC', () => {
    expect(DEVICE_MODELS).toEqual(['e1000:82572EI-desktop', 'e1000:82572EI-server', 'e1000:82571EB-dual', 'e1000:82540EM-desktop']);
    expect(deviceModel('e1000:82571EB-dual').kind).toBe('nic');
    expect(() => deviceModel('rtl8139')).toThrow('"rtl8139" is not a device model this build has');
  });
});

describe('INTx routing from data', () => {
  it('routes the seed E1000’s INTA# through root port 00:1c to GSI 16', () => {
    const pc = new Pc(SEED_PROFILE);
    expect(pc.intxRoutes.get('0000:02:00.0')).toEqual({ pin: 'A', rootSlot: '0000:00:1c', rootPin: 'A', gsi: 16 });
    expect(raisedGsis(pc)).toEqual([16]);
  });

  it('ignores the Interrupt Line byte: it is what firmware wrote, not the wire', () => {
    const pc = new Pc(seedWithNic('0000:02:00.0', 5));
    expect(raisedGsis(pc)).toEqual([16]);
  });

  it('swizzles the pin at the bridge: INTA# of device 1 behind 00:1c arrives as INTB#, GSI 17', () => {
    const pc = new Pc(seedWithNic('0000:02:01.0', 16));
    expect(pc.intxRoutes.get('0000:02:01.0')).toMatchObject({ pin: 'A', rootPin: 'B', gsi: 17 });
    expect(raisedGsis(pc)).toEqual([17]);
  });

  it('leaves a pin the routing table does not cover on no GSI at all', () => {
    const p = seedWithNic('0000:02:00.0', 16);
    p.irqRouting = {};
    const pc = new Pc(p);
    expect(pc.intxRoutes.get('0000:02:00.0')?.gsi).toBeUndefined();
    expect(raisedGsis(pc)).toEqual([]);
  });
});

describe('the world’s interrupt counters', () => {
  it('count every rising edge on a GSI, as the series catalogue reports them', () => {
    const world = new World(SEED_PROFILE);
    const nic = world.pc.nics[0].nic;
    nic.barWrite(0, R.IMS, 4, R.ICR_TXDW);
    for (let i = 0; i < 3; i++) {
      nic.barWrite(0, R.ICS, 4, R.ICR_TXDW);
      nic.barRead(0, R.ICR, 4); // the handler reads ICR: the line drops
    }
    expect(world.interrupts.count(16)).toBe(3);
    expect(world.interrupts.all.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
