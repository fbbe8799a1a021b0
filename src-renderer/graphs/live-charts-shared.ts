/** Small pieces the chart specs and the plot options share. */
import { formatVirtualTime } from '../../src-shared/units/time.ts';

/** uPlot's cursor sync group for the Live charts. */
export const CURSOR_SYNC_KEY = 'vtdw-live';

/** A tick or value without float noise (0.30000000000000004 → 0.3). */
export function tidy(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** A virtual-time tick: seconds for a short run ("2.5 s"), the clock's m:ss or h:mm:ss for a long one. */
export function timeTick(seconds: number): string {
  if (Math.abs(seconds) < 600) return `${tidy(seconds)} s`;
  return formatVirtualTime(Math.round(seconds) * 1e9).split('.')[0];
}

/** A virtual time read off the chart: "7.892 s", or the status bar's clock past ten minutes. */
export function timeValue(seconds: number): string {
  return Math.abs(seconds) < 600 ? `${seconds.toFixed(3)} s` : formatVirtualTime(Math.round(seconds * 1e9));
}
