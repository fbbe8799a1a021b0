/**
 * xl.cfg, the config grammar of xl (Xen ≥ 4.1, `tools/libxl/libxlu_cfg_l.l` and `_y.y`): no
 * Python. `IDENT = value` or `IDENT += value` statements ended by a newline or `;`; identifiers are
 * lower-case `[a-z][_0-9a-z]*`; values are atoms — quoted strings (C escapes) or numbers
 * `[0-9][0-9a-fx]*` — or bracketed lists (trailing comma and newlines allowed inside, lists may
 * nest for vnuma); `#` comments. Characters such as `+ - . ( ) :` outside strings are lexical
 * errors that libxlu flags as "likely Python" — the classic sign of an xm file fed to xl.
 */
import { DiagnosticSink } from './diagnostic.ts';
import type { Span } from './python-ast.ts';
import type { Json } from './python-values.ts';
import { SourceText } from './source.ts';

export type XlValue =
  | ({ kind: 'string'; value: string; quote: "'" | '"' } & Span)
  | ({ kind: 'number'; text: string } & Span)
  | ({ kind: 'list'; items: XlValue[] } & Span);

export interface XlSetting {
  name: string;
  op: '=' | '+=';
  value: XlValue;
  nameSpan: Span;
  stmt: Span;
}

export interface XlParse {
  src: SourceText;
  settings: XlSetting[];
  sink: DiagnosticSink;
  /** libxlu's "likely_python": the file has Python syntax (an xm config given to xl). */
  likelyPython: boolean;
}

type Tok = { t: 'ident' | 'number' | 'string' | 'punct' | 'newline' | 'eof'; text: string; start: number; end: number; value?: string };

const IDENT_RE = /[a-z][_0-9a-z]*/y;
const NUMBER_RE = /[0-9][0-9a-fx]*/y;

function lex(text: string, sink: DiagnosticSink): { toks: Tok[]; likelyPython: boolean } {
  const toks: Tok[] = [];
  let likelyPython = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      toks.push({ t: 'newline', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      // libxlu sees the \r as a stray character; editors on Windows would save CRLF, so be kind.
      i++;
      continue;
    }
    IDENT_RE.lastIndex = i;
    let m = IDENT_RE.exec(text);
    if (m) {
      toks.push({ t: 'ident', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    NUMBER_RE.lastIndex = i;
    m = NUMBER_RE.exec(text);
    if (m) {
      toks.push({ t: 'number', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = lexString(text, i, c, sink);
      toks.push(s);
      i = s.end;
      continue;
    }
    if (text.startsWith('+=', i)) {
      toks.push({ t: 'punct', text: '+=', start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if (',[]=;'.includes(c)) {
      toks.push({ t: 'punct', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    // Lexical error: libxlu swallows up to the next blank.
    const start = i;
    if ('+-.():'.includes(c)) likelyPython = true;
    while (i < text.length && !' \t\n'.includes(text[i])) i++;
    const word = text.slice(start, i);
    const hint = /^[A-Z_]/.test(c) ? ' (xl names are lower-case: [a-z][_0-9a-z]*)' : '+-.():'.includes(c) ? ' (this looks like Python: xl does not evaluate expressions)' : '';
    sink.add('xl-syntax', 'error', `Lexical error at '${word.length > 30 ? word.slice(0, 30) + '…' : word}'${hint}; xl would refuse the file`, start, i);
  }
  toks.push({ t: 'eof', text: '', start: text.length, end: text.length });
  return { toks, likelyPython };
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

function lexString(text: string, start: number, q: string, sink: DiagnosticSink): Tok {
  let i = start + 1;
  let value = '';
  while (i < text.length && text[i] !== q && text[i] !== '\n') {
    if (text[i] === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
      const e = text[i + 1];
      if (e in ESC) {
        value += ESC[e];
        i += 2;
      } else if (e === 'x' && /^[0-9a-fA-F]{1,2}/.test(text.slice(i + 2, i + 4))) {
        const h = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4))![0];
        value += String.fromCharCode(parseInt(h, 16));
        i += 2 + h.length;
      } else if (/[0-7]/.test(e)) {
        const o = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))![0];
        value += String.fromCharCode(parseInt(o, 8) & 0xff);
        i += 1 + o.length;
      } else {
        sink.add('xl-syntax', 'error', `Invalid escape '\\${e}' in a string; xl would refuse the file`, i, i + 2);
        value += e;
        i += 2;
      }
      continue;
    }
    value += text[i++];
  }
  if (text[i] !== q) {
    sink.add('xl-syntax', 'error', 'Unterminated string; xl would refuse the file', start, i, [sink.replace(`Close the string with ${q}`, i, i, q)]);
    return { t: 'string', text: text.slice(start, i), start, end: i, value };
  }
  return { t: 'string', text: text.slice(start, i + 1), start, end: i + 1, value };
}

export function parseXl(text: string): XlParse {
  const src = new SourceText(text);
  const sink = new DiagnosticSink(src);
  const { toks, likelyPython } = lex(text, sink);
  const settings: XlSetting[] = [];
  let i = 0;
  const peek = () => toks[i];
  const fail = (msg: string, t: Tok) => {
    sink.add('xl-syntax', 'error', `${msg}; xl would refuse the file`, t.start, Math.max(t.end, t.start));
    while (peek().t !== 'newline' && peek().t !== 'eof' && !(peek().t === 'punct' && peek().text === ';')) i++;
  };
  const skipNewlines = () => {
    while (peek().t === 'newline') i++;
  };
  const value = (depth: number): XlValue | undefined => {
    const t = peek();
    if (t.t === 'string') {
      i++;
      return { kind: 'string', value: t.value ?? '', quote: t.text[0] as "'" | '"', start: t.start, end: t.end };
    }
    if (t.t === 'number') {
      i++;
      return { kind: 'number', text: t.text, start: t.start, end: t.end };
    }
    if (t.t === 'punct' && t.text === '[' && depth < 64) {
      i++;
      const items: XlValue[] = [];
      skipNewlines();
      while (!(peek().t === 'punct' && peek().text === ']')) {
        const v = value(depth + 1);
        if (!v) return undefined;
        items.push(v);
        skipNewlines();
        if (peek().t === 'punct' && peek().text === ',') {
          i++;
          skipNewlines();
          continue;
        }
        if (!(peek().t === 'punct' && peek().text === ']')) return undefined;
      }
      const close = toks[i++];
      return { kind: 'list', items, start: t.start, end: close.end };
    }
    return undefined;
  };
  while (peek().t !== 'eof') {
    const t = peek();
    if (t.t === 'newline' || (t.t === 'punct' && t.text === ';')) {
      i++;
      continue;
    }
    if (t.t !== 'ident') {
      fail(`syntax error, unexpected '${t.text}', expecting a setting name`, t);
      continue;
    }
    i++;
    const op = peek();
    if (!(op.t === 'punct' && (op.text === '=' || op.text === '+='))) {
      fail(`syntax error after '${t.text}', expecting '='`, op);
      continue;
    }
    i++;
    const v = value(0);
    if (!v) {
      fail('syntax error, expecting a string, a number or a [list]', peek());
      continue;
    }
    settings.push({ name: t.text, op: op.text as '=' | '+=', value: v, nameSpan: { start: t.start, end: t.end }, stmt: { start: t.start, end: v.end } });
    const end = peek();
    if (!(end.t === 'newline' || end.t === 'eof' || (end.t === 'punct' && end.text === ';'))) fail(`syntax error, unexpected '${end.text}' after the value`, end);
  }
  return { src, settings, sink, likelyPython };
}

/** strtol(…, 0) as libxlu reads numbers: decimal, 0x hex, leading-0 octal; NaN when not all digits. */
export function xlNumber(text: string): number {
  const t = text.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t, 16);
  if (/^[-+]?0[0-7]*$/.test(t)) return parseInt(t, 8) || 0;
  if (/^[-+]?[1-9][0-9]*$/.test(t)) return parseInt(t, 10);
  return NaN;
}

export function xlValueJson(v: XlValue): Json {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') {
    const n = xlNumber(v.text);
    return Number.isNaN(n) ? v.text : n;
  }
  return v.items.map(xlValueJson);
}

/** Effective settings: the last `=` wins; `+=` appends to a list or string (libxlu ≥ 4.6). */
export function xlBindings(p: XlParse): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const s of p.settings) {
    const v = xlValueJson(s.value);
    const old = out[s.name];
    if (s.op === '+=' && old !== undefined) {
      if (Array.isArray(old) && Array.isArray(v)) out[s.name] = [...old, ...v];
      else if (typeof old === 'string' && typeof v === 'string') out[s.name] = old + v;
      else out[s.name] = v;
    } else out[s.name] = v;
  }
  return out;
}
