/**
 * The `nic` series carries the octets the machine's NICs moved (rxBytes, txBytes, as the
 * statistics registers GORC/GOTC count them: destination address through FCS), so the Live
 * area can chart Mbit/s. A client subscribes over the protocol; the seed PC's E1000 is brought
 * up from outside as a driver would, the link partner sends, the driver sends one frame back.
 */
import { describe, expect, it } from 'vitest';
import { openSession } from './session-harness.ts';
import { E1000Driver } from '../e1000/e1000-driver.ts';
import { frameTo } from '../../scenarios/support/seed-pc.ts';
import type { SimToClient } from '../../../src-shared/protocol/index.ts';

const PAYLOAD = 1000;
/** 14-byte Ethernet header + payload + 4-byte FCS. */
const WIRE_BYTES = 14 + PAYLOAD + 4;

describe('the nic series', () => {
  it('counts the octets received and sent, and they grow as frames move', async () => {
    const { call, sent, runtime } = openSession({ speed: 'max' });
    const r = await call('series.subscribe', { series: 'nic', maxRateHz: 60 });
    if (!r.ok || !('subscription' in r.result)) throw new Error('subscribe failed');
    const id = r.result.subscription;
    const { nic, partner } = runtime.world.pc.nics[0];
    const mem = runtime.world.pc.mem;
    // Translation is off until a hypervisor turns it on: the driver's DMA addresses are machine addresses.
    const driver = new E1000Driver(
      { rd: (o) => nic.barRead(0, o, 4), wr: (o, v) => nic.barWrite(0, o, 4, v >>> 0) },
      { readU8: (a) => mem.readU8(a), readU32: (a) => mem.readU32(a), readU64: (a) => mem.readU64(a), writeU32: (a, v) => mem.writeU32(a, v), writeU64: (a, v) => mem.writeU64(a, v), write: (a, b) => mem.write(a, b) },
    );
    driver.bringUp(8, 8);
    partner.startStream({ dst: nic.macAddress, count: 5, payloadBytes: PAYLOAD });
    driver.send(frameTo(partner.macText, nic.macAddress, PAYLOAD));
    const last = async () => {
      await new Promise((res) => setTimeout(res, 150));
      const frames = sent.filter((m): m is Extract<SimToClient, { type: 'series' }> => m.type === 'series' && m.subscription === id);
      const c = frames.at(-1)!.columns;
      return { rxFrames: c.rxFrames.at(-1)!, rxBytes: c.rxBytes.at(-1)!, txFrames: c.txFrames.at(-1)!, txBytes: c.txBytes.at(-1)! };
    };
    const first = await last();
    expect(first).toEqual({ rxFrames: 5, rxBytes: 5 * WIRE_BYTES, txFrames: 1, txBytes: WIRE_BYTES });
    // The driver gives the five buffers back; two more frames arrive.
    expect(driver.cleanRx()).toBe(5);
    partner.startStream({ dst: nic.macAddress, count: 2, payloadBytes: PAYLOAD });
    expect(await last()).toEqual({ rxFrames: 7, rxBytes: 7 * WIRE_BYTES, txFrames: 1, txBytes: WIRE_BYTES });
  });
});
