/**
 * How a live chart makes its plot: uPlot in the app; tests provide a recording stand-in, since
 * happy-dom has no canvas to draw on.
 */
import type { InjectionKey } from 'vue';
import uPlot from 'uplot';

/** The part of uPlot a live chart uses. */
export interface Plot {
  setData(data: uPlot.AlignedData): void;
  setSize(size: { width: number; height: number }): void;
  /** Shows the values at a sample in the legend. */
  setLegend(opts: { idx: number }): void;
  destroy(): void;
}

export type PlotFactory = (opts: uPlot.Options, data: uPlot.AlignedData, el: HTMLElement) => Plot;

export const plotFactoryKey: InjectionKey<PlotFactory> = Symbol('plot-factory');

export const uPlotFactory: PlotFactory = (opts, data, el) => new uPlot(opts, data, el);
