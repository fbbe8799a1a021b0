import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { appendFcs, crc32, fcsValid, frameSlotNs } from '../../../src-sim/hw/net/ethernet.ts';
import { EthernetWire } from '../../../src-sim/hw/net/ethernet_wire.ts';
import { LinkPartner } from '../../../src-sim/hw/net/link_partner.ts';
import { PacketFifo } from '../../../src-sim/hw/net/packet_fifo.ts';

/** Two hosts on one cable. */
function pair() {
  const sim = new Simulation(1);
  sim.tracer.enabled = false;
  const wire = new EthernetWire(sim.engine, sim.tracer, 'cable');
  const left = new LinkPartner(sim.engine, sim.tracer, 'left', '02:00:00:00:00:01', wire.a);
  const right = new LinkPartner(sim.engine, sim.tracer, 'right', '02:00:00:00:00:02', wire.b);
  return { sim, wire, left, right };
}

describe('Ethernet framing', () => {
  it('computes the IEEE CRC-32 ("123456789" → 0xCBF43926) and checks an appended FCS', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text, 0, text.length)).toBe(0xcbf43926);
    const buf = new Uint8Array(64);
    buf.set(text);
    const len = appendFcs(buf, 60);
    expect(fcsValid(buf, len)).toBe(true);
    buf[3] ^= 1;
    expect(fcsValid(buf, len)).toBe(false);
  });

  it('derives the wire slot of a frame from preamble, frame and gap', () => {
    expect(frameSlotNs(64)).toBe(672);
    expect(frameSlotNs(1518)).toBe(12_304);
  });
});

describe('1 Gb/s wire and link partner', () => {
  it('tops out at 81,274 full-size frames per second (986.99 Mb/s of frame bytes)', () => {
    const { sim, left, right } = pair();
    left.startStream({ dst: right.macText, count: 100_000, payloadBytes: 1500 });
    sim.engine.runUntil(1_000_000_000);
    expect(right.counters.framesReceived).toBe(81_274);
    expect(right.counters.badFcs).toBe(0);
    expect(Math.round((right.counters.octetsReceived * 8) / 1e4) / 100).toBe(986.99);
  });

  it('carries 1,488,095 minimum-size frames per second', () => {
    const { sim, left, right } = pair();
    left.startStream({ dst: right.macText, count: 20_000, payloadBytes: 46 });
    sim.engine.runUntil(10_000_000);
    // frame k arrives at k × 672 ns + 581 ns (72 bytes on the wire + 5 ns of cable): k = 0…14 880
    expect(right.counters.framesReceived).toBe(14_881);
    expect(right.counters.octetsReceived).toBe(14_881 * 64);
  });

  it('sends a paced stream at the chosen rate and delivers each frame one frame-time later', () => {
    const { sim, left, right } = pair();
    const times: number[] = [];
    right.onFrame = (_f, _l, t) => times.push(t);
    left.startStream({ dst: right.macText, count: 5, payloadBytes: 100, framesPerSecond: 10_000 });
    sim.engine.runUntil(1_000_000);
    // 118-byte frame: (8 + 118) × 8 ns + 5 ns of cable after each 100 µs tick
    expect(times).toEqual([0, 1, 2, 3, 4].map((k) => k * 100_000 + 1_013));
  });

  it('is full duplex: both directions run at line rate together', () => {
    const { sim, left, right } = pair();
    left.startStream({ dst: right.macText, count: 1000, payloadBytes: 1500 });
    right.startStream({ dst: left.macText, count: 1000, payloadBytes: 1500 });
    sim.engine.runUntil(12_304 * 100);
    expect(right.counters.framesReceived).toBe(100);
    expect(left.counters.framesReceived).toBe(100);
  });

  it('drops what does not fit in the partner queue when offered above line rate', () => {
    const { sim, left, right } = pair();
    left.startStream({ dst: right.macText, count: 1000, payloadBytes: 1500, framesPerSecond: 200_000 });
    sim.engine.runUntil(10_000_000);
    expect(left.counters.txDropped).toBeGreaterThan(0);
    expect(right.counters.framesReceived + left.counters.txDropped + left.queuedFrames).toBe(1000);
  });

  it('loses nothing while the carrier is up and nothing arrives while it is down', () => {
    const { sim, wire, left, right } = pair();
    wire.setCarrier(false);
    left.startStream({ dst: right.macText, count: 3, payloadBytes: 46, framesPerSecond: 1_000_000 });
    sim.engine.runUntil(100_000);
    expect(right.counters.framesReceived).toBe(0);
    expect(left.queuedFrames).toBe(3);
    wire.setCarrier(true);
    sim.engine.runUntil(200_000);
    expect(right.counters.framesReceived).toBe(3);
  });
});

describe('Packet FIFO', () => {
  it('queues frames across the end of its byte ring and snapshots them by content', () => {
    const f = new PacketFifo(100, 8);
    const a = Uint8Array.from({ length: 60 }, (_, i) => i);
    const b = Uint8Array.from({ length: 30 }, (_, i) => 200 + i);
    const out = new Uint8Array(100);
    f.push(a, 60);
    f.push(b, 30);
    expect(f.canFit(20)).toBe(false);
    expect(f.popInto(out)).toBe(60);
    f.push(a, 60); // wraps
    const g = new PacketFifo(100, 8);
    g.restore(f.save());
    expect(g.popInto(out)).toBe(30);
    expect(out.subarray(0, 30)).toEqual(b);
    expect(g.popInto(out)).toBe(60);
    expect(out.subarray(0, 60)).toEqual(a);
    expect(g.popInto(out)).toBe(-1);
  });
});
