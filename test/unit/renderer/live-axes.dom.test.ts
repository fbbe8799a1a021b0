/**
 * The Live charts' y axes are as wide as the tick labels they draw: uPlot puts the axis title
 * beyond that width, so a long label ("1.5×", "20.0 k×") can never run into "virtual s per wall s"
 * (the defect seen at 1024×640 in the dark theme, when the width was a fixed 60 px).
 */
import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { axisSize, plotOptions } from '../../../src-renderer/graphs/plot-options.ts';
import { HEARTBEAT } from '../../../src-renderer/graphs/live-charts.ts';
import { timeTick } from '../../../src-renderer/graphs/live-charts-shared.ts';

/** A plot whose canvas measures 7 px per character, whatever the font. */
function measuringPlot(settled?: number) {
  const ctx = { font: '', measureText: (t: string) => ({ width: t.length * 7 * (window.devicePixelRatio || 1) }) };
  return { ctx, axes: [{}, { font: ['bold 12px sans-serif', 12], ticks: { size: 4 }, _size: settled }] } as unknown as uPlot;
}

describe('the width of a live chart axis', () => {
  it('is the longest tick label plus tick and gap, measured in the axis font', () => {
    const plot = measuringPlot();
    expect(axisSize(plot, ['0×', '0.5×', '20.0 k×'], 1, 0)).toBe(4 + 6 + 7 * 7);
    expect((plot as unknown as { ctx: { font: string } }).ctx.font).toBe('bold 12px sans-serif');
  });

  it('keeps the width it settled on when uPlot asks again', () => {
    expect(axisSize(measuringPlot(57), ['a very long tick label'], 1, 2)).toBe(57);
  });

  it('is what every y axis of a live chart uses, with the title outside it', () => {
    const opts = plotOptions(400, 190, HEARTBEAT.axes, []);
    const yAxes = opts.axes!.slice(1);
    expect(yAxes.map((a) => a.label)).toEqual(['events / wall s', 'virtual s per wall s']);
    expect(yAxes.every((a) => a.size === axisSize && (a.labelSize ?? 0) >= 16)).toBe(true);
  });

  it('labels speeds without float noise, and thousands with a prefix', () => {
    const speed = HEARTBEAT.axes[1].tick;
    expect([0.30000000000000004, 1.5, 20000].map(speed)).toEqual(['0.3×', '1.5×', '20.0 k×']);
  });

  it('labels virtual time in seconds for a short run and as a clock for a long one', () => {
    expect([0.5, 2, 599.5, 3600, 65_400].map(timeTick)).toEqual(['0.5 s', '2 s', '599.5 s', '1:00:00', '18:10:00']);
  });
});
