/**
 * The Live area's chart component, driven from outside: series frames arrive from a pretend
 * simulator, animation frames from a hand-turned clock, and a recording stand-in replaces uPlot
 * (happy-dom has no canvas). What the user sees is what is asserted: draws, the quiet-machine
 * text, the text alternative and the freeze.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import LiveChart from '../../../src-renderer/graphs/LiveChart.vue';
import { HEARTBEAT, NIC } from '../../../src-renderer/graphs/live-charts.ts';
import { LiveTimeline, timelineKey, type FrameClock } from '../../../src-renderer/graphs/timeline.ts';
import { plotFactoryKey, type Plot, type PlotFactory } from '../../../src-renderer/graphs/plot-factory.ts';
import { simClientKey } from '../../../src-renderer/sim-client/index.ts';
import type { StreamSpec } from '../../../src-renderer/graphs/stream-model.ts';

const MS = 1_000_000;

/** Animation frames that come only when the test says so, at the times it says. */
function handClock() {
  let pending: ((t: number) => void) | undefined;
  const clock: FrameClock = {
    request: (cb) => ((pending = cb), 1),
    cancel: () => (pending = undefined),
  };
  return {
    clock,
    get waiting() {
      return pending !== undefined;
    },
    tick(t: number) {
      const cb = pending;
      pending = undefined;
      cb?.(t);
    },
  };
}

/** A pretend simulator client: records subscriptions and lets the test send frames. */
function fakeClient() {
  const subs = new Map<string, (cols: Record<string, number[]>) => void>();
  const unsubscribed: string[] = [];
  return {
    subs,
    unsubscribed,
    client: {
      subscribe(series: string, onFrame: (cols: Record<string, number[]>) => void) {
        subs.set(series, onFrame);
        return () => unsubscribed.push(series);
      },
      onState: () => () => undefined,
      onMachineChanged: () => () => undefined,
    },
  };
}

/** uPlot's stand-in: every plot made, with the data it was given. */
function recordingPlots() {
  const made: { lines: string[]; data: unknown[][]; setData: number; destroyed: boolean; legendIdx?: number }[] = [];
  const factory: PlotFactory = (opts, data) => {
    const rec = { lines: opts.series.slice(1).map((s) => String(s.label)), data: data as unknown[][], setData: 0, destroyed: false, legendIdx: undefined as number | undefined };
    made.push(rec);
    const plot: Plot = {
      setData: (d) => {
        rec.data = d as unknown[][];
        rec.setData++;
      },
      setSize: () => undefined,
      setLegend: ({ idx }) => (rec.legendIdx = idx),
      destroy: () => (rec.destroyed = true),
    };
    return plot;
  };
  return { made, factory };
}

function nicRows(rows: [ns: number, rx: number][]): Record<string, number[]> {
  return { wallMs: rows.map((_, i) => i), virtualNs: rows.map((r) => r[0]), rxFrames: rows.map((r) => r[1]), txFrames: rows.map(() => 0), rxDropped: rows.map(() => 0) };
}

let wrapper: VueWrapper | undefined;
afterEach(() => wrapper?.unmount());

function setup(spec: StreamSpec) {
  const frames = handClock();
  const timeline = new LiveTimeline(frames.clock);
  const sim = fakeClient();
  const plots = recordingPlots();
  wrapper = mount(LiveChart, {
    props: { spec },
    attachTo: document.body,
    global: { provide: { [simClientKey as symbol]: sim.client, [plotFactoryKey as symbol]: plots.factory, [timelineKey as symbol]: timeline } },
  });
  const send = (cols: Record<string, number[]>) => sim.subs.get(spec.series)!(cols);
  return { frames, timeline, sim, plots, send, w: wrapper };
}

describe('a live chart', () => {
  it('subscribes to its series and says it waits for the first sample', () => {
    const { sim, w } = setup(NIC);
    expect([...sim.subs.keys()]).toEqual(['nic']);
    expect(w.get('[data-testid=chart-nic-empty]').text()).toBe('Waiting for the first sample…');
    expect(w.get('[data-testid=chart-nic-summary]').text()).toBe('E1000 frames: Waiting for the first sample…');
  });

  it('draws once per animation frame however many frames arrive', async () => {
    const { frames, plots, send } = setup(NIC);
    send(nicRows([[0, 0]]));
    send(nicRows([[50 * MS, 5]]));
    send(nicRows([[100 * MS, 10]]));
    expect(frames.waiting).toBe(true);
    frames.tick(1000);
    expect(plots.made.at(-1)!.setData).toBe(1);
    expect(plots.made.at(-1)!.data).toEqual([[0.05, 0.1], [100, 100], [0, 0], [0, 0]]);
    // Nothing new: no frame is even asked for.
    expect(frames.waiting).toBe(false);
  });

  it('draws at most 60 times a second, even on a faster display', () => {
    const { frames, plots, send, timeline } = setup(NIC);
    send(nicRows([[0, 0], [50 * MS, 0]]));
    frames.tick(1000);
    send(nicRows([[100 * MS, 0]]));
    frames.tick(1008); // a 120 Hz display's next frame: too soon, asked again
    expect(timeline.framesDrawn).toBe(1);
    frames.tick(1017);
    expect(timeline.framesDrawn).toBe(2);
    expect(plots.made.at(-1)!.setData).toBe(2);
  });

  it('says in words that the NIC is quiet, and lists its newest rates in the text alternative', async () => {
    const { frames, send, w } = setup(NIC);
    send(nicRows([[0, 0], [50 * MS, 0]]));
    frames.tick(1000);
    await w.vm.$nextTick();
    expect(w.get('[data-testid=chart-nic]').attributes('data-state')).toBe('flat');
    expect(w.get('[data-testid=chart-nic-empty]').text()).toBe('No frames yet: the NIC is idle until a driver runs.');
    expect(w.findAll('[data-testid=chart-nic-values] tr').map((r) => r.text())).toEqual(['received0 /s', 'sent0 /s', 'dropped0 /s']);
    expect(w.get('[data-testid=chart-nic-values] caption').text()).toBe('E1000 frames, newest values at virtual time 0.050 s');
  });

  it('announces when frames start to flow, and hides the quiet-machine text', async () => {
    const { frames, send, w } = setup(NIC);
    send(nicRows([[0, 0], [50 * MS, 0]]));
    frames.tick(1000);
    send(nicRows([[100 * MS, 20]]));
    frames.tick(1100);
    await w.vm.$nextTick();
    expect(w.find('[data-testid=chart-nic-empty]').exists()).toBe(false);
    expect(w.get('[data-testid=chart-nic-summary]').text()).toBe('E1000 frames: showing received, sent, dropped.');
    expect(w.get('[data-testid=chart-nic-summary]').attributes('aria-live')).toBe('polite');
    expect(w.findAll('[data-testid=chart-nic-values] td').map((c) => c.text())).toEqual(['400 /s', '0 /s', '0 /s']);
  });

  it('holds the view while frozen but keeps the samples, and shows them all when it follows again', () => {
    const { frames, plots, send, timeline, w } = setup(HEARTBEAT);
    const beat = (ns: number) => send({ wallMs: [ns / MS], virtualNs: [ns], eventsPerSecond: [1000], achievedSpeed: [1] });
    beat(50 * MS);
    frames.tick(1000);
    timeline.setFrozen(true);
    for (let i = 2; i <= 10; i++) beat(i * 50 * MS);
    expect(frames.waiting).toBe(false);
    expect(plots.made.at(-1)!.setData).toBe(1);
    expect(w.emitted('points')!.at(-1)).toEqual([10]);
    timeline.setFrozen(false);
    frames.tick(2000);
    expect(plots.made.at(-1)!.data[0]).toHaveLength(10);
    expect(plots.made.at(-1)!.legendIdx).toBe(9);
  });

  it('draws nothing while the Live area is hidden, and catches up when shown', () => {
    const { frames, plots, send, timeline } = setup(NIC);
    timeline.setHidden(true);
    send(nicRows([[0, 0], [50 * MS, 0], [100 * MS, 5]]));
    frames.tick(1000);
    expect(plots.made.at(-1)!.setData).toBe(0);
    timeline.setHidden(false);
    frames.tick(1100);
    expect(plots.made.at(-1)!.data[0]).toEqual([0.05, 0.1]);
  });

  it('holds the view while the pointer is on it', async () => {
    const { frames, plots, send, timeline, w } = setup(HEARTBEAT);
    await w.get('.plot-wrap').trigger('pointerenter');
    expect(timeline.hovering.value).toBe(true);
    send({ wallMs: [1, 2], virtualNs: [MS, 2 * MS], eventsPerSecond: [1, 2], achievedSpeed: [1, 1] });
    frames.tick(1000);
    expect(plots.made.at(-1)!.setData).toBe(0);
    await w.get('.plot-wrap').trigger('pointerleave');
    frames.tick(1100);
    expect(plots.made.at(-1)!.data[0]).toEqual([0.001, 0.002]);
  });

  it('rebuilds its plot when the lines to draw change, and lets go of everything when removed', () => {
    const { frames, plots, sim, send, w } = setup({ ...NIC, lines: { top: 2, label: (c) => c, allLabel: 'all', scale: 'rate', format: String } });
    send(nicRows([[0, 0], [50 * MS, 0]]));
    frames.tick(1000);
    expect(plots.made.at(-1)!.lines).toEqual(['all']);
    send(nicRows([[100 * MS, 3]]));
    frames.tick(1100);
    expect(plots.made.at(-1)!.lines).toEqual(['rxFrames']);
    expect(plots.made.slice(0, -1).every((p) => p.destroyed)).toBe(true);
    w.unmount();
    wrapper = undefined;
    expect(sim.unsubscribed).toEqual(['nic']);
    expect(plots.made.at(-1)!.destroyed).toBe(true);
  });
});
