/**
 * Rates from the machine's cumulative counters over virtual time, and what a live chart's model
 * keeps and shows: paused runs add nothing, another machine starts the chart afresh, the ring
 * stays bounded, and the interrupt chart draws the GSIs that moved, busiest first, the rest summed.
 */
import { describe, expect, it } from 'vitest';
import { CounterRates } from '../../../src-renderer/graphs/counter-rates.ts';
import { StreamModel } from '../../../src-renderer/graphs/stream-model.ts';
import { HEARTBEAT, INTERRUPTS, NIC } from '../../../src-renderer/graphs/live-charts.ts';
import { GSI_COLUMNS } from '../../../src-shared/protocol/index.ts';

const MS = 1_000_000;

/** A frame of the interrupts series: one row per sample, counts given for some GSIs. */
function irqFrame(rows: { ns: number; counts: Record<number, number> }[]): Record<string, number[]> {
  const cols: Record<string, number[]> = { wallMs: rows.map((_, i) => i * 50), virtualNs: rows.map((r) => r.ns) };
  GSI_COLUMNS.forEach((c, gsi) => (cols[c] = rows.map((r) => r.counts[gsi] ?? 0)));
  return cols;
}

function nicFrame(rows: [ns: number, rx: number, tx: number][]): Record<string, number[]> {
  return { wallMs: rows.map((_, i) => i), virtualNs: rows.map((r) => r[0]), rxFrames: rows.map((r) => r[1]), txFrames: rows.map((r) => r[2]), rxDropped: rows.map(() => 0) };
}

describe('rates from cumulative counters', () => {
  it('divides each counter difference by the virtual time between samples', () => {
    const r = new CounterRates(['rx', 'tx']);
    expect(r.push(100 * MS, [10, 0])).toEqual({ kind: 'base' });
    // 50 frames in 50 ms of virtual time is 1000 frames per virtual second.
    expect(r.push(150 * MS, [60, 5])).toEqual({ kind: 'rate', step: { x: 0.15, rates: [1000, 100] } });
  });

  it('adds nothing while virtual time stands still (a paused run), then measures from the last sample', () => {
    const r = new CounterRates(['n']);
    r.push(0, [0]);
    expect(r.push(0, [0])).toEqual({ kind: 'still' });
    expect(r.push(10 * MS, [1])).toEqual({ kind: 'rate', step: { x: 0.01, rates: [100] } });
  });

  it('starts afresh when virtual time or a counter goes backwards (another machine, a new simulator)', () => {
    const r = new CounterRates(['n']);
    r.push(500 * MS, [40]);
    expect(r.push(20 * MS, [0])).toEqual({ kind: 'reset' });
    expect(r.push(70 * MS, [5])).toEqual({ kind: 'rate', step: { x: 0.07, rates: [100] } });
    expect(r.push(80 * MS, [2])).toEqual({ kind: 'reset' });
  });
});

describe('a live chart model', () => {
  it('turns the NIC counters into frames per virtual second, whatever the run speed', () => {
    const slow = new StreamModel(NIC);
    const fast = new StreamModel(NIC);
    // The same traffic (1000 frames per virtual second) sampled at 0.1× and at 10×.
    slow.ingest(nicFrame([[0, 0, 0], [5 * MS, 5, 1]]));
    fast.ingest(nicFrame([[0, 0, 0], [500 * MS, 500, 100]]));
    expect(slow.latest(slow.view().lines)).toEqual([
      { label: 'received', value: '1.00 k/s' },
      { label: 'sent', value: '200 /s' },
      { label: 'dropped', value: '0 /s' },
    ]);
    expect(fast.latest(fast.view().lines)).toEqual(slow.latest(slow.view().lines));
  });

  it('says it is waiting, then flat, then moving, then quiet once what moved has left the window', () => {
    const m = new StreamModel(NIC, 3);
    expect(m.state()).toBe('waiting');
    m.ingest(nicFrame([[0, 0, 0], [50 * MS, 0, 0]]));
    expect(m.state()).toBe('flat');
    m.ingest(nicFrame([[100 * MS, 3, 0]]));
    expect(m.state()).toBe('moving');
    m.ingest(nicFrame([[150 * MS, 3, 0], [200 * MS, 3, 0], [250 * MS, 3, 0]]));
    expect(m.state()).toBe('quiet');
    // Another machine: its counters start at zero and nothing has moved on it yet.
    m.ingest(nicFrame([[10 * MS, 0, 0], [60 * MS, 0, 0]]));
    expect(m.state()).toBe('flat');
  });

  it('keeps at most its capacity of points, the newest ones', () => {
    const m = new StreamModel(HEARTBEAT, 5);
    const ns = Array.from({ length: 12 }, (_, i) => (i + 1) * 50 * MS);
    m.ingest({ wallMs: ns.map((_, i) => i), virtualNs: ns, eventsPerSecond: ns.map((_, i) => i), achievedSpeed: ns.map(() => 1) });
    expect(m.received).toBe(12);
    const [xs, events] = m.view().data;
    expect(xs).toEqual([0.4, 0.45, 0.5, 0.55, 0.6]);
    expect(events).toEqual([7, 8, 9, 10, 11]);
  });

  it('drops heartbeat samples of a paused run, since they add no virtual time', () => {
    const m = new StreamModel(HEARTBEAT);
    const added = m.ingest({ wallMs: [0, 50, 100], virtualNs: [MS, MS, 2 * MS], eventsPerSecond: [5, 0, 5], achievedSpeed: [1, 0, 1] });
    expect(added).toBe(2);
    expect(m.view().data[0]).toEqual([0.001, 0.002]);
  });

  it('draws one flat "all GSIs" line until an interrupt arrives', () => {
    const m = new StreamModel(INTERRUPTS);
    m.ingest(irqFrame([{ ns: 0, counts: {} }, { ns: 50 * MS, counts: {} }]));
    expect(m.view().lines.map((l) => l.label)).toEqual(['all GSIs']);
    expect(m.view().data[1]).toEqual([0]);
  });

  it('draws only the GSIs that moved, in GSI order', () => {
    const m = new StreamModel(INTERRUPTS);
    m.ingest(irqFrame([{ ns: 0, counts: { 16: 0, 1: 0 } }, { ns: 100 * MS, counts: { 16: 20, 1: 1 } }]));
    const v = m.view();
    expect(v.lines.map((l) => l.label)).toEqual(['GSI 1', 'GSI 16']);
    expect(v.data.slice(1)).toEqual([[10], [200]]);
    expect(m.latest(v.lines)).toEqual([
      { label: 'GSI 1', value: '10.0 /s' },
      { label: 'GSI 16', value: '200 /s' },
    ]);
  });

  it('keeps the five busiest GSIs and sums the rest into one line when more than six moved', () => {
    const m = new StreamModel(INTERRUPTS);
    const later: Record<number, number> = {};
    for (let gsi = 0; gsi < 9; gsi++) later[gsi] = (gsi + 1) * 10; // GSI 8 busiest, GSI 0 quietest
    m.ingest(irqFrame([{ ns: 0, counts: {} }, { ns: 1000 * MS, counts: later }]));
    const v = m.view();
    expect(v.lines.map((l) => l.label)).toEqual(['GSI 4', 'GSI 5', 'GSI 6', 'GSI 7', 'GSI 8', '4 other']);
    expect(v.data.at(-1)).toEqual([10 + 20 + 30 + 40]);
  });
});
