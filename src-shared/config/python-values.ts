/**
 * Python 2 values as xm's interpreter holds them: int (arbitrary precision, so bigint), float,
 * str (with the unicode flag xm cares about: it ignores unicode values), bool, None, list,
 * tuple, dict (insertion-ordered), plus what configs touch of modules (`os`, `re`) and an
 * `unknown` value for whatever the editor could not evaluate. Conversions follow CPython 2:
 * `str()`, `repr()`, truthiness, comparisons (including its cross-type ordering) and `%`.
 */

export type PyValue =
  /** `long`: a Python 2 long (a literal with L, or an int that left the machine word). */
  | { t: 'int'; v: bigint; long?: boolean }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string; u?: boolean }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'list'; items: PyValue[] }
  | { t: 'tuple'; items: PyValue[] }
  | { t: 'dict'; map: Map<string, [PyValue, PyValue]> }
  | { t: 'module'; name: string }
  /** `code`: a function the file defines with `def` (its syntax tree, opaque here). */
  | { t: 'func'; name: string; self?: PyValue; code?: object }
  | { t: 'match'; groups: (string | undefined)[]; named: Record<string, string | undefined> }
  | { t: 'pattern'; source: string; flags: number }
  /** enumerate/reversed/xrange objects and dict iterators: items precomputed; `once` ones are used up by one pass. */
  | { t: 'iter'; kind: string; items: PyValue[]; once: boolean }
  | { t: 'unknown'; why: string };

/** A Python exception raised while evaluating: becomes a diagnostic where xm would stop. */
export class PyError {
  constructor(
    readonly type: string,
    readonly message: string,
  ) {}
}

export const NONE: PyValue = { t: 'none' };
export const TRUE: PyValue = { t: 'bool', v: true };
export const FALSE: PyValue = { t: 'bool', v: false };
/** Python 2's int is a C long (64-bit on the seed's x86_64 dom0); beyond it values are longs. */
const MAXINT = 2n ** 63n - 1n;
export const int = (v: bigint | number, long = false): PyValue => {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return long || b > MAXINT || b < -MAXINT - 1n ? { t: 'int', v: b, long: true } : { t: 'int', v: b };
};
export const str = (v: string, u = false): PyValue => (u ? { t: 'str', v, u } : { t: 'str', v });
export const bool = (v: boolean): PyValue => (v ? TRUE : FALSE);

/** Builtins that are types: `type(x)` returns them and `isinstance` tests against them. */
export const TYPE_NAMES = new Set(['str', 'unicode', 'basestring', 'int', 'long', 'float', 'bool', 'list', 'tuple', 'dict', 'object', 'type', 'xrange', 'enumerate', 'reversed']);

export function typeName(x: PyValue): string {
  switch (x.t) {
    case 'str':
      return x.u ? 'unicode' : 'str';
    case 'none':
      return 'NoneType';
    case 'func':
      if (x.code) return 'function';
      return !x.self && TYPE_NAMES.has(x.name) ? 'type' : 'builtin_function_or_method';
    case 'match':
      return '_sre.SRE_Match';
    case 'pattern':
      return '_sre.SRE_Pattern';
    case 'int':
      return x.long ? 'long' : 'int';
    case 'iter':
      return x.kind;
    default:
      return x.t;
  }
}

export const isNumber = (x: PyValue): x is Extract<PyValue, { t: 'int' | 'float' | 'bool' }> => x.t === 'int' || x.t === 'float' || x.t === 'bool';

/** int and bool as bigint (bool is a subclass of int in Python). */
export function asBigInt(x: PyValue): bigint | undefined {
  if (x.t === 'int') return x.v;
  if (x.t === 'bool') return x.v ? 1n : 0n;
  return undefined;
}

export function asNumber(x: PyValue): number {
  if (x.t === 'float') return x.v;
  const b = asBigInt(x);
  if (b === undefined) throw new PyError('TypeError', `a number is required, not ${typeName(x)}`);
  return Number(b);
}

export function truthy(x: PyValue): boolean {
  switch (x.t) {
    case 'int':
      return x.v !== 0n;
    case 'float':
      return x.v !== 0;
    case 'str':
      return x.v.length > 0;
    case 'bool':
      return x.v;
    case 'none':
      return false;
    case 'list':
    case 'tuple':
      return x.items.length > 0;
    case 'dict':
      return x.map.size > 0;
    case 'iter':
      return x.kind !== 'xrange' || x.items.length > 0;
    default:
      return true;
  }
}

// ---- text ------------------------------------------------------------------------------------

/**
 * Python 2 `str(float)`: `%.12g`, except that a value with 12 integer digits takes the exponent
 * form, since the `.0` Python adds would make a 13th (format_float_short in pystrtod.c).
 */
function floatStr(v: number, sig: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const { digits, exp } = roundSignificant(v, sig);
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= sig - 1) {
    const frac = digits.slice(1).replace(/0+$/, '');
    return `${sign}${digits[0]}${frac ? '.' + frac : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const whole = exp >= 0 ? digits.slice(0, exp + 1) : '0';
  const frac = (exp >= 0 ? digits.slice(exp + 1) : '0'.repeat(-exp - 1) + digits).replace(/0+$/, '');
  return `${sign}${whole}.${frac || '0'}`;
}

/** |v| rounded to `sig` significant digits, ties to even, on its exact binary value (as C's printf). */
function roundSignificant(v: number, sig: number): { digits: string; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const hi = view.getUint32(0);
  const bits = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4)) | (bits ? 1n << 52n : 0n);
  const e2 = bits ? bits - 1075 : -1074;
  // Exact decimal: mant × 2^e2 = mant × 5^-e2 / 10^-e2.
  const all = e2 >= 0 ? (mant << BigInt(e2)).toString() : (mant * 5n ** BigInt(-e2)).toString();
  const exp = all.length - 1 - (e2 >= 0 ? 0 : -e2);
  if (all.length <= sig) return { digits: all.padEnd(sig, '0'), exp };
  let head = BigInt(all.slice(0, sig));
  const next = all[sig];
  if (next > '5' || (next === '5' && (/[1-9]/.test(all.slice(sig + 1)) || head % 2n === 1n))) head += 1n;
  const digits = head.toString();
  return digits.length > sig ? { digits: digits.slice(0, sig), exp: exp + 1 } : { digits, exp };
}

export function pyStr(x: PyValue): string {
  if (x.t === 'str') return x.v;
  if (x.t === 'int') return x.v.toString();
  if (x.t === 'float') return floatStr(x.v, 12);
  return pyRepr(x);
}

export function pyRepr(x: PyValue): string {
  switch (x.t) {
    case 'int':
      return x.v.toString() + (x.long ? 'L' : '');
    case 'float':
      return shortestRepr(x.v);
    case 'str':
      return (x.u ? 'u' : '') + quote(x.v);
    case 'bool':
      return x.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return '[' + x.items.map(pyRepr).join(', ') + ']';
    case 'tuple':
      return '(' + x.items.map(pyRepr).join(', ') + (x.items.length === 1 ? ',)' : ')');
    case 'dict':
      return '{' + [...x.map.values()].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ') + '}';
    case 'module':
      return `<module '${x.name}'>`;
    case 'func':
      if (x.code) return `<function ${x.name}>`;
      return !x.self && TYPE_NAMES.has(x.name) ? `<type '${x.name}'>` : `<built-in function ${x.name}>`;
    case 'match':
      return '<_sre.SRE_Match object>';
    case 'pattern':
      return `<_sre.SRE_Pattern object>`;
    case 'iter':
      return x.kind === 'xrange' ? xrangeRepr(x.items) : `<${x.kind} object>`;
    case 'unknown':
      return '<unknown>';
  }
}

function xrangeRepr(items: PyValue[]): string {
  const n = (i: number) => (items[i] as { v: bigint }).v;
  if (items.length === 0) return 'xrange(0)';
  const start = n(0);
  const step = items.length > 1 ? n(1) - start : 1n;
  const stop = start + step * BigInt(items.length);
  return start === 0n && step === 1n ? `xrange(${stop})` : step === 1n ? `xrange(${start}, ${stop})` : `xrange(${start}, ${stop}, ${step})`;
}

/** Python 2.7 `repr(float)`: the shortest string that round-trips (what JS prints too). */
function shortestRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  if (exp >= 16 || exp < -4) {
    const [m, e] = v.toExponential().split('e');
    const en = Number(e);
    return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const s = String(v);
  return /[.e]/.test(s) ? s : s + '.0';
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 32 || c >= 127) out += c < 0x100 ? '\\x' + c.toString(16).padStart(2, '0') : c < 0x10000 ? '\\u' + c.toString(16).padStart(4, '0') : '\\U' + c.toString(16).padStart(8, '0');
    else out += ch;
  }
  return out + q;
}

// ---- equality, ordering, hashing -------------------------------------------------------------

export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (isNumber(a) && isNumber(b)) {
    const ai = asBigInt(a);
    const bi = asBigInt(b);
    if (ai !== undefined && bi !== undefined) return ai === bi;
    return asNumber(a) === asNumber(b);
  }
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'str':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'list':
    case 'tuple': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => pyEquals(x, bi[i]));
    }
    case 'dict': {
      const bm = (b as typeof a).map;
      if (a.map.size !== bm.size) return false;
      for (const [k, [, v]] of a.map) {
        const other = bm.get(k);
        if (!other || !pyEquals(v, other[1])) return false;
      }
      return true;
    }
    case 'func':
      return a.code || (b as typeof a).code ? a === b : a.name === (b as typeof a).name && a.self === (b as typeof a).self;
    default:
      return a === b;
  }
}

/** CPython 2 ordering: numbers by value, sequences lexicographically, else None < numbers < by type name. */
export function pyCompare(a: PyValue, b: PyValue): number {
  if (isNumber(a) && isNumber(b)) {
    const ai = asBigInt(a);
    const bi = asBigInt(b);
    if (ai !== undefined && bi !== undefined) return ai < bi ? -1 : ai > bi ? 1 : 0;
    const x = asNumber(a);
    const y = asNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.t === 'str' && b.t === 'str') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.t === 'list' && b.t === 'list') || (a.t === 'tuple' && b.t === 'tuple')) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a.items[i], b.items[i])) return pyCompare(a.items[i], b.items[i]);
    }
    return a.items.length - b.items.length;
  }
  if (a.t === 'none' || b.t === 'none') return a.t === b.t ? 0 : a.t === 'none' ? -1 : 1;
  if (isNumber(a)) return -1;
  if (isNumber(b)) return 1;
  const ta = typeName(a);
  const tb = typeName(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** Dictionary key: equal values (1, 1.0, True) share a key, as Python's hash does. */
export function hashKey(x: PyValue): string {
  switch (x.t) {
    case 'int':
    case 'bool':
      return 'n' + asBigInt(x)!.toString();
    case 'float':
      return Number.isInteger(x.v) && Math.abs(x.v) < 2 ** 63 ? 'n' + BigInt(x.v).toString() : 'f' + String(x.v);
    case 'str':
      return 's' + x.v;
    case 'none':
      return 'N';
    case 'tuple':
      return 't(' + x.items.map(hashKey).join(',') + ')';
    case 'module':
    case 'func':
    case 'iter':
      return 'o' + pyRepr(x);
    default:
      throw new PyError('TypeError', `unhashable type: '${typeName(x)}'`);
  }
}

// ---- JSON ------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** JSON where an int beyond 2^53 keeps every digit (a bigint, printed by `jsonText`). */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [k: string]: ExactJson };

/** Python data as JSON (int/float → number, list/tuple → array, dict → object); else undefined. */
export function toJson(x: PyValue): Json | undefined {
  return toAnyJson(x, false) as Json | undefined;
}

/** As `toJson`, but ints beyond 2^53 stay exact (bigint), as Python's json module prints them. */
export function toExactJson(x: PyValue): ExactJson | undefined {
  return toAnyJson(x, true);
}

function toAnyJson(x: PyValue, exact: boolean): ExactJson | undefined {
  switch (x.t) {
    case 'int':
      return exact && (x.v > BigInt(Number.MAX_SAFE_INTEGER) || x.v < -BigInt(Number.MAX_SAFE_INTEGER)) ? x.v : Number(x.v);
    case 'float':
      return Number.isFinite(x.v) ? x.v : null;
    case 'str':
      return x.u ? x.v : utf8Text(x.v);
    case 'bool':
      return x.v;
    case 'none':
      return null;
    case 'list':
    case 'tuple': {
      const out: ExactJson[] = [];
      for (const item of x.items) {
        const j = toAnyJson(item, exact);
        if (j === undefined) return undefined;
        out.push(j);
      }
      return out;
    }
    case 'dict': {
      const out: Record<string, ExactJson> = {};
      for (const [k, v] of x.map.values()) {
        const j = toAnyJson(v, exact);
        if (j === undefined) return undefined;
        const key = k.t === 'str' ? k.v : k.t === 'none' ? 'null' : k.t === 'bool' ? String(k.v) : k.t === 'int' || k.t === 'float' ? pyStr(k) : undefined;
        if (key === undefined) return undefined;
        out[key] = j;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** A byte string (one char per byte) read as UTF-8, as json.dumps does in Python 2; kept as is when not UTF-8. */
export function utf8Text(bytes: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(bytes) || /[^\x00-\xff]/.test(bytes)) return bytes;
  try {
    return decodeURIComponent([...bytes].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
  } catch {
    return bytes;
  }
}

/** `JSON.stringify(v, null, indent)`, except that bigints are printed with all their digits. */
export function jsonText(v: ExactJson, indent = 2, pad = ''): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = pad + ' '.repeat(indent);
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => inner + jsonText(x, indent, inner)).join(',\n')}\n${pad}]` : '[]';
  const keys = Object.keys(v).filter((k) => v[k] !== undefined);
  return keys.length ? `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${jsonText(v[k], indent, inner)}`).join(',\n')}\n${pad}}` : '{}';
}

/** Sizes above which the editor refuses to build a value (a config never needs them). */
export const MAX_SEQUENCE = 1_000_000;
export const MAX_STRING = 16 * 1024 * 1024;

/** The items a `for` over x would see; one-pass iterators are used up. */
export function iterate(x: PyValue): PyValue[] {
  if (x.t === 'list' || x.t === 'tuple') return x.items;
  if (x.t === 'str') return [...x.v].map((c) => str(c, x.u));
  if (x.t === 'dict') return [...x.map.values()].map(([k]) => k);
  if (x.t === 'iter') {
    const items = x.items;
    if (x.once) x.items = [];
    return items;
  }
  throw new PyError('TypeError', `'${typeName(x)}' object is not iterable`);
}

// ---- % formatting ----------------------------------------------------------------------------

const SPEC_RE = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.?)/y;

/** `fmt % args` with Python 2 semantics for the conversions configs use. */
export function percentFormat(fmt: string, args: PyValue): string {
  const positional = args.t === 'tuple' ? args.items : [args];
  const mapping = args.t === 'dict' ? args : undefined;
  let next = 0;
  let out = '';
  let i = 0;
  const take = (): PyValue => {
    if (args.t !== 'tuple' && mapping) return args;
    if (next >= positional.length) throw new PyError('TypeError', 'not enough arguments for format string');
    return positional[next++];
  };
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    SPEC_RE.lastIndex = pct;
    const m = SPEC_RE.exec(fmt)!;
    const [, key, flags, widthS, precS, conv] = m;
    i = pct + m[0].length;
    if (conv === '') throw new PyError('ValueError', 'incomplete format');
    if (conv === '%') {
      out += '%';
      continue;
    }
    let value: PyValue;
    if (key !== undefined) {
      if (!mapping) throw new PyError('TypeError', 'format requires a mapping');
      const hit = mapping.map.get('s' + key);
      if (!hit) throw new PyError('KeyError', quote(key));
      value = hit[1];
    }
    const width = widthS === '*' ? Number(asBigInt(take()) ?? 0) : widthS ? Number(widthS) : 0;
    const prec = precS === '*' ? Number(asBigInt(take()) ?? 0) : precS !== undefined ? Number(precS) : undefined;
    if (key === undefined) value = take();
    out += pad(convert(conv, value!, flags, prec), width, flags, 'diouxXeEfFgG'.includes(conv));
  }
  if (!mapping && args.t === 'tuple' && next < positional.length) throw new PyError('TypeError', 'not all arguments converted during string formatting');
  if (!mapping && args.t !== 'tuple' && next === 0) throw new PyError('TypeError', 'not all arguments converted during string formatting');
  return out;
}

function convert(conv: string, v: PyValue, flags: string, prec: number | undefined): string {
  switch (conv) {
    case 's':
      return prec !== undefined ? pyStr(v).slice(0, prec) : pyStr(v);
    case 'r':
      return prec !== undefined ? pyRepr(v).slice(0, prec) : pyRepr(v);
    case 'c': {
      if (v.t === 'str' && v.v.length === 1) return v.v;
      const n = asBigInt(v);
      if (n === undefined) throw new PyError('TypeError', '%c requires int or char');
      return String.fromCharCode(Number(n));
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      if (!isNumber(v)) throw new PyError('TypeError', `%${conv} format: a number is required, not ${typeName(v)}`);
      const n = v.t === 'float' ? BigInt(Math.trunc(v.v)) : asBigInt(v)!;
      const neg = n < 0n;
      const abs = neg ? -n : n;
      let body = conv === 'o' ? abs.toString(8) : conv === 'x' ? abs.toString(16) : conv === 'X' ? abs.toString(16).toUpperCase() : abs.toString();
      if (prec !== undefined) body = body.padStart(prec, '0');
      if (flags.includes('#') && conv !== 'd' && conv !== 'i' && conv !== 'u') body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + body;
      return sign(neg, flags) + body;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (!isNumber(v)) throw new PyError('TypeError', `float argument required, not ${typeName(v)}`);
      const x = asNumber(v);
      const p = prec ?? 6;
      let body: string;
      if (conv === 'f' || conv === 'F') body = Math.abs(x).toFixed(p);
      else if (conv === 'e' || conv === 'E') body = expForm(Math.abs(x), p);
      else body = formatG(Math.abs(x), p === 0 ? 1 : p, flags.includes('#'));
      if (conv === 'E' || conv === 'G') body = body.toUpperCase();
      return sign(x < 0 || Object.is(x, -0), flags) + body;
    }
    default:
      throw new PyError('ValueError', `unsupported format character '${conv}' (0x${conv.charCodeAt(0).toString(16)})`);
  }
}

function sign(neg: boolean, flags: string): string {
  return neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
}

function pad(s: string, width: number, flags: string, numeric: boolean): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && numeric) {
    const m = /^([-+ ]?(?:0[xXo])?)(.*)$/.exec(s)!;
    return m[1] + m[2].padStart(width - m[1].length, '0');
  }
  return s.padStart(width);
}

function expForm(x: number, p: number): string {
  const [m, e] = x.toExponential(p).split('e');
  const en = Number(e);
  return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
}

/** C's `%g`: `p` significant digits, exponent form outside 1e-4 … 1e`p`, trailing zeros dropped. */
export function formatG(x: number, p: number, keepZeros: boolean): string {
  if (x === 0) return keepZeros ? '0.' + '0'.repeat(p - 1) : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const exp = Number(Math.abs(x).toExponential(p - 1).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= p) s = expForm(x, p - 1);
  else s = x.toFixed(Math.max(0, p - 1 - exp));
  if (!keepZeros && s.includes('.')) s = s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
  return s;
}
