/**
 * Tokenizer for the Python 2 source that `xm create` executes (`execfile` in Python 2.4-2.6,
 * the interpreters of Xen 3.x dom0s). It follows CPython 2's tokenizer where configs can tell
 * the difference: logical lines joined inside brackets and after a backslash, INDENT/DEDENT with
 * tabs to multiples of 8, string prefixes `u r b ur br`, Python 2 escapes, octal `010`, long
 * `10L`. It never throws: a bad character or an unterminated string becomes a diagnostic and the
 * scan goes on, so the editor always gets tokens for the rest of the file.
 */
import type { DiagnosticSink } from './diagnostic.ts';

export type TokKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'indent' | 'dedent' | 'eof';

export interface Token {
  kind: TokKind;
  /** Source text of the token (for strings, including prefix and quotes). */
  text: string;
  start: number;
  end: number;
  /** Decoded value of a string literal. */
  value?: string;
  /** String literal prefix, lower-cased ('' | 'u' | 'r' | 'ur' | 'b' | 'br'). */
  prefix?: string;
}

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '!=', '<>', '==', '<=', '>=', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=', '`', '@',
];
const OPEN = new Set(['(', '[', '{']);
const MAX_INDENT = 100;
const CLOSE = new Set([')', ']', '}']);

const NAME_RE = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER_RE = /(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)[lLjJ]?/y;
const STRING_START_RE = /(?:[uU][rR]?|[bB][rR]?|[rR])?(?:'''|"""|'|")/y;
const CODING_RE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

export interface LexResult {
  tokens: Token[];
  /** Offset of the first non-ASCII character, when the file declares no encoding. */
  nonAsciiAt?: number;
}

export function tokenizePython(text: string, sink: DiagnosticSink): LexResult {
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let i = 0;
  let atLineStart = true;
  const n = text.length;

  const push = (kind: TokKind, start: number, end: number, extra?: Partial<Token>) =>
    tokens.push({ kind, text: text.slice(start, end), start, end, ...extra });

  while (i < n) {
    if (atLineStart && depth === 0) {
      const r = measureIndent(text, i);
      const c = text.charCodeAt(r.next);
      if (r.next >= n) {
        i = r.next;
        break;
      }
      // Blank and comment-only lines do not affect indentation.
      if (c === 10 || c === 13 || c === 35 /* # */) {
        i = skipToLineEnd(text, r.next);
        i = skipLineBreak(text, i);
        continue;
      }
      const top = indents[indents.length - 1];
      if (r.width > top) {
        // CPython's tokenizer (MAXINDENT 100) stops at the 100th nested level.
        if (indents.length === MAX_INDENT) sink.add('py-syntax', 'error', 'IndentationError: too many levels of indentation; xm would refuse the whole file', i, r.next);
        indents.push(r.width);
        push('indent', i, r.next);
      } else if (r.width < top) {
        while (indents.length > 1 && r.width < indents[indents.length - 1]) {
          indents.pop();
          push('dedent', r.next, r.next);
        }
        if (r.width !== indents[indents.length - 1]) {
          sink.add('py-syntax', 'error', 'IndentationError: unindent does not match any outer indentation level; xm would stop here', i, r.next);
          indents.push(r.width);
        }
      }
      i = r.next;
      atLineStart = false;
    }
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12) {
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      i = skipToLineEnd(text, i);
      continue;
    }
    if (c === 10 || c === 13) {
      const end = skipLineBreak(text, i);
      if (depth === 0) {
        push('newline', i, i);
        atLineStart = true;
      }
      i = end;
      continue;
    }
    if (c === 92 /* \ */) {
      if (isLineBreak(text, i + 1) || i + 1 >= n) {
        i = skipLineBreak(text, i + 1);
        continue;
      }
      sink.add('py-syntax', 'error', 'SyntaxError: unexpected character after line continuation character', i, i + 1);
      i++;
      continue;
    }
    STRING_START_RE.lastIndex = i;
    const sm = STRING_START_RE.exec(text);
    if (sm) {
      i = lexString(text, i, sm[0], tokens, sink);
      continue;
    }
    NAME_RE.lastIndex = i;
    const nm = NAME_RE.exec(text);
    if (nm) {
      push('name', i, i + nm[0].length);
      i += nm[0].length;
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text)!;
      let end = i + m[0].length;
      // "1abc" is one bad token to Python, not a number and a name.
      while (end < n && isNameChar(text.charCodeAt(end))) end++;
      push('number', i, end);
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      if (OPEN.has(op)) depth++;
      else if (CLOSE.has(op)) depth = Math.max(0, depth - 1);
      push('op', i, i + op.length);
      i += op.length;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    sink.add('py-syntax', 'error', `SyntaxError: invalid character ${describeChar(cp)} in Python source; xm would stop here`, i, i + w);
    i += w;
  }
  if (tokens.length && tokens[tokens.length - 1].kind !== 'newline' && tokens[tokens.length - 1].kind !== 'dedent') push('newline', n, n);
  while (indents.length > 1) {
    indents.pop();
    push('dedent', n, n);
  }
  push('eof', n, n);
  return { tokens, nonAsciiAt: findUndeclaredNonAscii(text) };
}

function measureIndent(text: string, i: number): { width: number; next: number } {
  let width = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32) width++;
    else if (c === 9) width = (Math.floor(width / 8) + 1) * 8;
    else if (c === 12) width = 0;
    else return { width, next: i };
    i++;
  }
}

function skipToLineEnd(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

function isLineBreak(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 10 || c === 13;
}

function skipLineBreak(text: string, i: number): number {
  if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) return i + 2;
  return isLineBreak(text, i) ? i + 1 : i;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isNameChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

function describeChar(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return cp >= 32 && cp < 127 ? `'${String.fromCodePoint(cp)}'` : `U+${hex}`;
}

/** Scans one string literal starting at `start` (prefix and opening quote in `head`). */
function lexString(text: string, start: number, head: string, tokens: Token[], sink: DiagnosticSink): number {
  const quoteLen = head.endsWith("'''") || head.endsWith('"""') ? 3 : 1;
  const quote = head.slice(head.length - quoteLen);
  const prefix = head.slice(0, head.length - quoteLen).toLowerCase();
  const raw = prefix.includes('r');
  let i = start + head.length;
  const n = text.length;
  let closed = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
      continue;
    }
    if (quoteLen === 1 && (c === 10 || c === 13)) break;
    if (text.startsWith(quote, i)) {
      i += quoteLen;
      closed = true;
      break;
    }
    i++;
  }
  if (!closed) {
    const what = quoteLen === 3 ? 'EOF while scanning triple-quoted string literal' : 'EOL while scanning string literal';
    sink.add('py-syntax', 'error', `SyntaxError: ${what}; xm would stop here`, start, Math.min(i, n), [
      sink.replace(`Close the string with ${quote}`, Math.min(i, n), Math.min(i, n), quote),
    ]);
  }
  const bodyEnd = closed ? i - quoteLen : Math.min(i, n);
  // A byte string holds the file's bytes: in a UTF-8 file 'café' is five bytes to Python 2.
  const body = prefix.includes('u') ? text.slice(start + head.length, bodyEnd) : utf8Bytes(text.slice(start + head.length, bodyEnd));
  const value = raw ? body.replace(/\\(\r\n|\n|\r)/g, '\\$1') : decodeEscapes(body, prefix.includes('u'), start + head.length, sink);
  tokens.push({ kind: 'string', text: text.slice(start, closed ? i : bodyEnd), start, end: closed ? i : bodyEnd, value, prefix });
  return closed ? i : bodyEnd;
}

/** Each non-ASCII character as the chars of its UTF-8 bytes (one char per byte). */
function utf8Bytes(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp < 0x800) out += String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out += String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out += String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python 2 escape sequences; unknown escapes keep their backslash, as Python does. */
function decodeEscapes(body: string, unicode: boolean, base: number, sink: DiagnosticSink): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      out += '\\';
      break;
    }
    if (next === '\n' || next === '\r') {
      i += next === '\r' && body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i++;
      continue;
    }
    if (next >= '0' && next <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out += String.fromCharCode(parseInt(m, 8) & (unicode ? 0xffff : 0xff));
      i += m.length;
      continue;
    }
    const hexLen = next === 'x' ? 2 : unicode && next === 'u' ? 4 : unicode && next === 'U' ? 8 : 0;
    if (hexLen) {
      const digits = body.slice(i + 2, i + 2 + hexLen);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLen) {
        sink.add('py-syntax', 'error', `ValueError: invalid \\${next} escape in string literal; xm would stop here`, base + i, base + Math.min(body.length, i + 2 + hexLen));
        i += 1;
        continue;
      }
      const cp = parseInt(digits, 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      i += 1 + hexLen;
      continue;
    }
    out += '\\' + next;
    i++;
  }
  return out;
}

/** Python 2.5+ rejects non-ASCII source without a `coding:` comment in the first two lines. */
function findUndeclaredNonAscii(text: string): number | undefined {
  // eslint-disable-next-line no-control-regex
  const at = text.search(/[^\x00-\x7f]/);
  if (at < 0) return undefined;
  const firstTwo = text.split(/\r\n|\n|\r/, 2);
  if (firstTwo.some((l) => CODING_RE.test(l))) return undefined;
  return at;
}
