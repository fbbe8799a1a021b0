/**
 * The rest of Python 2.7's `__builtin__` module (Python/bltinmodule.c) as far as a config file
 * can use it: the pure functions are evaluated with Python 2 semantics (`hex(10L)` is '0xaL',
 * `round` returns a float rounding halves away from zero, `map`/`zip`/`filter` return lists,
 * `enumerate`/`reversed` return one-pass iterators); the others (open, eval, set, …) exist — they
 * are never a NameError — but their value is unknown to the editor.
 */
import { binaryOp } from './python-ops.ts';
import {
  NONE, PyError, TYPE_NAMES, asBigInt, asNumber, bool, hashKey, int, isNumber, iterate, pyCompare, pyStr, str, truthy, typeName, type PyValue,
} from './python-values.ts';

/** Every name in Python 2.7's `dir(__builtins__)` except True, False and None. */
export const PY2_BUILTIN_NAMES = new Set(
  (
    'ArithmeticError AssertionError AttributeError BaseException BufferError BytesWarning DeprecationWarning EOFError Ellipsis EnvironmentError ' +
    'Exception FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning IndentationError IndexError KeyError ' +
    'KeyboardInterrupt LookupError MemoryError NameError NotImplemented NotImplementedError OSError OverflowError PendingDeprecationWarning ' +
    'ReferenceError RuntimeError RuntimeWarning StandardError StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TypeError ' +
    'UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning ' +
    'ZeroDivisionError __debug__ __doc__ __import__ __name__ __package__ abs all any apply basestring bin bool buffer bytearray bytes callable ' +
    'chr classmethod cmp coerce compile complex copyright credits delattr dict dir divmod enumerate eval execfile exit file filter float format ' +
    'frozenset getattr globals hasattr hash help hex id input int intern isinstance issubclass iter len license list locals long map max ' +
    'memoryview min next object oct open ord pow property quit range raw_input reduce reload repr reversed round set setattr slice sorted ' +
    'staticmethod str sum super tuple type unichr unicode vars xrange zip'
  ).split(' '),
);


export type Call = (fn: PyValue, args: PyValue[]) => PyValue;
type Kw = Map<string, PyValue>;

/** Evaluates `name(*args, **kwargs)`; undefined when the editor does not evaluate that builtin. */
export function moreBuiltin(name: string, args: PyValue[], kwargs: Kw, call: Call, unknown: (what: string) => PyValue): PyValue | undefined {
  const argc = (min: number, max: number) => {
    if (args.length < min || args.length > max) {
      const range = min === max ? `exactly ${min}` : args.length < min ? `at least ${min}` : `at most ${max}`;
      throw new PyError('TypeError', `${name}() takes ${range} argument${min === 1 && max === 1 ? '' : 's'} (${args.length} given)`);
    }
  };
  if (kwargs.size && name !== 'sorted' && name !== 'dict') return undefined;
  switch (name) {
    case 'hex':
    case 'oct':
    case 'bin': {
      argc(1, 1);
      const a = args[0];
      const n = asBigInt(a);
      if (n === undefined) throw new PyError('TypeError', `${name}() argument can't be converted to ${name}`);
      const abs = n < 0n ? -n : n;
      const body = name === 'hex' ? '0x' + abs.toString(16) : name === 'bin' ? '0b' + abs.toString(2) : abs === 0n ? '0' : '0' + abs.toString(8);
      return str((n < 0n ? '-' : '') + body + (a.t === 'int' && a.long && name !== 'bin' ? 'L' : ''));
    }
    case 'ord': {
      argc(1, 1);
      const a = args[0];
      if (a.t !== 'str') throw new PyError('TypeError', `ord() expected string of length 1, but ${typeName(a)} found`);
      const cps = [...a.v];
      if (cps.length !== 1) throw new PyError('TypeError', `ord() expected a character, but string of length ${cps.length} found`);
      return int(cps[0].codePointAt(0)!);
    }
    case 'chr':
    case 'unichr': {
      argc(1, 1);
      const n = asBigInt(args[0]);
      if (n === undefined) throw new PyError('TypeError', 'an integer is required');
      const max = name === 'chr' ? 256n : 0x110000n;
      if (n < 0n || n >= max) throw new PyError('ValueError', name === 'chr' ? 'chr() arg not in range(256)' : 'unichr() arg not in range(0x110000)');
      return str(String.fromCodePoint(Number(n)), name === 'unichr');
    }
    case 'long':
    case 'unicode':
      return convert(name, args, argc);
    case 'cmp':
      argc(2, 2);
      return int(Math.sign(pyCompare(args[0], args[1])));
    case 'divmod': {
      argc(2, 2);
      const q = binaryOp('//', args[0], args[1]);
      const r = binaryOp('%', args[0], args[1]);
      return q === 'too-big' || r === 'too-big' ? unknown('divmod()') : { t: 'tuple', items: [q, r] };
    }
    case 'pow':
      return power(args, argc, unknown);
    case 'round':
      return round(args, argc);
    case 'sum': {
      argc(1, 2);
      let acc = args[1] ?? int(0);
      if (acc.t === 'str') throw new PyError('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
      for (const x of iterate(args[0])) {
        const r = binaryOp('+', acc, x);
        if (r === 'too-big') return unknown('sum()');
        acc = r;
      }
      return acc;
    }
    case 'any':
    case 'all':
      argc(1, 1);
      return bool(name === 'any' ? iterate(args[0]).some(truthy) : iterate(args[0]).every(truthy));
    case 'callable':
      argc(1, 1);
      return bool(args[0].t === 'func');
    case 'isinstance':
      argc(2, 2);
      return isInstance(args[0], args[1], unknown);
    case 'type':
      argc(1, 1);
      return TYPE_NAMES.has(typeName(args[0])) ? { t: 'func', name: typeName(args[0]) } : unknown('type() of this value');
    case 'sorted': {
      argc(1, 1);
      const items = [...iterate(args[0])];
      for (const k of kwargs.keys()) if (k !== 'reverse' && k !== 'key') return undefined;
      const key = kwargs.get('key');
      const keyed = items.map((v) => ({ v, k: key && key.t !== 'none' ? call(key, [v]) : v }));
      if (keyed.some((x) => x.k.t === 'unknown')) return unknown('sorted() with this key');
      const rev = truthy(kwargs.get('reverse') ?? bool(false));
      // Python's sort is stable also when reversed: equal items keep their order.
      keyed.sort((a, b) => (rev ? -1 : 1) * pyCompare(a.k, b.k));
      return { t: 'list', items: keyed.map((x) => x.v) };
    }
    case 'reversed': {
      argc(1, 1);
      const a = args[0];
      if (a.t !== 'list' && a.t !== 'tuple' && a.t !== 'str') throw new PyError('TypeError', 'argument to reversed() must be a sequence');
      return { t: 'iter', kind: a.t === 'list' ? 'listreverseiterator' : 'reversed', items: [...iterate(a)].reverse(), once: true };
    }
    case 'enumerate': {
      argc(1, 2);
      const start = args[1] ? asBigInt(args[1]) : 0n;
      if (start === undefined) throw new PyError('TypeError', 'an integer is required');
      return { t: 'iter', kind: 'enumerate', items: iterate(args[0]).map((v, i) => ({ t: 'tuple', items: [int(start + BigInt(i)), v] })), once: true };
    }
    case 'xrange': {
      const r = rangeItems(args, argc, 'xrange');
      return r ? { t: 'iter', kind: 'xrange', items: r, once: false } : unknown('xrange() of that many items');
    }
    case 'zip': {
      const seqs = args.map(iterate);
      const n = seqs.length ? Math.min(...seqs.map((s) => s.length)) : 0;
      return { t: 'list', items: Array.from({ length: n }, (_, i) => ({ t: 'tuple', items: seqs.map((s) => s[i]) })) };
    }
    case 'map': {
      argc(2, 64);
      const seqs = args.slice(1).map(iterate);
      const n = Math.max(...seqs.map((s) => s.length));
      const rows = Array.from({ length: n }, (_, i) => seqs.map((s) => s[i] ?? NONE));
      const fn = args[0];
      if (fn.t === 'none') return { t: 'list', items: rows.map((r) => (r.length === 1 ? r[0] : { t: 'tuple', items: r })) };
      const items = rows.map((r) => call(fn, r));
      return items.some((x) => x.t === 'unknown') ? unknown('map()') : { t: 'list', items };
    }
    case 'filter': {
      argc(2, 2);
      const [fn, seq] = args;
      const items = iterate(seq);
      const tests = items.map((x) => (fn.t === 'none' ? x : call(fn, [x])));
      if (tests.some((x) => x.t === 'unknown')) return unknown('filter()');
      const kept = items.filter((_, i) => truthy(tests[i]));
      if (seq.t === 'str') return str(kept.map((x) => (x as { v: string }).v).join(''), seq.u);
      return { t: seq.t === 'tuple' ? 'tuple' : 'list', items: kept };
    }
    case 'dict':
      return makeDict(args, kwargs, argc);
  }
  return undefined;
}

function convert(name: 'long' | 'unicode', args: PyValue[], argc: (a: number, b: number) => void): PyValue {
  argc(0, name === 'long' ? 2 : 1);
  const a = args[0];
  if (name === 'unicode') {
    if (!a) return str('', true);
    const s = pyStr(a);
    const bad = a.t === 'str' && !a.u ? [...s].findIndex((c) => c.charCodeAt(0) > 127) : -1;
    if (bad >= 0) throw new PyError('UnicodeDecodeError', `'ascii' codec can't decode byte 0x${s.charCodeAt(bad).toString(16)} in position ${bad}: ordinal not in range(128)`);
    return str(s, true);
  }
  if (!a) return int(0, true);
  if (a.t === 'float') {
    if (!Number.isFinite(a.v)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return int(BigInt(Math.trunc(a.v)), true);
  }
  if (a.t === 'str') {
    const base = args[1] ? Number(asBigInt(args[1]) ?? 10n) : 10;
    const t = a.v.trim().replace(/[lL]$/, '');
    const ok = /^[-+]?[0-9a-zA-Z]+$/.test(t) && [...t.replace(/^[-+]/, '').toLowerCase()].every((c) => parseInt(c, 36) < base);
    if (!ok) throw new PyError('ValueError', `invalid literal for long() with base ${base}: '${a.v}'`);
    let v = 0n;
    for (const c of t.replace(/^[-+]/, '').toLowerCase()) v = v * BigInt(base) + BigInt(parseInt(c, 36));
    return int(t.startsWith('-') ? -v : v, true);
  }
  const n = asBigInt(a);
  if (n === undefined) throw new PyError('TypeError', `long() argument must be a string or a number, not '${typeName(a)}'`);
  return int(n, true);
}

function power(args: PyValue[], argc: (a: number, b: number) => void, unknown: (w: string) => PyValue): PyValue {
  argc(2, 3);
  if (args.length === 2) {
    const r = binaryOp('**', args[0], args[1]);
    return r === 'too-big' ? unknown('pow()') : r;
  }
  const [b, e, m] = args.map(asBigInt);
  if (b === undefined || e === undefined || m === undefined) throw new PyError('TypeError', 'pow() 3rd argument not allowed unless all arguments are integers');
  if (e < 0n) throw new PyError('TypeError', 'pow() 2nd argument cannot be negative when 3rd argument specified');
  if (m === 0n) throw new PyError('ValueError', 'pow() 3rd argument cannot be 0');
  const abs = m < 0n ? -m : m;
  let result = 1n % abs;
  let base = ((b % abs) + abs) % abs;
  for (let x = e; x > 0n; x >>= 1n) {
    if (x & 1n) result = (result * base) % abs;
    base = (base * base) % abs;
  }
  // Like %, the result takes the sign of the modulus.
  return int(m < 0n && result !== 0n ? result + m : result, args.some((a) => a.t === 'int' && a.long));
}

/** Python 2.7 `round(x[, n])`: a float, halves away from zero, on the exact binary value. */
function round(args: PyValue[], argc: (a: number, b: number) => void): PyValue {
  argc(1, 2);
  if (!isNumber(args[0])) throw new PyError('TypeError', 'a float is required');
  const x = asNumber(args[0]);
  const nd = args[1] ? Number(asBigInt(args[1]) ?? 0n) : 0;
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return { t: 'float', v: x };
  // toFixed works on the exact value and rounds a tie away from zero, as Python 2.7's round does.
  if (nd >= 0) return { t: 'float', v: nd > 100 ? x : Number(x.toFixed(nd)) };
  const m = 10 ** -nd;
  return { t: 'float', v: Number((x / m).toFixed(0)) * m };
}

function rangeItems(args: PyValue[], argc: (a: number, b: number) => void, name: string): PyValue[] | undefined {
  argc(1, 3);
  const ns = args.map((a) => {
    const n = asBigInt(a);
    if (n === undefined) throw new PyError('TypeError', `${name}() integer end argument expected, got ${typeName(a)}.`);
    return n;
  });
  const [start, stop, step] = ns.length === 1 ? [0n, ns[0], 1n] : [ns[0], ns[1], ns[2] ?? 1n];
  if (step === 0n) throw new PyError('ValueError', `${name}() step argument must not be zero`);
  const count = step > 0n ? (stop - start + step - 1n) / step : (start - stop - step - 1n) / -step;
  if (count > 1_000_000n) return undefined;
  const items: PyValue[] = [];
  for (let v = start; step > 0n ? v < stop : v > stop; v += step) items.push(int(v));
  return items;
}

function isInstance(x: PyValue, t: PyValue, unknown: (w: string) => PyValue): PyValue {
  const types = t.t === 'tuple' ? t.items : [t];
  let undecided = false;
  for (const ty of types) {
    if (ty.t !== 'func' || ty.self || !TYPE_NAMES.has(ty.name)) {
      if (ty.t === 'func' && !ty.self && PY2_BUILTIN_NAMES.has(ty.name)) undecided = true;
      else throw new PyError('TypeError', 'isinstance() arg 2 must be a class, type, or tuple of classes and types');
      continue;
    }
    const own = typeName(x);
    const n = ty.name;
    if (n === own || n === 'object' || (n === 'int' && own === 'bool') || (n === 'basestring' && (own === 'str' || own === 'unicode'))) return bool(true);
  }
  return undecided ? unknown('isinstance() with that class') : bool(false);
}

function makeDict(args: PyValue[], kwargs: Kw, argc: (a: number, b: number) => void): PyValue {
  argc(0, 1);
  const map = new Map<string, [PyValue, PyValue]>();
  const a = args[0];
  if (a?.t === 'dict') for (const [k, v] of a.map) map.set(k, v);
  else if (a) {
    iterate(a).forEach((pair, i) => {
      const kv = pair.t === 'str' ? [...pair.v].map((c) => str(c, pair.u)) : iterate(pair);
      if (kv.length !== 2) throw new PyError('ValueError', `dictionary update sequence element #${i} has length ${kv.length}; 2 is required`);
      map.set(hashKey(kv[0]), [kv[0], kv[1]]);
    });
  }
  for (const [k, v] of kwargs) map.set(hashKey(str(k)), [str(k), v]);
  return { t: 'dict', map };
}
