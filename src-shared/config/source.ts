/**
 * Positions in a config file as the editor and the CLI show them: 1-based line and column,
 * columns counted in UTF-16 code units (Monaco's unit), ranges end-exclusive. Parsers work in
 * offsets; `SourceText` converts once per file with a line-start table (binary search), so a
 * 2,000-line file costs a few microseconds per diagnostic.
 *
 * Line breaks are `\n`, `\r\n` and a lone `\r`, the set Monaco splits on, so a range computed
 * here lands on the same characters in the editor.
 */

export interface Range {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** Replace the text in `range` by `text` (an empty range inserts). */
export interface TextEdit {
  range: Range;
  text: string;
  /**
   * The file the edit applies to when it is not the diagnostic's own (a guest's diagnostic fixed
   * in grub.conf): the name the file was given to `checkFiles`/`lint`. Absent: the same file.
   */
  file?: string;
}

export class SourceText {
  readonly text: string;
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Line text without its terminator; `line` is 1-based. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    let end = line < this.lineStarts.length ? this.lineStarts[line] : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Offset just past the last character of `line` (before its terminator). */
  lineEndOffset(line: number): number {
    return this.lineStarts[line - 1] + this.lineText(line).length;
  }

  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset inside a "\r\n" pair belongs to the end of the line.
    const column = Math.min(o - this.lineStarts[lo], this.lineText(lo + 1).length) + 1;
    return { line: lo + 1, column };
  }

  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.lineCount));
    const len = this.lineText(l).length;
    return this.lineStarts[l - 1] + Math.max(0, Math.min(column - 1, len));
  }

  range(start: number, end: number): Range {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }

  /** The range covering a whole line's text (not its terminator). */
  lineRange(line: number): Range {
    const len = this.lineText(line).length;
    return { startLine: line, startColumn: 1, endLine: line, endColumn: len + 1 };
  }
}

export function comparePositions(aLine: number, aCol: number, bLine: number, bCol: number): number {
  return aLine !== bLine ? aLine - bLine : aCol - bCol;
}

/**
 * Applies non-overlapping edits (in any order) and returns the new text. Overlapping edits are a
 * bug in the caller, reported by throwing: they have no defined meaning.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const src = new SourceText(text);
  const spans = edits
    .map((e) => ({ start: src.offset(e.range.startLine, e.range.startColumn), end: src.offset(e.range.endLine, e.range.endColumn), text: e.text }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) throw new Error(`overlapping text edits at offset ${s.start}`);
    out += text.slice(at, s.start) + s.text;
    at = Math.max(at, s.end);
  }
  return out + text.slice(at);
}

export function isValidRange(src: SourceText, r: Range): boolean {
  const okPos = (line: number, col: number) =>
    Number.isInteger(line) && Number.isInteger(col) && line >= 1 && line <= src.lineCount && col >= 1 && col <= src.lineText(line).length + 1;
  return okPos(r.startLine, r.startColumn) && okPos(r.endLine, r.endColumn) && comparePositions(r.startLine, r.startColumn, r.endLine, r.endColumn) <= 0;
}
