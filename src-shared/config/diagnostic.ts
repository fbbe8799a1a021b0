/**
 * Diagnostics of the config language services: a code (stable, used as the Monaco marker code,
 * the key of quick fixes and the CLI's `severity code:` column), a severity, a message that says
 * what xm / xend / GRUB / Xen would do with the text and why, an exact range, and the fixes.
 */
import { SourceText, type Range, type TextEdit } from './source.ts';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply with one keystroke (Monaco's `isPreferred`). */
  preferred?: boolean;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
}

/** Collects diagnostics for one file, converting parser offsets to ranges once. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  constructor(readonly src: SourceText) {}

  add(code: string, severity: Severity, message: string, start: number, end: number, fixes: Fix[] = []): Diagnostic {
    const d: Diagnostic = { code, severity, message, range: this.src.range(start, end), fixes };
    this.list.push(d);
    return d;
  }

  /** A fix replacing the text between two offsets. */
  replace(title: string, start: number, end: number, text: string, preferred = true): Fix {
    return { title, edits: [{ range: this.src.range(start, end), text }], preferred };
  }
}

/**
 * A message's first letter upper-case when it starts with prose ("import of module 'x'" →
 * "Import of module 'x'"); one that starts with the file's own text (`acpi`, `'02:00.0'`) or a
 * tool's name is left as written. Messages start with a capital or with what they are about.
 */
export function sentence(text: string): string {
  return /^[a-z]+ /.test(text) ? text[0].toUpperCase() + text.slice(1) : text;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Sort by position, then severity, so output is stable for golden files. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      a.range.startLine - b.range.startLine ||
      a.range.startColumn - b.range.startColumn ||
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Edit distance with adjacent swaps (optimal string alignment), capped for speed. */
export function editDistance(a: string, b: string, cap = 4): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      // A swap of two neighbours counts as one edit ("memroy" -> "memory").
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2] + 1);
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > cap) return cap + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The closest name within a distance that grows with the name's length, if any. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const limit = name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = c === lower ? 0 : editDistance(lower, c, limit);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
