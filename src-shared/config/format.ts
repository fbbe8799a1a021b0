/**
 * Formatting as small text edits that keep the user's comments and layout: only white space
 * changes. hvm.conf / xl.cfg: `name = value` spacing of top-level assignments and trailing white
 * space (never inside a string). grub.conf: commands indented under their `title` (legacy) or
 * inside `{ }` (GRUB 2) with the indentation the file already uses, trailing white space.
 * Quoting, word order and comments are never touched, so formatting is idempotent.
 */
import { DiagnosticSink } from './diagnostic.ts';
import { detectGrubFlavor } from './grub-parser.ts';
import type { ConfigKind } from './index.ts';
import { tokenizePython } from './python-lexer.ts';
import { parsePython } from './python-parser.ts';
import { SourceText, type TextEdit } from './source.ts';

export function formatConfig(text: string, kind: ConfigKind): TextEdit[] {
  const src = new SourceText(text);
  const lines = Array.from({ length: src.lineCount }, (_, i) => src.lineText(i + 1));
  const frozen = new Set<number>();
  if (kind === 'hvm' || kind === 'xl') formatAssignments(src, lines, frozen, kind);
  else formatGrub(lines, frozen, detectGrubFlavor(text));
  const edits: TextEdit[] = [];
  lines.forEach((l, i) => {
    const line = i + 1;
    const out = frozen.has(line) ? l : l.replace(/[ \t]+$/, '');
    if (out !== src.lineText(line)) edits.push({ range: src.lineRange(line), text: out });
  });
  return edits;
}

/** Lines covered by a multi-line string are frozen: their white space is content. */
function formatAssignments(src: SourceText, lines: string[], frozen: Set<number>, kind: ConfigKind): void {
  const sink = new DiagnosticSink(src);
  if (kind === 'hvm') {
    const { tokens } = tokenizePython(src.text, sink);
    for (const t of tokens) {
      if (t.kind !== 'string') continue;
      const a = src.position(t.start).line;
      const b = src.position(t.end).line;
      // Every line the string touches keeps its trailing white space: it is string content.
      if (b > a) for (let l = a; l <= b; l++) frozen.add(l);
    }
    const mod = parsePython(tokens, sink);
    for (const s of mod.body) {
      if (s.k !== 'assign' || s.targets.length !== 1 || s.targets[0].k !== 'name') continue;
      // Top level only: assignments inside if/else keep their own layout.
      if (src.position(s.targets[0].start).column === 1) spaceEquals(src, lines, s.targets[0].end, s.value.start);
    }
    return;
  }
  for (let line = 1; line <= lines.length; line++) {
    const m = /^([a-z][_0-9a-z]*)([ \t]*)(\+?=)([ \t]*)(?=\S)/.exec(lines[line - 1]);
    if (m) lines[line - 1] = `${m[1]} ${m[3]} ${lines[line - 1].slice(m[0].length)}`;
  }
}

/** `name=value`, `name   =  value` → `name = value`, when all three are on one line. */
function spaceEquals(src: SourceText, lines: string[], nameEnd: number, valueStart: number): void {
  const a = src.position(nameEnd);
  const b = src.position(valueStart);
  if (a.line !== b.line) return;
  const text = lines[a.line - 1];
  const between = text.slice(a.column - 1, b.column - 1);
  if (!/^[ \t]*=[ \t]*$/.test(between)) return;
  lines[a.line - 1] = text.slice(0, a.column - 1) + ' = ' + text.slice(b.column - 1);
}

function formatGrub(lines: string[], frozen: Set<number>, flavor: 'legacy' | 'grub2'): void {
  const unit = indentUnit(lines, flavor);
  if (flavor === 'legacy') {
    let inEntry = false;
    lines.forEach((l, i) => {
      const t = l.trim();
      if (t === '') return;
      const word = /^[^\s=]+/.exec(t)?.[0] ?? '';
      if (word === 'title') {
        inEntry = true;
        lines[i] = t.replace(/[ \t]+$/, '');
        return;
      }
      if (t.startsWith('#')) return; // comments stay where the user put them
      lines[i] = (inEntry ? unit : '') + t;
    });
    return;
  }
  let depth = 0;
  let continued = false;
  lines.forEach((l, i) => {
    const t = l.trim();
    const wasContinued = continued;
    continued = /\\$/.test(l);
    if (wasContinued) {
      frozen.add(i + 1);
      return;
    }
    if (t === '') return;
    const opens = countOutsideQuotes(t, '{');
    const closes = countOutsideQuotes(t, '}');
    const lead = t.startsWith('}') ? Math.max(0, depth - 1) : depth;
    if (!t.startsWith('#')) lines[i] = unit.repeat(lead) + t;
    depth = Math.max(0, depth + opens - closes);
  });
}

function indentUnit(lines: string[], flavor: 'legacy' | 'grub2'): string {
  for (const l of lines) {
    const m = /^([ \t]+)\S/.exec(l);
    if (m && !l.trim().startsWith('#')) return flavor === 'grub2' && m[1].startsWith('\t') ? '\t' : m[1];
  }
  return flavor === 'legacy' ? '        ' : '\t';
}

function countOutsideQuotes(t: string, ch: string): number {
  let n = 0;
  let q = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (q) {
      if (c === q) q = '';
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(t[i - 1]))) break;
    if (c === "'" || c === '"') q = c;
    else if (c === '\\') i++;
    else if (c === ch) n++;
  }
  return n;
}
