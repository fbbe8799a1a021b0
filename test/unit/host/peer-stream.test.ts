/**
 * "Send traffic" over the protocol: once a guest holds the E1000, `peer.stream` has its link
 * partner stream numbered frames to it, the guest's driver receives them, and the `nic` series
 * says per NIC (by BDF) how many octets moved. Bad requests are refused with where and why.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SimToClient } from '../../../src-shared/protocol/index.ts';
import { openSession, type Response } from './session-harness.ts';

const sample = (name: string) => readFileSync(fileURLToPath(new URL(`../../../resources/samples/${name}`, import.meta.url)), 'utf8');
const result = (r: Response) => (r.ok ? (r.result as Record<string, unknown>) : expect.unreachable(r.error.message));
const error = (r: Response) => (r.ok ? expect.unreachable('expected a refusal') : r.error);

/** 14-byte header + payload + 4-byte FCS, as GORC counts a frame. */
const wire = (payload: number) => 14 + payload + 4;

describe('peer.stream', () => {
  it('streams to the NIC the guest holds; the nic series counts its octets under its BDF', async () => {
    const { call, sent, runtime } = openSession({ paused: true }, 4000);
    expect(error(await call('peer.stream', { count: 10, payloadBytes: 1500 })).message).toMatch(/no Xen host is booted/);
    result(await call('xen.boot', { grub: { name: 'grub.conf', text: sample('grub.conf') }, era: '2007' }));
    expect(error(await call('peer.stream', { count: 10, payloadBytes: 1500 })).message).toBe('peer.stream: no guest holds a NIC; create a guest with one assigned first');
    expect(result(await call('xm.create', { hvm: { name: 'hvm.conf', text: sample('hvm.conf') } }))).toMatchObject({ ok: true, firstPacket: true });

    const sub = result(await call('series.subscribe', { series: 'nic', maxRateHz: 60 })).subscription;
    const before = runtime.world.pc.nics[0].nic.frames.rxBytes;
    expect(result(await call('peer.stream', { count: 2000, payloadBytes: 1500 }))).toEqual({ streams: [{ bdf: '0000:02:00.0', peer: 'peer0', count: 2000, payloadBytes: 1500 }] });
    result(await call('sim.runFor', { ns: 50_000_000 }));
    // Samples are taken while the run goes; a slow one is enough to read the counters.
    result(await call('sim.setSpeed', { speed: 0.001 }));
    result(await call('sim.resume', {}));
    await new Promise((r) => setTimeout(r, 200));
    const frames = sent.filter((m): m is Extract<SimToClient, { type: 'series' }> => m.type === 'series' && m.subscription === sub);
    const c = frames.at(-1)!.columns;
    // The seed PC's E1000 is 0000:02:00.0: requester id 0x0200; no second NIC.
    expect([c.nic0Bdf.at(-1), c.nic1Bdf.at(-1)]).toEqual([0x0200, -1]);
    expect(c.nic0RxBytes.at(-1)! - before).toBe(2000 * wire(1500));
    expect(c.nic0RxBytes.at(-1)).toBe(c.rxBytes.at(-1));
  });

  it('refuses a count, a size or a BDF it cannot use, naming the field', async () => {
    const { call } = openSession({ paused: true });
    expect(error(await call('peer.stream', { count: 0, payloadBytes: 1500 })).path).toBe('params.count');
    expect(error(await call('peer.stream', { count: 10, payloadBytes: 9000 })).path).toBe('params.payloadBytes');
    expect(error(await call('peer.stream', { count: 10, payloadBytes: 1500, bdf: '02:00' })).path).toBe('params.bdf');
  });
});
