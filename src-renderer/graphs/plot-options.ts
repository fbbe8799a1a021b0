/**
 * uPlot options for a live chart from its spec and the lines it shows now. Axis widths are
 * measured from the tick labels actually drawn (plus room for the axis title), so a long tick
 * label never runs into the title, whatever the font or theme.
 */
import uPlot from 'uplot';
import type { AxisSpec, LineSpec } from './stream-model.ts';
import { chartPalette } from './palette.ts';
import { CURSOR_SYNC_KEY, timeTick, timeValue } from './live-charts-shared.ts';

const TICK_GAP = 6;
const AXIS_TITLE_FONT = '600 12px system-ui, sans-serif';

/** Width of a y axis: its longest tick label plus tick and gap (uPlot adds the title's labelSize). */
export function axisSize(self: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = self.axes[axisIdx];
  // uPlot calls again while sizes settle; the second answer stands.
  if (cycleNum > 1) return (axis as { _size?: number })._size ?? 50;
  let size = (axis.ticks?.size ?? 10) + TICK_GAP;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), '');
  if (longest) {
    const font = axis.font as unknown as [string, number] | string | undefined;
    self.ctx.font = Array.isArray(font) ? font[0] : (font ?? '12px sans-serif');
    size += self.ctx.measureText(longest).width / (uPlot.pxRatio || 1);
  }
  return Math.ceil(size);
}

export function plotOptions(width: number, height: number, axes: readonly AxisSpec[], lines: readonly LineSpec[]): uPlot.Options {
  const pal = chartPalette();
  const scales: uPlot.Scales = { x: { time: false } };
  for (const a of axes) {
    const headroom = a.headroom ?? 1.1;
    scales[a.scale] = { auto: true, range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * headroom : 1] };
  }
  return {
    width,
    height,
    scales,
    cursor: { sync: { key: CURSOR_SYNC_KEY, scales: ['x', null] }, drag: { x: false, y: false }, y: false },
    series: [
      { label: 'virtual time', value: (_u, v) => (v == null ? '—' : timeValue(v)) },
      ...lines.map((l, i) => ({
        label: l.label,
        scale: l.scale,
        stroke: pal.series[i % pal.series.length],
        width: 2,
        dash: l.dash,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v == null ? '—' : l.format(v)),
      })),
    ],
    axes: [
      { stroke: pal.axis, grid: { stroke: pal.grid }, ticks: { stroke: pal.grid, size: 4 }, size: 24, label: 'virtual time', labelSize: 16, labelFont: AXIS_TITLE_FONT, values: (_u, ticks) => ticks.map(timeTick) },
      ...axes.map((a) => ({
        scale: a.scale,
        side: a.side === 'right' ? 1 : 3,
        stroke: pal.axis,
        grid: a.side === 'right' ? { show: false } : { stroke: pal.grid },
        ticks: { stroke: pal.grid },
        values: (_u: uPlot, ticks: number[]) => ticks.map(a.tick),
        size: axisSize,
        label: a.label,
        labelSize: 20,
        labelFont: AXIS_TITLE_FONT,
      })),
    ],
    legend: { live: true },
  };
}
