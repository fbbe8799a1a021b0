/**
 * Runs an hvm.conf the way `xm create` does (xen/xm/opts.py `Opts.load`: `execfile` with
 * `sys`, `os`, `os.path` and `xen.util.ip` pre-imported) — on the subset real configs use — and
 * binds names exactly as Python 2 would. A Python exception stops evaluation where xm would
 * stop, and becomes an error diagnostic there; constructs outside the subset yield `unknown`
 * values and a warning, never a crash.
 */
import { DiagnosticSink } from './diagnostic.ts';
import type { Expr, Module, Span, Stmt } from './python-ast.ts';
import { tokenizePython } from './python-lexer.ts';
import { parsePython } from './python-parser.ts';
import { MAX_SEQUENCE, MAX_STRING, builtin, callFunction, getAttribute, iterate, type CallContext, type Uname } from './python-builtins.ts';
import {
  NONE, PyError, asBigInt, asNumber, bool, hashKey, int, isNumber, percentFormat, pyCompare, pyEquals, str, toJson, truthy, typeName,
  type Json, type PyValue,
} from './python-values.ts';
import { SourceText } from './source.ts';

export interface Binding {
  name: string;
  value: PyValue;
  /** The assignment target (the name as written). */
  target: Span;
  /** The whole statement that made the binding. */
  stmt: Span;
  /** The expression whose value was bound (undefined for imports, unpacking and `+=`). */
  expr?: Expr;
  /** Where each element of a list/tuple value was written, when the editor can tell. */
  elements?: (Span | undefined)[];
}

export interface HvmEval {
  src: SourceText;
  module: Module;
  /** Names the file bound, in first-binding order (Python dict order of the namespace). */
  bindings: Map<string, Binding>;
  /** False when a syntax error or a Python exception means xm would not finish the file. */
  completed: boolean;
  sink: DiagnosticSink;
}

export interface EvalOptions {
  uname?: Uname;
}

/** The seed host: 64-bit Xen with a 2.6.18-xen dom0 ("32-bit FC5 on 64-bit Xen"). */
export const DEFAULT_UNAME: Uname = ['Linux', 'xen-vtd', '2.6.18-xen', '#1 SMP Tue Apr 10 00:00:00 EDT 2007', 'x86_64'];

/** Names xm's `Opts.load` defines before the file runs; not bindings of the file. */
const PRESEEDED = ['sys', 'os', 'get_current_ipaddr', 'get_current_ipmask', 'get_current_ipgw', 'xm_file', 'xm_help', 'xm_vars'];

class Stop {
  constructor(readonly error: PyError, readonly span: Span) {}
}

export function evaluateHvm(text: string, options: EvalOptions = {}): HvmEval {
  const src = new SourceText(text);
  const sink = new DiagnosticSink(src);
  const lex = tokenizePython(text, sink);
  if (lex.nonAsciiAt !== undefined) {
    sink.add('py-encoding', 'error', "SyntaxError: non-ASCII character in a file with no encoding declared; Python 2 (and so xm) refuses the file", lex.nonAsciiAt, lex.nonAsciiAt + 1, [
      { title: 'Declare the encoding (# -*- coding: utf-8 -*-) on the first line', edits: [{ range: src.range(0, 0), text: '# -*- coding: utf-8 -*-\n' }], preferred: true },
    ]);
  }
  const module = parsePython(lex.tokens, sink);
  const ev = new Evaluator(sink, options.uname ?? DEFAULT_UNAME);
  let completed = module.syntaxOk && lex.nonAsciiAt === undefined;
  try {
    ev.block(module.body);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    completed = false;
    sink.add('py-runtime', 'error', `${e.error.type}: ${e.error.message} — xm would stop here and create no domain`, e.span.start, e.span.end);
  }
  return { src, module, bindings: ev.bindings, completed, sink };
}

/** The bindings as JSON (Python values; names whose values are not data are left out). */
export function bindingsJson(ev: HvmEval): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, b] of ev.bindings) {
    const j = toJson(b.value);
    if (j !== undefined) out[name] = j;
  }
  return out;
}

class Evaluator implements CallContext {
  readonly bindings = new Map<string, Binding>();
  private readonly ns = new Map<string, PyValue>();
  /** After an `exec` or an unknown star import any name may exist: NameError is not certain. */
  private anyName = false;
  private currentStmt: Span = { start: 0, end: 0 };
  private warnedAt = new Set<number>();
  private unknownSpan: Span = { start: 0, end: 0 };

  constructor(
    private readonly sink: DiagnosticSink,
    readonly uname: Uname,
  ) {
    for (const name of PRESEEDED) this.ns.set(name, name === 'os' || name === 'sys' ? { t: 'module', name } : { t: 'unknown', why: name });
  }

  unknown(what: string): PyValue {
    const at = this.unknownSpan;
    if (!this.warnedAt.has(at.start)) {
      this.warnedAt.add(at.start);
      this.sink.add('py-unsupported', 'warning', `${what}: xm would evaluate this on dom0, but the editor cannot; its value is unknown here`, at.start, at.end);
    }
    return { t: 'unknown', why: what };
  }

  block(body: Stmt[]): void {
    for (const s of body) this.statement(s);
  }

  private statement(s: Stmt): void {
    this.currentStmt = s;
    switch (s.k) {
      case 'assign': {
        const value = this.eval(s.value);
        for (const t of s.targets) this.assign(t, value, s, s.value);
        return;
      }
      case 'augassign': {
        const old = this.eval(s.target);
        const rhs = this.eval(s.value);
        const value = old.t === 'list' && s.op === '+' ? (old.items.push(...this.guard(iterate(rhs), s.value)), old) : this.binop(s.op, old, rhs, s);
        this.assign(s.target, value, s, undefined);
        return;
      }
      case 'import':
        for (const n of s.names) {
          const top = n.name.split('.')[0];
          const mod = this.importModule(n.asname ? n.name : top, n);
          this.bind(n.asname ?? top, mod, n, s);
        }
        return;
      case 'from':
        for (const n of s.names) {
          if (n.name === '*') {
            if (s.module !== 'xen.util.ip') this.anyName = true;
            continue;
          }
          const mod = this.importModule(s.module, s);
          this.unknownSpan = n;
          const v = mod.t === 'unknown' ? mod : (getAttribute(mod, n.name, this) ?? this.raise('ImportError', `cannot import name ${n.name}`, n));
          this.bind(n.asname ?? n.name, v, n, s);
        }
        return;
      case 'if': {
        for (const br of s.branches) {
          const test = this.eval(br.test);
          if (test.t === 'unknown') return this.unknownBranches(s, br.test);
          if (truthy(test)) return this.block(br.body);
        }
        if (s.orelse) this.block(s.orelse);
        return;
      }
      case 'expr':
        this.eval(s.value);
        return;
      case 'pass':
        return;
      case 'skipped':
        if (s.what === 'exec') this.anyName = true;
        for (const name of s.binds) this.bind(name, { t: 'unknown', why: `set by a '${s.what}' statement` }, s, s);
        return;
    }
  }

  private importModule(name: string, at: Span): PyValue {
    if (name === 'os' || name === 're' || name === 'sys' || name === 'os.path') return { t: 'module', name };
    this.unknownSpan = at;
    return this.unknown(`import of module '${name}'`);
  }

  /** The test of an `if` is unknown: every name any branch could set becomes unknown. */
  private unknownBranches(s: Extract<Stmt, { k: 'if' }>, test: Expr): void {
    this.sink.add('py-unknown-branch', 'info', 'The editor cannot tell which branch xm takes here; names set in any branch are unknown', test.start, test.end);
    const names = new Set<string>();
    const walk = (body: Stmt[]) => {
      for (const st of body) {
        if (st.k === 'assign') st.targets.forEach((t) => targetNames(t, names));
        else if (st.k === 'augassign') targetNames(st.target, names);
        else if (st.k === 'import' || st.k === 'from') st.names.forEach((n) => names.add(n.asname ?? n.name.split('.')[0]));
        else if (st.k === 'if') {
          st.branches.forEach((b) => walk(b.body));
          if (st.orelse) walk(st.orelse);
        } else if (st.k === 'skipped') st.binds.forEach((n) => names.add(n));
      }
    };
    s.branches.forEach((b) => walk(b.body));
    if (s.orelse) walk(s.orelse);
    for (const n of names) this.bind(n, { t: 'unknown', why: 'set in a branch the editor cannot decide' }, s, s);
  }

  private bind(name: string, value: PyValue, target: Span, stmt: Span, expr?: Expr, elements?: (Span | undefined)[]): void {
    this.ns.set(name, value);
    // Re-binding moves nothing in a Python dict: keep the first position, update the rest.
    this.bindings.set(name, { name, value, target: { start: target.start, end: target.end }, stmt: { start: stmt.start, end: stmt.end }, expr, elements });
  }

  private assign(target: Expr, value: PyValue, stmt: Span, expr: Expr | undefined): void {
    switch (target.k) {
      case 'name':
        this.bind(target.id, value, target, stmt, expr, expr ? this.elementSpans(expr) : undefined);
        return;
      case 'tuple':
      case 'list': {
        if (value.t === 'unknown') {
          for (const t of target.items) this.assign(t, value, stmt, undefined);
          return;
        }
        const items = this.wrap(() => iterate(value), target);
        if (items.length !== target.items.length) {
          this.raise('ValueError', items.length > target.items.length ? 'too many values to unpack' : `need more than ${items.length} value${items.length === 1 ? '' : 's'} to unpack`, stmt);
        }
        const exprItems = expr && (expr.k === 'tuple' || expr.k === 'list') ? expr.items : undefined;
        target.items.forEach((t, i) => this.assign(t, items[i], stmt, exprItems?.[i]));
        return;
      }
      case 'index': {
        const obj = this.eval(target.obj);
        const key = this.eval(target.index);
        if (obj.t === 'unknown') return;
        if (obj.t === 'dict') this.wrap(() => obj.map.set(hashKey(key), [key, value]), target);
        else if (obj.t === 'list') obj.items[this.seqIndex(obj.items.length, key, target)] = value;
        else this.raise('TypeError', `'${typeName(obj)}' object does not support item assignment`, target);
        return;
      }
      default:
        this.unknownSpan = target;
        this.unknown('assignment to an attribute or slice');
    }
  }

  private elementSpans(e: Expr): (Span | undefined)[] | undefined {
    if (e.k === 'list' || e.k === 'tuple') return e.items.map((i) => ({ start: i.start, end: i.end }));
    if (e.k === 'bin' && e.op === '+') {
      const a = this.elementSpans(e.left);
      const b = this.elementSpans(e.right);
      return a && b ? [...a, ...b] : undefined;
    }
    if (e.k === 'name') return this.bindings.get(e.id)?.elements;
    return undefined;
  }

  private raise(type: string, message: string, at: Span): never {
    throw new Stop(new PyError(type, message), at);
  }

  private wrap<T>(f: () => T, at: Span): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PyError) throw new Stop(e, at);
      throw e;
    }
  }

  private guard<T extends { length: number }>(v: T, at: Span): T {
    if (v.length > MAX_SEQUENCE) this.raise('MemoryError', 'the editor refuses to build a sequence of more than a million items', at);
    return v;
  }

  eval(e: Expr): PyValue {
    switch (e.k) {
      case 'num':
        return this.wrap(() => parseNumber(e.raw), e);
      case 'str':
        return str(e.value, e.unicode);
      case 'name': {
        const v = this.ns.get(e.id) ?? builtin(e.id);
        if (v) return v;
        if (e.id === 'None') return NONE;
        if (this.anyName) return { t: 'unknown', why: e.id };
        return this.raise('NameError', `name '${e.id}' is not defined`, e);
      }
      case 'list':
      case 'tuple':
        return { t: e.k, items: e.items.map((i) => this.eval(i)) };
      case 'dict': {
        const map = new Map<string, [PyValue, PyValue]>();
        e.keys.forEach((k, i) => {
          const key = this.eval(k);
          const value = this.eval(e.values[i]);
          if (key.t !== 'unknown') map.set(this.wrap(() => hashKey(key), k), [key, value]);
        });
        return { t: 'dict', map };
      }
      case 'unary': {
        const v = this.eval(e.operand);
        if (v.t === 'unknown') return v;
        if (e.op === '~') return int(~(asBigInt(v) ?? this.raise('TypeError', `bad operand type for unary ~: '${typeName(v)}'`, e)));
        if (!isNumber(v)) return this.raise('TypeError', `bad operand type for unary ${e.op}: '${typeName(v)}'`, e);
        if (v.t === 'float') return { t: 'float', v: e.op === '-' ? -v.v : v.v };
        return int(e.op === '-' ? -asBigInt(v)! : asBigInt(v)!);
      }
      case 'not': {
        const v = this.eval(e.operand);
        return v.t === 'unknown' ? v : bool(!truthy(v));
      }
      case 'bool': {
        const left = this.eval(e.left);
        if (left.t === 'unknown') return left;
        if (e.op === 'and' ? !truthy(left) : truthy(left)) return left;
        return this.eval(e.right);
      }
      case 'bin':
        return this.binop(e.op, this.eval(e.left), this.eval(e.right), e);
      case 'cmp':
        return this.compare(e);
      case 'cond': {
        const t = this.eval(e.test);
        return t.t === 'unknown' ? t : this.eval(truthy(t) ? e.body : e.orelse);
      }
      case 'attr': {
        const obj = this.eval(e.obj);
        if (obj.t === 'unknown') return obj;
        this.unknownSpan = e;
        return getAttribute(obj, e.name, this) ?? this.raise('AttributeError', `'${typeName(obj)}' object has no attribute '${e.name}'`, { start: e.nameStart, end: e.end });
      }
      case 'call': {
        const fn = this.eval(e.fn);
        const args = e.args.map((a) => this.eval(a));
        const kwargs = new Map(e.kwargs.map((k) => [k.name, this.eval(k.value)] as const));
        if (fn.t === 'unknown' || args.some((a) => a.t === 'unknown') || [...kwargs.values()].some((a) => a.t === 'unknown')) return { t: 'unknown', why: 'call' };
        this.unknownSpan = e;
        return this.wrap(() => callFunction(fn, args, kwargs, this), e);
      }
      case 'index': {
        const obj = this.eval(e.obj);
        const key = this.eval(e.index);
        if (obj.t === 'unknown' || key.t === 'unknown') return { t: 'unknown', why: 'subscript' };
        return this.subscript(obj, key, e);
      }
      case 'slice':
        return this.slice(e);
      case 'unsupported':
        return { t: 'unknown', why: e.what };
    }
  }

  private seqIndex(len: number, key: PyValue, at: Span): number {
    const n = asBigInt(key);
    if (n === undefined) return this.raise('TypeError', `list indices must be integers, not ${typeName(key)}`, at);
    const i = Number(n < 0n ? n + BigInt(len) : n);
    if (i < 0 || i >= len) return this.raise('IndexError', 'list index out of range', at);
    return i;
  }

  private subscript(obj: PyValue, key: PyValue, at: Span): PyValue {
    if (obj.t === 'dict') {
      const hit = obj.map.get(this.wrap(() => hashKey(key), at));
      return hit ? hit[1] : this.raise('KeyError', pyReprShort(key), at);
    }
    if (obj.t === 'list' || obj.t === 'tuple') {
      const i = this.wrap(() => {
        const n = asBigInt(key);
        if (n === undefined) throw new PyError('TypeError', `${obj.t} indices must be integers, not ${typeName(key)}`);
        return n;
      }, at);
      const idx = Number(i < 0n ? i + BigInt(obj.items.length) : i);
      if (idx < 0 || idx >= obj.items.length) return this.raise('IndexError', `${obj.t} index out of range`, at);
      return obj.items[idx];
    }
    if (obj.t === 'str') {
      const chars = [...obj.v];
      const n = asBigInt(key);
      if (n === undefined) return this.raise('TypeError', 'string indices must be integers', at);
      const idx = Number(n < 0n ? n + BigInt(chars.length) : n);
      if (idx < 0 || idx >= chars.length) return this.raise('IndexError', 'string index out of range', at);
      return str(chars[idx], obj.u);
    }
    if (obj.t === 'match') return this.wrap(() => callFunction({ t: 'func', name: 'match.group', self: obj }, [key], new Map(), this), at);
    return this.raise('TypeError', `'${typeName(obj)}' object is unsubscriptable`, at);
  }

  private slice(e: Extract<Expr, { k: 'slice' }>): PyValue {
    const obj = this.eval(e.obj);
    const parts = [e.lower, e.upper, e.step].map((p) => (p ? this.eval(p) : NONE));
    if (obj.t === 'unknown' || parts.some((p) => p.t === 'unknown')) return { t: 'unknown', why: 'slice' };
    const seq = obj.t === 'str' ? [...obj.v] : obj.t === 'list' || obj.t === 'tuple' ? obj.items : this.raise('TypeError', `'${typeName(obj)}' object is unsubscriptable`, e);
    const [lo, hi, st] = parts.map((p) => (p.t === 'none' ? undefined : Number(asBigInt(p) ?? this.raise('TypeError', 'slice indices must be integers or None', e))));
    const step = st ?? 1;
    if (step === 0) return this.raise('ValueError', 'slice step cannot be zero', e);
    const len = seq.length;
    const norm = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? Math.max(v + len, step < 0 ? -1 : 0) : Math.min(v, step < 0 ? len - 1 : len));
    const start = norm(lo, step > 0 ? 0 : len - 1);
    const stop = norm(hi, step > 0 ? len : -1);
    const picked: unknown[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(seq[i]);
    if (obj.t === 'str') return str((picked as string[]).join(''), obj.u);
    return { t: obj.t as 'list' | 'tuple', items: picked as PyValue[] };
  }

  private compare(e: Extract<Expr, { k: 'cmp' }>): PyValue {
    let left = this.eval(e.operands[0]);
    for (let i = 0; i < e.ops.length; i++) {
      const right = this.eval(e.operands[i + 1]);
      if (left.t === 'unknown' || right.t === 'unknown') return { t: 'unknown', why: 'comparison' };
      const ok = this.wrap(() => compareOp(e.ops[i], left, right), e);
      if (!ok) return bool(false);
      left = right;
    }
    return bool(true);
  }

  binop(op: string, a: PyValue, b: PyValue, at: Span): PyValue {
    if (a.t === 'unknown') return a;
    if (b.t === 'unknown') return b;
    const r = this.wrap(() => binaryOp(op, a, b), at);
    if (r === 'too-big') {
      this.unknownSpan = at;
      return this.unknown('a value larger than the editor builds');
    }
    return r;
  }
}

function targetNames(t: Expr, out: Set<string>): void {
  if (t.k === 'name') out.add(t.id);
  else if (t.k === 'tuple' || t.k === 'list') t.items.forEach((i) => targetNames(i, out));
}

function pyReprShort(v: PyValue): string {
  return v.t === 'str' ? `'${v.v}'` : v.t === 'int' ? v.v.toString() : typeName(v);
}

/** Python 2 numeric literals: `010` is octal, `10L` long, `1.5e3` float; `1j` is refused. */
export function parseNumber(raw: string): PyValue {
  const body = raw.replace(/[lL]$/, '');
  if (/[jJ]$/.test(raw)) throw new PyError('SyntaxError', `complex literal ${raw} is not supported by the editor`);
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) return int(BigInt(body));
  if (/^0[oO][0-7]+$/.test(body)) return int(BigInt(body));
  if (/^0[bB][01]+$/.test(body)) return int(BigInt(body));
  if (/^0[0-7]+$/.test(body)) return int(BigInt('0o' + body.slice(1)));
  if (/^(0|[1-9]\d*)$/.test(body)) return int(BigInt(body));
  if (body === raw && /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(body)) return { t: 'float', v: Number(body) };
  throw new PyError('SyntaxError', `invalid number literal '${raw}'`);
}

function compareOp(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b) < 0;
    case '>':
      return pyCompare(a, b) > 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>=':
      return pyCompare(a, b) >= 0;
    case 'is':
    case 'is not': {
      const same = a === b || (a.t === 'none' && b.t === 'none') || (a.t === 'bool' && b.t === 'bool' && a.v === b.v);
      return op === 'is' ? same : !same;
    }
    default: {
      const found = contains(b, a);
      return op === 'in' ? found : !found;
    }
  }
}

function contains(container: PyValue, x: PyValue): boolean {
  if (container.t === 'str') {
    if (x.t !== 'str') throw new PyError('TypeError', `'in <string>' requires string as left operand`);
    return container.v.includes(x.v);
  }
  if (container.t === 'dict') return container.map.has(hashKey(x));
  return iterate(container).some((i) => pyEquals(i, x));
}

function binaryOp(op: string, a: PyValue, b: PyValue): PyValue | 'too-big' {
  const ai = asBigInt(a);
  const bi = asBigInt(b);
  if (ai !== undefined && bi !== undefined) return intOp(op, ai, bi);
  if (isNumber(a) && isNumber(b)) return floatOp(op, asNumber(a), asNumber(b));
  if (op === '+' && a.t === 'str' && b.t === 'str') return a.v.length + b.v.length > MAX_STRING ? 'too-big' : str(a.v + b.v, a.u || b.u);
  if (op === '+' && (a.t === 'list' || a.t === 'tuple') && a.t === b.t) return { t: a.t, items: [...a.items, ...b.items] };
  if (op === '%' && a.t === 'str') {
    const s = percentFormat(a.v, b);
    return s.length > MAX_STRING ? 'too-big' : str(s, a.u || (b.t === 'str' && !!b.u));
  }
  if (op === '*') {
    const [seq, n] = bi !== undefined ? [a, bi] : ai !== undefined ? [b, ai] : [undefined, undefined];
    if (seq && n !== undefined) {
      const count = n < 0n ? 0 : Number(n);
      if (seq.t === 'str') return seq.v.length * count > MAX_STRING ? 'too-big' : str(seq.v.repeat(count), seq.u);
      if (seq.t === 'list' || seq.t === 'tuple') {
        if (seq.items.length * count > MAX_SEQUENCE) return 'too-big';
        return { t: seq.t, items: Array.from({ length: count }, () => seq.items).flat() };
      }
    }
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function intOp(op: string, a: bigint, b: bigint): PyValue | 'too-big' {
  const floorDiv = (x: bigint, y: bigint) => {
    if (y === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
    const q = x / y;
    return (x % y !== 0n && (x < 0n) !== (y < 0n)) ? q - 1n : q;
  };
  switch (op) {
    case '+':
      return int(a + b);
    case '-':
      return int(a - b);
    case '*':
      return int(a * b);
    case '/': // Python 2: int / int floors.
    case '//':
      return int(floorDiv(a, b));
    case '%':
      return int(a - floorDiv(a, b) * b);
    case '**':
      if (b < 0n) return floatOp('**', Number(a), Number(b));
      if (b > 4096n && a !== 0n && a !== 1n && a !== -1n) return 'too-big';
      return int(a ** b);
    case '<<':
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      return b > 4096n ? 'too-big' : int(a << b);
    case '>>':
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      return int(a >> b);
    case '&':
      return int(a & b);
    case '|':
      return int(a | b);
    case '^':
      return int(a ^ b);
  }
  throw new PyError('TypeError', `unsupported operand ${op}`);
}

function floatOp(op: string, a: number, b: number): PyValue {
  const f = (v: number) => ({ t: 'float', v }) as PyValue;
  switch (op) {
    case '+':
      return f(a + b);
    case '-':
      return f(a - b);
    case '*':
      return f(a * b);
    case '/':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float division');
      return f(a / b);
    case '//':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float divmod()');
      return f(Math.floor(a / b));
    case '%':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float modulo');
      return f(a - Math.floor(a / b) * b);
    case '**':
      if (a === 0 && b < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      return f(a ** b);
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'float' and 'float'`);
}
