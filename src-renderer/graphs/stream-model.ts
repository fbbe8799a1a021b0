/**
 * What one live chart holds and shows, apart from drawing: the samples of one catalogue series
 * in a bounded ring on a virtual-time axis, as gauges (the heartbeat) or as rates computed from
 * cumulative counters, and which lines to draw (all, or the busiest few with the rest summed).
 */
import type { SeriesName } from '../../src-shared/protocol/index.ts';
import { CounterRates } from './counter-rates.ts';
import { RingSeries } from './ring-series.ts';

export interface AxisSpec {
  scale: string;
  label: string;
  side: 'left' | 'right';
  tick: (v: number) => string;
  /** Room above the highest value, as a factor (1.1 unless said). */
  headroom?: number;
}

export interface LineSpec {
  label: string;
  scale: string;
  format: (v: number) => string;
  dash?: number[];
  /** Ring columns summed into this line. */
  columns: readonly number[];
}

/** Lines named by what the newest sample says it measures (which NIC sits in which slot). */
export interface IdentityLines {
  /** Lines for these identity values; empty until a sample says what there is. */
  from: (identity: Readonly<Record<string, number>>) => LineSpec[];
  /** The one line drawn while no sample has come (every input summed). */
  allLabel: string;
  scale: string;
  format: (v: number) => string;
}

export interface StreamSpec {
  series: SeriesName;
  /**
   * Which view of the series this chart is, when a series has more than one chart: the chart's
   * id (its test ids, its key) is `series-view`, or the series' name for the series' first chart.
   */
  view?: string;
  title: string;
  /** Catalogue columns read, in ring order. */
  inputs: readonly string[];
  /** Catalogue columns that say what the inputs measure (not drawn); a change starts the chart afresh. */
  identity?: readonly string[];
  /** Counters are drawn as rates per virtual second; gauges as they come. */
  counters: boolean;
  /** Rates are multiplied by this before they are kept (octets/s × 8 / 10⁶ = Mbit/s); 1 unless said. */
  rateFactor?: number;
  axes: readonly AxisSpec[];
  /** Fixed lines, `top` to draw the busiest columns (nonzero only) and sum the rest, or lines per identity. */
  lines: readonly LineSpec[] | { top: number; label: (input: string) => string; allLabel: string; scale: string; format: (v: number) => string } | IdentityLines;
  /** Said over the chart while every value is zero. */
  flatText: string;
}

export interface ChartView {
  /** Changes when the set of lines changes (the plot is then rebuilt). */
  key: string;
  lines: LineSpec[];
  data: [number[], ...(number | null)[][]];
}

/** No sample yet; all zero so far; all zero in the window after something moved; something moving. */
export type StreamState = 'waiting' | 'flat' | 'quiet' | 'moving';

/** The chart's own id: its series, and its view when the series has several charts. */
export function chartId(spec: Pick<StreamSpec, 'series' | 'view'>): string {
  return spec.view ? `${spec.series}-${spec.view}` : spec.series;
}

/** About a minute of samples at the simulator's 20 samples per wall second. */
export const RING_CAPACITY = 1200;

export class StreamModel {
  readonly ring: RingSeries;
  private readonly rates: CounterRates;
  /** Samples received (all of them, including those a paused run adds nothing for). */
  received = 0;
  /** Something moved since this machine's clock started (a quiet chart is then not "yet" flat). */
  private moved = false;
  /** The identity columns of the newest sample. */
  private identity: Record<string, number> = {};

  constructor(
    readonly spec: StreamSpec,
    capacity = RING_CAPACITY,
  ) {
    this.ring = new RingSeries(capacity, spec.inputs);
    this.rates = new CounterRates(spec.inputs);
  }

  /** Takes one frame of the series (columns of equal length); returns how many points it added. */
  ingest(columns: Record<string, number[]>): number {
    const ns = columns.virtualNs ?? [];
    let added = 0;
    for (let i = 0; i < ns.length; i++) {
      const values = this.spec.inputs.map((c) => columns[c]?.[i] ?? 0);
      this.received++;
      if (this.identityChanged(columns, i)) this.startAfresh();
      if (this.spec.counters) added += this.pushRate(ns[i], values, columns.wallMs?.[i]);
      else added += this.pushGauge(ns[i], values);
    }
    return added;
  }

  /** The connection was lost: the next sample comes from another process and starts afresh. */
  breakSegment(): void {
    this.rates.clear();
    this.ring.breakSegment();
  }

  /** Another machine was powered on: its counters start again, and so does the chart. */
  startAfresh(): void {
    this.rates.clear();
    this.restart();
  }

  state(): StreamState {
    if (this.ring.size === 0) return 'waiting';
    if (this.ring.totals().some((t) => t !== 0)) return 'moving';
    return this.moved ? 'quiet' : 'flat';
  }

  view(): ChartView {
    const lines = this.pickLines();
    return { key: lines.map((l) => l.label).join('|'), lines, data: this.ring.view(lines.map((l) => l.columns)) };
  }

  /** The newest value of each line shown, formatted, for the text alternative. */
  latest(lines: readonly LineSpec[]): { label: string; value: string }[] {
    const last = this.ring.last();
    return lines.map((l) => ({ label: l.label, value: last ? l.format(l.columns.reduce((s, k) => s + last[k], 0)) : '—' }));
  }

  /** Another machine or simulator: its clock and counters start again, and so does the chart. */
  private restart(): void {
    this.ring.clear();
    this.moved = false;
  }

  private keep(x: number, values: number[]): void {
    this.ring.push(x, values);
    this.moved ||= values.some((v) => v !== 0);
  }

  private pushGauge(virtualNs: number, values: number[]): number {
    const x = virtualNs / 1e9;
    const ext = this.ring.extent();
    if (ext && x < ext[1]) this.restart();
    else if (ext && x === ext[1]) return 0; // a paused run: virtual time stands still
    this.keep(x, values);
    return 1;
  }

  private pushRate(virtualNs: number, values: number[], wallMs: number | undefined): number {
    const r = this.rates.push(virtualNs, values, wallMs);
    if (r.kind === 'reset') this.restart();
    if (r.kind === 'gap') this.ring.breakLine();
    if (r.kind !== 'rate') return 0;
    const f = this.spec.rateFactor ?? 1;
    this.keep(r.step.x, f === 1 ? r.step.rates : r.step.rates.map((v) => v * f));
    return 1;
  }

  /** Reads the sample's identity columns; true when they differ from the last sample's. */
  private identityChanged(columns: Record<string, number[]>, i: number): boolean {
    const cols = this.spec.identity;
    if (!cols?.length) return false;
    const next: Record<string, number> = {};
    for (const c of cols) next[c] = columns[c]?.[i] ?? -1;
    const had = Object.keys(this.identity).length > 0;
    const changed = had && cols.some((c) => next[c] !== this.identity[c]);
    this.identity = next;
    return changed;
  }

  private pickLines(): LineSpec[] {
    const lines = this.spec.lines;
    if (Array.isArray(lines)) return [...lines];
    if ('from' in lines) {
      const named = lines.from(this.identity);
      const all = this.spec.inputs.map((_, k) => k);
      return named.length ? named : [{ label: lines.allLabel, scale: lines.scale, format: lines.format, columns: all }];
    }
    const pick = lines as Exclude<StreamSpec['lines'], readonly LineSpec[] | IdentityLines>;
    const totals = this.ring.totals();
    const moved = totals.map((t, k) => ({ t, k })).filter((c) => c.t > 0).sort((a, b) => b.t - a.t || a.k - b.k);
    const all = this.spec.inputs.map((_, k) => k);
    if (moved.length === 0) return [{ label: pick.allLabel, scale: pick.scale, format: pick.format, columns: all }];
    const top = moved.slice(0, moved.length > pick.top ? pick.top - 1 : pick.top).sort((a, b) => a.k - b.k);
    const shown = top.map(({ k }) => ({ label: pick.label(this.spec.inputs[k]), scale: pick.scale, format: pick.format, columns: [k] }));
    const rest = moved.filter((c) => !top.includes(c)).map((c) => c.k);
    if (rest.length) shown.push({ label: `${rest.length} other`, scale: pick.scale, format: pick.format, columns: rest });
    return shown;
  }
}
