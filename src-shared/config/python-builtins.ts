/**
 * The part of Python's library that xm configs call: `os.uname()`, `os.path.join`, `re.search`
 * / `re.match` / `re.compile` (Python regular expressions translated to JavaScript ones), the
 * builtins `str int float len bool range list tuple min max abs repr` (the rest of Python 2's
 * builtins in python-bltinmodule.ts), and the methods of str, list, dict and match objects that
 * configs use. Anything else Python 2 has resolves to an `unknown` value plus a diagnostic: xm
 * would run it on dom0, the editor cannot. Only what Python 2 lacks is an AttributeError.
 */
import { PY2_BUILTIN_NAMES, moreBuiltin } from './python-bltinmodule.ts';
import {
  FALSE, NONE, PyError, asBigInt, asNumber, bool, hashKey, int, isNumber, pyCompare, pyEquals, pyRepr, pyStr, str, truthy, typeName,
  type PyValue,
} from './python-values.ts';

/** `os.uname()` of the dom0 the config is evaluated on. */
export type Uname = readonly [sysname: string, nodename: string, release: string, version: string, machine: string];

export interface CallContext {
  uname: Uname;
  /** Records a call the editor cannot evaluate; returns the unknown value to use. */
  unknown(what: string): PyValue;
}

import { MAX_SEQUENCE, iterate } from './python-values.ts';
export { MAX_SEQUENCE, MAX_STRING, iterate } from './python-values.ts';

const RE_FLAGS: Record<string, number> = { I: 2, IGNORECASE: 2, L: 4, LOCALE: 4, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, U: 32, UNICODE: 32, X: 64, VERBOSE: 64 };
const OS_FUNCS = new Set(['uname']);
const OS_PATH_FUNCS = new Set(['join', 'basename', 'dirname']);
const RE_FUNCS = new Set(['search', 'match', 'compile']);
const BUILTINS = new Set(['str', 'int', 'float', 'len', 'bool', 'range', 'list', 'tuple', 'min', 'max', 'abs', 'repr']);
const METHODS: Record<string, Set<string>> = {
  str: new Set(['join', 'split', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'replace', 'startswith', 'endswith', 'find']),
  list: new Set(['append', 'extend', 'index', 'count', 'insert', 'pop', 'remove', 'reverse', 'sort']),
  dict: new Set(['get', 'has_key', 'keys', 'values', 'items', 'clear', 'copy', 'pop', 'setdefault', 'update', 'iteritems', 'iterkeys', 'itervalues']),
  match: new Set(['group', 'groups']),
  pattern: new Set(['search', 'match']),
};

/** Python 2.7 methods the editor does not evaluate: a call gives `unknown`, not AttributeError. */
const OTHER_METHODS: Record<string, Set<string>> = {
  str: new Set(('capitalize center count decode encode expandtabs format index isalnum isalpha isdigit islower isspace istitle isupper ljust ' +
    'partition rfind rindex rjust rpartition rsplit splitlines swapcase title translate zfill').split(' ')),
  list: new Set<string>(),
  dict: new Set(['fromkeys', 'popitem', 'viewitems', 'viewkeys', 'viewvalues']),
};
/** Methods that change their object: when the editor cannot run one, the object's value is unknown. */
export const MUTATING_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort', 'update', 'setdefault', 'clear', 'popitem', 'add', 'discard']);

export function isBuiltinName(name: string): boolean {
  return BUILTINS.has(name) || name === 'True' || name === 'False';
}

export function builtin(name: string): PyValue | undefined {
  if (name === 'True') return { t: 'bool', v: true };
  if (name === 'False') return FALSE;
  if (name === '__debug__') return { t: 'bool', v: true };
  if (name === '__name__') return str('__builtin__');
  return BUILTINS.has(name) || PY2_BUILTIN_NAMES.has(name) ? { t: 'func', name } : undefined;
}

/** `obj.name`: module members and bound methods. Undefined means AttributeError. */
export function getAttribute(obj: PyValue, name: string, ctx: CallContext): PyValue | undefined {
  if (obj.t === 'module') {
    if (obj.name === 'os') {
      if (OS_FUNCS.has(name)) return { t: 'func', name: 'os.' + name };
      if (name === 'path') return { t: 'module', name: 'os.path' };
      if (name === 'sep') return str('/');
      return ctx.unknown(`os.${name}`);
    }
    if (obj.name === 'os.path') return OS_PATH_FUNCS.has(name) ? { t: 'func', name: 'os.path.' + name } : ctx.unknown(`os.path.${name}`);
    if (obj.name === 're') {
      if (RE_FUNCS.has(name)) return { t: 'func', name: 're.' + name };
      if (name in RE_FLAGS) return int(RE_FLAGS[name]);
      return ctx.unknown(`re.${name}`);
    }
    return ctx.unknown(`${obj.name}.${name}`);
  }
  const kind = obj.t === 'tuple' ? 'list' : obj.t;
  const methods = METHODS[kind];
  if (methods?.has(name) && !(obj.t === 'tuple' && (name === 'append' || name === 'extend'))) return { t: 'func', name: `${kind}.${name}`, self: obj };
  if (obj.t === 'unknown') return obj;
  if (OTHER_METHODS[kind]?.has(name) && obj.t !== 'tuple') return ctx.unknown(`${typeName(obj)}.${name}()`);
  return undefined;
}

export function callFunction(fn: PyValue, args: PyValue[], kwargs: Map<string, PyValue>, ctx: CallContext): PyValue {
  if (fn.t === 'unknown') return fn;
  if (fn.t !== 'func') throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
  if (fn.self) return kwargs.size ? ctx.unknown(`${fn.name}() with keyword arguments`) : callMethod(fn.name, fn.self, args, ctx);
  const kw = (name: string) => kwargs.get(name);
  const argc = (min: number, max: number) => {
    if (args.length < min || args.length > max) {
      const range = min === max ? `exactly ${min}` : args.length < min ? `at least ${min}` : `at most ${max}`;
      throw new PyError('TypeError', `${fn.name.replace(/^.*\./, '')}() takes ${range} argument${min === 1 && max === 1 ? '' : 's'} (${args.length} given)`);
    }
  };
  if (kwargs.size && !fn.name.startsWith('re.') && fn.name !== 'sorted' && fn.name !== 'dict') return ctx.unknown(`${fn.name}() with keyword arguments`);
  switch (fn.name) {
    case 'os.uname':
      argc(0, 0);
      return { t: 'tuple', items: ctx.uname.map((s) => str(s)) };
    case 'os.path.join': {
      argc(1, 64);
      let out = '';
      for (const a of args) {
        const s = needStr(a, 'join');
        out = s.startsWith('/') || out === '' ? s : out.endsWith('/') ? out + s : out + '/' + s;
      }
      return str(out);
    }
    case 'os.path.basename':
      argc(1, 1);
      return str(needStr(args[0], 'basename').replace(/^.*\//, ''));
    case 'os.path.dirname': {
      argc(1, 1);
      const s = needStr(args[0], 'dirname');
      const head = s.slice(0, s.lastIndexOf('/') + 1);
      return str(/^\/+$/.test(head) ? head : head.replace(/\/+$/, ''));
    }
    case 're.search':
    case 're.match':
    case 're.compile': {
      const flagsV = kw('flags') ?? args[fn.name === 're.compile' ? 1 : 2];
      const flags = flagsV ? Number(asBigInt(flagsV) ?? 0n) : 0;
      argc(fn.name === 're.compile' ? 1 : 2, fn.name === 're.compile' ? 2 : 3);
      const pattern = args[0].t === 'pattern' ? args[0].source : needStr(args[0], fn.name);
      if (fn.name === 're.compile') return { t: 'pattern', source: pattern, flags };
      return regexMatch(pattern, flags, needStr(args[1], fn.name), fn.name === 're.match', ctx);
    }
  }
  return callBuiltin(fn.name, args, kwargs, argc, ctx);
}

function callBuiltin(name: string, args: PyValue[], kwargs: Map<string, PyValue>, argc: (a: number, b: number) => void, ctx: CallContext): PyValue {
  switch (name) {
    case 'str':
      argc(0, 1);
      return str(args.length ? pyStr(args[0]) : '', args[0]?.t === 'str' && !!args[0].u);
    case 'repr':
      argc(1, 1);
      return str(pyRepr(args[0]));
    case 'int': {
      argc(0, 2);
      if (!args.length) return int(0);
      const a = args[0];
      if (a.t === 'str') {
        const base = args[1] ? Number(asBigInt(args[1]) ?? 10n) : 10;
        return int(parseIntLiteral(a.v, base));
      }
      if (a.t === 'float') {
        if (!Number.isFinite(a.v)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
        return int(BigInt(Math.trunc(a.v)));
      }
      const n = asBigInt(a);
      if (n === undefined) throw new PyError('TypeError', `int() argument must be a string or a number, not '${typeName(a)}'`);
      return int(n);
    }
    case 'float': {
      argc(0, 1);
      if (!args.length) return { t: 'float', v: 0 };
      const a = args[0];
      if (a.t === 'str') {
        const t = a.v.trim();
        if (!/^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|inf|infinity|nan)$/i.test(t)) throw new PyError('ValueError', `invalid literal for float(): ${a.v}`);
        return { t: 'float', v: /inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : Number(t) };
      }
      return { t: 'float', v: asNumber(a) };
    }
    case 'bool':
      argc(0, 1);
      return bool(args.length ? truthy(args[0]) : false);
    case 'len': {
      argc(1, 1);
      const a = args[0];
      if (a.t === 'str') return int([...a.v].length);
      if (a.t === 'list' || a.t === 'tuple') return int(a.items.length);
      if (a.t === 'dict') return int(a.map.size);
      if (a.t === 'iter' && a.kind === 'xrange') return int(a.items.length);
      throw new PyError('TypeError', `object of type '${typeName(a)}' has no len()`);
    }
    case 'range': {
      argc(1, 3);
      const ns = args.map((a) => {
        const n = asBigInt(a);
        if (n === undefined) throw new PyError('TypeError', `range() integer end argument expected, got ${typeName(a)}.`);
        return n;
      });
      const [start, stop, step] = ns.length === 1 ? [0n, ns[0], 1n] : [ns[0], ns[1], ns[2] ?? 1n];
      if (step === 0n) throw new PyError('ValueError', 'range() step argument must not be zero');
      const count = step > 0n ? (stop - start + step - 1n) / step : (start - stop - step - 1n) / -step;
      if (count > BigInt(MAX_SEQUENCE)) return ctx.unknown(`range() of ${count} items`);
      const items: PyValue[] = [];
      for (let v = start; step > 0n ? v < stop : v > stop; v += step) items.push(int(v));
      return { t: 'list', items };
    }
    case 'list':
    case 'tuple': {
      argc(0, 1);
      const items = args.length ? iterate(args[0]) : [];
      return { t: name, items: [...items] } as PyValue;
    }
    case 'min':
    case 'max': {
      const items = args.length === 1 ? iterate(args[0]) : args;
      if (!items.length) throw new PyError('ValueError', `${name}() arg is an empty sequence`);
      return items.reduce((best, x) => ((name === 'min' ? pyCompare(x, best) < 0 : pyCompare(x, best) > 0) ? x : best));
    }
    case 'abs': {
      argc(1, 1);
      const a = args[0];
      if (a.t === 'float') return { t: 'float', v: Math.abs(a.v) };
      const n = asBigInt(a);
      if (n === undefined) throw new PyError('TypeError', `bad operand type for abs(): '${typeName(a)}'`);
      return int(n < 0n ? -n : n);
    }
  }
  const call = (f: PyValue, a: PyValue[]) => callFunction(f, a, new Map(), ctx);
  return moreBuiltin(name, args, kwargs, call, (what) => ctx.unknown(what)) ?? ctx.unknown(`${name}()`);
}

function needStr(x: PyValue, fn: string): string {
  if (x.t !== 'str') throw new PyError('TypeError', `${fn}() argument must be a string, not ${typeName(x)}`);
  return x.v;
}

function parseIntLiteral(text: string, base: number): bigint {
  const t = text.trim().replace(/[lL]$/, '');
  const m = /^([-+]?)(0[xX])?([0-9a-zA-Z]+)$/.exec(t);
  const digits = m && (base === 16 || (base === 0 && m[2]) ? m[3] : m[2] ? '' : m[3]);
  const b = base === 0 ? (m?.[2] ? 16 : t.replace(/^[-+]/, '').startsWith('0') && t.length > 1 ? 8 : 10) : base;
  if (!m || !digits || [...digits.toLowerCase()].some((c) => parseInt(c, 36) >= b || Number.isNaN(parseInt(c, 36)))) {
    throw new PyError('ValueError', `invalid literal for int() with base ${base}: ${pyRepr(str(text))}`);
  }
  let v = 0n;
  for (const c of digits.toLowerCase()) v = v * BigInt(b) + BigInt(parseInt(c, 36));
  return m[1] === '-' ? -v : v;
}

function callMethod(name: string, self: PyValue, args: PyValue[], ctx: CallContext): PyValue {
  const method = name.slice(name.indexOf('.') + 1);
  if (self.t === 'str') return strMethod(method, self.v, !!self.u, args);
  if (self.t === 'list' || self.t === 'tuple') {
    if (method === 'append' && self.t === 'list') {
      if (args.length !== 1) throw new PyError('TypeError', `append() takes exactly one argument (${args.length} given)`);
      if (self.items.length >= MAX_SEQUENCE) return ctx.unknown('a list of more than a million items');
      self.items.push(args[0]);
      return NONE;
    }
    if (method === 'extend' && self.t === 'list') {
      self.items.push(...iterate(args[0] ?? NONE));
      return NONE;
    }
    return listMethod(method, self, args);
  }
  if (self.t === 'dict') return dictMethod(method, self, args);
  if (self.t === 'match') {
    const pick = (a: PyValue) => {
      const idx = a.t === 'str' ? a.v : Number(asBigInt(a) ?? -1n);
      const g = typeof idx === 'string' ? (idx in self.named ? self.named[idx] : null) : idx >= 0 && idx < self.groups.length ? self.groups[idx] : null;
      if (g === null) throw new PyError('IndexError', 'no such group');
      return g === undefined ? NONE : str(g);
    };
    if (method === 'groups') return { t: 'tuple', items: self.groups.slice(1).map((g) => (g === undefined ? NONE : str(g))) };
    if (args.length <= 1) return pick(args[0] ?? int(0));
    return { t: 'tuple', items: args.map(pick) };
  }
  if (self.t === 'pattern') return regexMatch(self.source, self.flags, needStr(args[0] ?? NONE, method), method === 'match', ctx);
  return ctx.unknown(name);
}

/** list.count/index/insert/pop/remove/reverse/sort (listobject.c); sort uses Python 2's mixed-type order. */
function listMethod(method: string, self: Extract<PyValue, { t: 'list' | 'tuple' }>, args: PyValue[]): PyValue {
  const items = self.items;
  const index = (v: PyValue | undefined, dflt: number) => {
    const n = v === undefined ? BigInt(dflt) : asBigInt(v);
    if (n === undefined) throw new PyError('TypeError', 'an integer is required');
    return Number(n);
  };
  switch (method) {
    case 'count':
      return int(items.filter((x) => pyEquals(x, args[0] ?? NONE)).length);
    case 'insert': {
      const i = index(args[0], 0);
      items.splice(i < 0 ? Math.max(0, items.length + i) : Math.min(i, items.length), 0, args[1] ?? NONE);
      return NONE;
    }
    case 'pop': {
      if (!items.length) throw new PyError('IndexError', 'pop from empty list');
      const i = index(args[0], -1);
      const at = i < 0 ? items.length + i : i;
      if (at < 0 || at >= items.length) throw new PyError('IndexError', 'pop index out of range');
      return items.splice(at, 1)[0];
    }
    case 'reverse':
      items.reverse();
      return NONE;
    case 'sort':
      if (args.length) throw new PyError('TypeError', 'sort() with a cmp function is not evaluated by the editor');
      items.sort(pyCompare);
      return NONE;
  }
  const at = items.findIndex((x) => pyEquals(x, args[0] ?? NONE));
  if (at < 0) throw new PyError('ValueError', method === 'remove' ? 'list.remove(x): x not in list' : `${self.t}.index(x): x not in ${self.t}`);
  if (method === 'remove') {
    items.splice(at, 1);
    return NONE;
  }
  return int(at);
}

/** dict methods (dictobject.c); keys() and friends in insertion order, where Python 2 uses hash order. */
function dictMethod(method: string, self: Extract<PyValue, { t: 'dict' }>, args: PyValue[]): PyValue {
  const key = () => hashKey(args[0] ?? NONE);
  const entries = () => [...self.map.values()];
  switch (method) {
    case 'get':
      return self.map.get(key())?.[1] ?? args[1] ?? NONE;
    case 'has_key':
      return bool(self.map.has(key()));
    case 'keys':
    case 'iterkeys':
      return seqOf(method, 'dictionary-keyiterator', entries().map(([k]) => k));
    case 'values':
    case 'itervalues':
      return seqOf(method, 'dictionary-valueiterator', entries().map(([, v]) => v));
    case 'items':
    case 'iteritems':
      return seqOf(method, 'dictionary-itemiterator', entries().map(([k, v]) => ({ t: 'tuple', items: [k, v] })));
    case 'clear':
      self.map.clear();
      return NONE;
    case 'copy':
      return { t: 'dict', map: new Map(self.map) };
    case 'setdefault': {
      const hit = self.map.get(key());
      if (hit) return hit[1];
      self.map.set(key(), [args[0] ?? NONE, args[1] ?? NONE]);
      return args[1] ?? NONE;
    }
    case 'pop': {
      const hit = self.map.get(key());
      if (!hit) {
        if (args.length > 1) return args[1];
        throw new PyError('KeyError', pyRepr(args[0] ?? NONE));
      }
      self.map.delete(key());
      return hit[1];
    }
  }
  // update(other): a dict or a sequence of pairs.
  const other = args[0] ?? { t: 'dict', map: new Map() };
  if (other.t === 'dict') for (const [k, v] of other.map) self.map.set(k, v);
  else for (const pair of iterate(other)) {
    const kv = iterate(pair);
    if (kv.length !== 2) throw new PyError('ValueError', `dictionary update sequence element has length ${kv.length}; 2 is required`);
    self.map.set(hashKey(kv[0]), [kv[0], kv[1]]);
  }
  return NONE;
}

function seqOf(method: string, kind: string, items: PyValue[]): PyValue {
  return method.startsWith('iter') ? { t: 'iter', kind, items, once: true } : { t: 'list', items };
}

function strMethod(method: string, s: string, u: boolean, args: PyValue[]): PyValue {
  const arg = (i: number) => (args[i] === undefined || args[i].t === 'none' ? undefined : needStr(args[i], method));
  switch (method) {
    case 'join': {
      const parts = iterate(args[0] ?? NONE).map((p, i) => {
        if (p.t !== 'str') throw new PyError('TypeError', `sequence item ${i}: expected string, ${typeName(p)} found`);
        return p;
      });
      return str(parts.map((p) => p.v).join(s), u || parts.some((p) => p.u));
    }
    case 'split': {
      const sep = arg(0);
      const max = args[1] ? Number(asBigInt(args[1]) ?? -1n) : -1;
      let parts: string[];
      if (sep === undefined) parts = s.trim() === '' ? [] : splitWhitespace(s, max);
      else {
        if (sep === '') throw new PyError('ValueError', 'empty separator');
        parts = s.split(sep);
        if (max >= 0 && parts.length > max + 1) parts = [...parts.slice(0, max), parts.slice(max).join(sep)];
      }
      return { t: 'list', items: parts.map((p) => str(p, u)) };
    }
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      const chars = arg(0);
      const set = chars === undefined ? ' \t\n\r\f\v' : chars;
      let a = 0;
      let b = s.length;
      if (method !== 'rstrip') while (a < b && set.includes(s[a])) a++;
      if (method !== 'lstrip') while (b > a && set.includes(s[b - 1])) b--;
      return str(s.slice(a, b), u);
    }
    case 'lower':
      return str(s.replace(/[A-Z]+/g, (m) => m.toLowerCase()), u);
    case 'upper':
      return str(s.replace(/[a-z]+/g, (m) => m.toUpperCase()), u);
    case 'replace': {
      const from = arg(0) ?? '';
      const to = arg(1) ?? '';
      return str(from === '' ? s : s.split(from).join(to), u);
    }
    case 'startswith':
      return bool(s.startsWith(arg(0) ?? ''));
    case 'endswith':
      return bool(s.endsWith(arg(0) ?? ''));
    default:
      return int(s.indexOf(arg(0) ?? ''));
  }
}

function splitWhitespace(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = s.replace(/^\s+/, '');
  while (rest !== '') {
    if (max >= 0 && out.length === max) {
      out.push(rest);
      break;
    }
    const m = /\s+/.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

// ---- regular expressions ---------------------------------------------------------------------

const regexCache = new Map<string, RegExp | string>();

/**
 * Python `re` syntax as a JavaScript RegExp: named groups `(?P<n>…)`/`(?P=n)`, `\A`, `\Z`, and
 * `$` matching before a final newline. Returns an error string when JavaScript cannot express it.
 */
export function translateRegex(source: string, flags: number): RegExp | string {
  const key = `${flags}/${source}`;
  const hit = regexCache.get(key);
  if (hit !== undefined) return hit;
  let result: RegExp | string;
  if (flags & 64) result = 're.VERBOSE patterns are not supported by the editor';
  else {
    let out = '';
    let inClass = false;
    for (let i = 0; i < source.length; i++) {
      const c = source[i];
      if (c === '\\') {
        const d = source[i + 1] ?? '';
        if (!inClass && d === 'A') out += '^';
        else if (!inClass && d === 'Z') out += '$(?![\\s\\S])';
        else out += c + d;
        i++;
      } else if (inClass) {
        if (c === ']') inClass = false;
        out += c;
      } else if (c === '[') {
        inClass = true;
        out += c;
        if (source[i + 1] === '^') out += source[++i];
        if (source[i + 1] === ']') out += '\\' + source[++i];
      } else if (source.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
      } else if (source.startsWith('(?P=', i)) {
        const end = source.indexOf(')', i);
        out += `\\k<${source.slice(i + 4, end)}>`;
        i = end;
      } else if (c === '$') out += flags & 8 ? '(?=\\n|$)' : '(?=\\n?$(?![\\s\\S]))';
      else out += c;
    }
    try {
      result = new RegExp(out, (flags & 2 ? 'i' : '') + (flags & 8 ? 'm' : '') + (flags & 16 ? 's' : '') + 'd');
    } catch (e) {
      result = `pattern ${pyRepr(str(source))} is not valid in the editor's regular-expression engine (${(e as Error).message})`;
    }
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(key, result);
  return result;
}

function regexMatch(pattern: string, flags: number, subject: string, anchored: boolean, ctx: CallContext): PyValue {
  const re = translateRegex(pattern, flags);
  if (typeof re === 'string') return ctx.unknown(re);
  const sticky = new RegExp(re.source, re.flags + (anchored ? 'y' : 'g'));
  sticky.lastIndex = 0;
  const m = sticky.exec(subject);
  if (!m) return NONE;
  return { t: 'match', groups: [...m], named: { ...(m.groups ?? {}) } };
}

export function isNumeric(x: PyValue): boolean {
  return isNumber(x);
}
