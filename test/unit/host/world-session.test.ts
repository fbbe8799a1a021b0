/**
 * The simulator's one world over the protocol: the host profile it powers on, the PCI devices
 * of the live PC, the series catalogue (a subscription gets exactly its series' columns),
 * methods that take virtual time, and the trace stream.
 */
import { describe, expect, it } from 'vitest';
import type { SimRuntime } from '../../../src-sim/host/runtime.ts';
import { openSession } from './session-harness.ts';
import { seriesColumns, type SimToClient } from '../../../src-shared/protocol/index.ts';

let runtime: SimRuntime | undefined;
function open(opts?: Parameters<typeof openSession>[0]) {
  const s = openSession(opts);
  runtime = s.runtime;
  return s;
}

describe('the world over the protocol', () => {
  it('powers on the seed PC at start and says so in the status', async () => {
    const { call } = open();
    expect(await call('sim.status', {})).toMatchObject({ ok: true, result: { host: 'seed-core2-q35' } });
  });

  it('lists the live PC’s PCI devices: the E1000 covered by a remapping unit, on GSI 16', async () => {
    const { call } = open();
    const r = await call('host.devices', {});
    if (!r.ok || !('devices' in r.result)) throw new Error('host.devices failed');
    const nic = r.result.devices.find((d) => d.bdf === '0000:02:00.0');
    expect(nic).toMatchObject({ classCode: '020000', vendorId: '8086', vendorName: 'Intel Corporation', driver: 'model e1000:82572EI-desktop', owner: 'host', irq: { pin: 'A', gsi: 16 } });
    expect(nic!.remappingUnit).toMatch(/^dmar\d$/);
    expect(r.result.devices.length).toBe(13);
  });

  it('powers on another host profile: a fresh machine, a machine-changed event, its own devices', async () => {
    const { call, sent } = open();
    await call('sim.runFor', { ns: 2_000_000 });
    const r = await call('host.powerOn', { host: 'laptop-gm965-no-vtd' });
    expect(r).toMatchObject({ ok: true, result: { host: 'laptop-gm965-no-vtd', virtualNs: 0 } });
    expect(sent.some((m) => m.type === 'event' && m.event === 'machine-changed' && m.data.host === 'laptop-gm965-no-vtd')).toBe(true);
    const devs = await call('host.devices', {});
    if (!devs.ok || !('devices' in devs.result)) throw new Error('host.devices failed');
    expect(devs.result.devices.every((d) => d.remappingUnit === null)).toBe(true);
    expect(runtime!.world.sim.snapshots.ids).not.toContain('dmar0');
  });

  it('sends the old machine’s samples before machine-changed: no series frame mixes two machines', async () => {
    const { call, sent } = open({ speed: 1 });
    const r = await call('series.subscribe', { series: 'nic', maxRateHz: 1 });
    if (!r.ok || !('subscription' in r.result)) throw new Error('subscribe failed');
    // At one frame a second, samples of the seed PC are still batched when the bridge desktop powers on.
    await new Promise((res) => setTimeout(res, 300));
    await call('host.powerOn', { host: 'desktop-q35-pci-bridge' });
    await new Promise((res) => setTimeout(res, 1300));
    const changed = sent.findIndex((m) => m.type === 'event' && m.event === 'machine-changed');
    const frames = sent.map((m, i) => ({ m, i })).filter(({ m }) => m.type === 'series');
    const nicsIn = (m: SimToClient) => (m.type === 'series' ? new Set(m.columns.nic1Bdf) : new Set());
    const before = frames.filter(({ i }) => i < changed);
    const after = frames.filter(({ i }) => i > changed);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    // The seed PC has one NIC (slot 1 empty); the bridge desktop has three.
    for (const { m } of before) expect([...nicsIn(m)]).toEqual([-1]);
    for (const { m } of after) expect([...nicsIn(m)].includes(-1)).toBe(false);
  });

  it('refuses an unknown host profile, naming the known ones, and keeps the machine', async () => {
    const { call } = open();
    const r = await call('host.powerOn', { host: 'cray-1' });
    expect(r).toMatchObject({ ok: false, error: { code: 'not-found', path: 'params.host', message: expect.stringContaining('known: desktop-q35-pci-bridge, laptop-gm965-no-vtd, seed-core2-q35, server-2drhd-5520') } });
    expect(runtime!.world.profile.name).toBe('seed-core2-q35');
  });

  it('answers sim.runFor once that much virtual time has run, yielding meanwhile', async () => {
    const { call } = open();
    const r = await call('sim.runFor', { ns: 5_000_000 });
    expect(r).toMatchObject({ ok: true, result: { virtualNs: 5_000_000, state: 'paused' } });
  });

  it('streams each subscribed series with exactly its catalogue columns', async () => {
    const { call, sent } = open({ speed: 'max' });
    const subs: Record<string, number> = {};
    for (const series of ['heartbeat', 'interrupts', 'nic', 'iotlb'] as const) {
      const r = await call('series.subscribe', { series, maxRateHz: 60 });
      if (!r.ok || !('subscription' in r.result)) throw new Error('subscribe failed');
      subs[series] = r.result.subscription;
    }
    await new Promise((res) => setTimeout(res, 400));
    for (const [series, id] of Object.entries(subs)) {
      const frames = sent.filter((m): m is Extract<SimToClient, { type: 'series' }> => m.type === 'series' && m.subscription === id);
      expect(frames.length, series).toBeGreaterThan(0);
      for (const f of frames) {
        expect(f.series).toBe(series);
        expect(Object.keys(f.columns).sort()).toEqual([...seriesColumns(f.series)].sort());
      }
    }
    const iotlb = sent.find((m) => m.type === 'series' && m.subscription === subs.iotlb);
    if (iotlb?.type === 'series') expect(iotlb.columns.iotlbHits.every((v) => v === 0)).toBe(true); // no driver yet
  });

  it('streams the trace to a session that follows it, with each record’s source', async () => {
    const { call, sent } = open({ speed: 'max' });
    await call('trace.follow', { follow: true });
    runtime!.world.pc.nics[0].nic.barWrite(0, 0x00d0, 4, 0x4); // IMS: unmask LSC
    runtime!.world.pc.nics[0].nic.barWrite(0, 0x00c8, 4, 0x4); // ICS: raise it
    await new Promise((res) => setTimeout(res, 100));
    const records = sent.flatMap((m) => (m.type === 'event' && m.event === 'trace' ? m.data.records : []));
    expect(records.some((r) => r.name === 'e1000.irq' && r.source === 'pci.0000:02:00.0')).toBe(true);
  });
});
