/**
 * Throughput per NIC in Mbit/s from the `nic` series' cumulative octet counters: octets × 8 over
 * virtual time, one received and one sent line per NIC named by its BDF. The first sample is only
 * a base; a reset (another machine: counters or the clock start again, or another set of NICs)
 * never draws a negative spike; a gap in the samples breaks the line instead of averaging over it.
 */
import { describe, expect, it } from 'vitest';
import { CounterRates, GAP_WALL_MS } from '../../../src-renderer/graphs/counter-rates.ts';
import { StreamModel, chartId } from '../../../src-renderer/graphs/stream-model.ts';
import { NIC, NIC_MBPS, slotBdf } from '../../../src-renderer/graphs/live-charts.ts';
import { NIC_SLOTS, nicSlotColumns } from '../../../src-shared/protocol/index.ts';

const MS = 1_000_000;
/** 0000:02:00.0 and 0000:05:01.0 as the series names them (segment × 65536 + requester id). */
const SEED_NIC = 0x0200;
const BRIDGED_NIC = 0x0508;

interface Row {
  wallMs: number;
  ns: number;
  /** Per slot: [BDF, rxBytes, txBytes]. */
  nics: [bdf: number, rx: number, tx: number][];
}

/** A frame of the nic series with the given rows (totals are not read by this chart). */
function frame(rows: Row[]): Record<string, number[]> {
  const cols: Record<string, number[]> = { wallMs: rows.map((r) => r.wallMs), virtualNs: rows.map((r) => r.ns) };
  for (let k = 0; k < NIC_SLOTS; k++) {
    const c = nicSlotColumns(k);
    cols[c.bdf] = rows.map((r) => r.nics[k]?.[0] ?? -1);
    cols[c.rxBytes] = rows.map((r) => r.nics[k]?.[1] ?? 0);
    cols[c.txBytes] = rows.map((r) => r.nics[k]?.[2] ?? 0);
  }
  return cols;
}

/** Samples every 50 ms of wall and virtual time (a run at 1×), the seed NIC's counters given. */
const seedRows = (counts: [rx: number, tx: number][], startMs = 0): Row[] => counts.map(([rx, tx], i) => ({ wallMs: startMs + i * 50, ns: (startMs + i * 50) * MS, nics: [[SEED_NIC, rx, tx]] }));

const newest = (m: StreamModel) => m.latest(m.view().lines);

describe('throughput per NIC', () => {
  it('is its own chart on the nic series, beside the frames chart', () => {
    expect([chartId(NIC), chartId(NIC_MBPS)]).toEqual(['nic', 'nic-mbps']);
    expect(NIC_MBPS.axes.map((a) => a.label)).toEqual(['Mbit/s']);
  });

  it('is octets × 8 per virtual second, in Mbit/s, one received and one sent line per NIC by BDF', () => {
    const m = new StreamModel(NIC_MBPS);
    // 1,250,000 octets in 50 ms of virtual time: 200 Mbit/s, the seed's headline figure.
    m.ingest(frame(seedRows([[0, 0], [1_250_000, 62_500]])));
    expect(newest(m)).toEqual([
      { label: '0000:02:00.0 received', value: '200 Mbit/s' },
      { label: '0000:02:00.0 sent', value: '10 Mbit/s' },
    ]);
    expect(m.view().data).toEqual([[0.05], [200], [10]]);
  });

  it('measures virtual time, not wall time: the same traffic reads the same at 10×', () => {
    const fast = new StreamModel(NIC_MBPS);
    fast.ingest(frame([{ wallMs: 0, ns: 0, nics: [[SEED_NIC, 0, 0]] }, { wallMs: 50, ns: 500 * MS, nics: [[SEED_NIC, 12_500_000, 0]] }]));
    expect(newest(fast)[0].value).toBe('200 Mbit/s');
  });

  it('takes the first sample as the base only: nothing is drawn from a lone counter', () => {
    const m = new StreamModel(NIC_MBPS);
    // A machine that already moved 10 MB before the chart subscribed: no 10 MB spike.
    expect(m.ingest(frame(seedRows([[10_000_000, 0]])))).toBe(0);
    expect(m.state()).toBe('waiting');
    m.ingest(frame(seedRows([[10_000_000, 0]], 50)));
    expect(m.view().data).toEqual([[0.05], [0], [0]]);
  });

  it('starts afresh, never negative, when another machine powers on (the counters start again)', () => {
    const m = new StreamModel(NIC_MBPS);
    m.ingest(frame(seedRows([[0, 0], [1_250_000, 0], [2_500_000, 0]])));
    // The new machine's clock is later than the old one's, its counters lower.
    m.ingest(frame(seedRows([[1000, 0], [126_000, 0]], 200)));
    const [xs, rx] = m.view().data;
    expect(xs).toEqual([0.25]);
    expect(rx).toEqual([20]);
    expect(rx.every((v) => v! >= 0)).toBe(true);
  });

  it('starts afresh when another set of NICs appears, even if every counter went up', () => {
    const m = new StreamModel(NIC_MBPS);
    m.ingest(frame(seedRows([[0, 0], [100, 0]])));
    // The bridge desktop: the same first NIC and a new one in the second slot, clock and counters ahead.
    const bridged = (wallMs: number, rx: number): Row => ({ wallMs, ns: wallMs * MS, nics: [[SEED_NIC, rx, 0], [BRIDGED_NIC, rx, 0]] });
    m.ingest(frame([bridged(100, 10_000_000)]));
    expect(m.state()).toBe('waiting');
    m.ingest(frame([bridged(150, 10_000_000)]));
    expect(m.view().lines.map((l) => l.label)).toEqual(['0000:02:00.0 received', '0000:02:00.0 sent', '0000:05:01.0 received', '0000:05:01.0 sent']);
    expect(m.view().data.slice(1)).toEqual([[0], [0], [0], [0]]);
  });

  it('starts afresh when told another machine was powered on', () => {
    const m = new StreamModel(NIC_MBPS);
    m.ingest(frame(seedRows([[0, 0], [1_250_000, 0]])));
    m.startAfresh();
    expect(m.state()).toBe('waiting');
    // The first sample after it is a base, whatever the counters say.
    m.ingest(frame(seedRows([[9_000_000, 0]], 100)));
    expect(m.ring.size).toBe(0);
  });

  it('breaks the line over a gap in the samples instead of drawing an average across it', () => {
    const m = new StreamModel(NIC_MBPS);
    m.ingest(frame(seedRows([[0, 0], [1_250_000, 0]])));
    // No sample for two wall seconds: the next sample is a new base, then rates go on.
    const after = GAP_WALL_MS + 1000;
    m.ingest(frame(seedRows([[50_000_000, 0], [51_250_000, 0]], after)));
    const [xs, rx] = m.view().data;
    expect(rx).toEqual([200, null, 200]);
    expect(xs[0]).toBe(0.05);
    expect(xs[2]).toBe((after + 50) / 1000);
  });

  it('says, before any sample, that it waits, with one line for all NICs', () => {
    const m = new StreamModel(NIC_MBPS);
    expect(m.view().lines.map((l) => l.label)).toEqual(['all NICs']);
    expect(m.state()).toBe('waiting');
  });
});

describe('the rate of a counter across a gap', () => {
  it('is not measured: a silence longer than the gap limit rebases, a paused run does not', () => {
    const r = new CounterRates(['octets']);
    expect(r.push(0, [0], 0)).toEqual({ kind: 'base' });
    expect(r.push(0, [0], 5000)).toEqual({ kind: 'still' });
    expect(r.push(50 * MS, [100], 5050)).toEqual({ kind: 'rate', step: { x: 0.05, rates: [2000] } });
    expect(r.push(100 * MS, [200], 5050 + GAP_WALL_MS + 1)).toEqual({ kind: 'gap' });
    expect(r.push(150 * MS, [300], 5050 + GAP_WALL_MS + 51)).toEqual({ kind: 'rate', step: { x: 0.15, rates: [2000] } });
  });
});

describe('a NIC slot of the nic series', () => {
  it('names its NIC by BDF, or none for an empty slot', () => {
    expect([slotBdf(SEED_NIC), slotBdf(BRIDGED_NIC), slotBdf(0x1_0200), slotBdf(-1)]).toEqual(['0000:02:00.0', '0000:05:01.0', '0001:02:00.0', undefined]);
  });
});
