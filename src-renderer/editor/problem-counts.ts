/** Error and warning counts of a set of diagnostics, for the Problems panel and the tab badges. */
import type { Diagnostic } from '../../src-shared/config/index.ts';

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function countBySeverity(ds: readonly Diagnostic[]): SeverityCounts {
  const c: SeverityCounts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of ds) c[d.severity]++;
  return c;
}

/** "1 error", "2 warnings". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
