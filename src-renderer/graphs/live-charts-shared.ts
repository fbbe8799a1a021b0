/** Small pieces the chart specs and the plot options share. */

/** uPlot's cursor sync group for the Live charts. */
export const CURSOR_SYNC_KEY = 'vtdw-live';

/** A tick or value without float noise (0.30000000000000004 → 0.3). */
export function tidy(v: number): string {
  return String(Number(v.toPrecision(6)));
}
