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
import { holds, mutatingCalls, rootOf } from './python-skip.ts';
import { MAX_SEQUENCE, MUTATING_METHODS, builtin, callFunction, getAttribute, iterate, type CallContext, type Uname } from './python-builtins.ts';
import { NONE, PyError, asBigInt, bool, hashKey, int, isNumber, pyRepr, pyStr, str, toExactJson, truthy, typeName, type ExactJson, type PyValue } from './python-values.ts';
import { binaryOp, compareOp, parseNumber } from './python-ops.ts';
import { OpaqueCall, Return, XM_VARS, bindArguments, commandLineValue, exceptionClassName, isStandardError, makeDefCode, xmVarArgs, type DefCode, type XmVar } from './python-def.ts';
import { keyRepr, seqIndex, sliceOf, subscript } from './python-subscript.ts';
import { SourceText } from './source.ts';
import { sentence } from './diagnostic.ts';

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
  /** Names given on xm's command line (EvalOptions.vars): the user's setting, never the file's mistake. */
  commandLine?: ReadonlySet<string>;
  /**
   * With a syntax error, xm runs nothing, so `bindings` is empty; this gives the names the rest
   * of the file binds as if the broken statements were fixed, for the checks to still show the
   * problems of the other lines (evaluated on first use: parse-only callers do not pay for it).
   */
  recovered?: () => Map<string, Binding>;
  sink: DiagnosticSink;
}

export interface EvalOptions {
  uname?: Uname;
  /**
   * Variables given on xm's command line (`xm create xmexample2 vmid=1`; `vtdw parse --var
   * vmid=1`; the editor's setting): strings in the file's namespace before it runs, as opts.py's
   * `locs.update(self.vars)` puts them there.
   */
  vars?: Readonly<Record<string, string>>;
}

/** The seed host: 64-bit Xen with a 2.6.18-xen dom0 ("32-bit FC5 on 64-bit Xen"). */
export const DEFAULT_UNAME: Uname = ['Linux', 'xen-vtd', '2.6.18-xen', '#1 SMP Tue Apr 10 00:00:00 EDT 2007', 'x86_64'];

/** Names xm's `Opts.load` defines before the file runs; not bindings of the file. */
const PRESEEDED = ['sys', 'os', 'get_current_ipaddr', 'get_current_ipmask', 'get_current_ipgw', 'xm_file', 'xm_help', 'xm_vars'];

class Stop {
  constructor(
    readonly error: PyError,
    readonly span: Span,
    readonly hint = '',
  ) {}
}

/** CPython 2.7's recursion limit. */
const MAX_DEPTH = 1000;

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
  const compiles = module.syntaxOk && lex.nonAsciiAt === undefined && !sink.list.some((d) => d.code === 'py-syntax');
  // Python compiles the whole file before running any of it: a file that does not compile runs
  // nothing, so it binds nothing and has no runtime diagnostics — only its syntax errors.
  const commandLine = new Set(Object.keys(options.vars ?? {}));
  if (!compiles) return { src, module, bindings: new Map(), completed: false, sink, commandLine, recovered: recover(module, sink, options) };
  const ev = new Evaluator(sink, options.uname ?? DEFAULT_UNAME, options.vars ?? {});
  let completed = true;
  try {
    ev.block(module.body);
  } catch (e) {
    completed = false;
    if (e instanceof Stop) sink.add('py-runtime', 'error', `${e.error.type}: ${e.error.message}${e.hint} — xm would stop here and create no domain`, e.span.start, e.span.end);
    else if (e instanceof RangeError) {
      // A shape deeper than the editor's stack (Python's own limits are caught as syntax errors before this).
      const at = ev.lastStatement;
      sink.add('py-unsupported', 'warning', 'Expression too deep for the editor to evaluate: xm would run it; names from here on are unknown', at.start, at.end);
    } else throw e;
  }
  return { src, module, bindings: ev.bindings, completed, sink, commandLine };
}

/**
 * After a syntax error: evaluate the statements the parser recovered (runtime problems of a file
 * xm never runs are not reported), and say on each syntax error whether the rest of the file is
 * still checked. An error reaching the end of the file (an unterminated string or bracket) leaves
 * nothing to recover.
 */
function recover(module: Module, sink: DiagnosticSink, options: EvalOptions): (() => Map<string, Binding>) | undefined {
  const errors = sink.list.filter((d) => d.code === 'py-syntax' || d.code === 'py-encoding');
  const usable = module.body.length > 0;
  for (const d of errors) {
    const errorEnd = sink.src.offset(d.range.endLine, d.range.endColumn);
    // Inside an unclosed bracket or string the lexer joins every later line: nothing after it parses.
    const readsOn = module.body.some((st) => st.start >= errorEnd);
    d.message += readsOn ? ' (the other lines are still checked as if this one were fixed)' : usable ? ' (the editor cannot read past it: only the lines before it are checked)' : ' (the editor cannot read past it, so nothing else in the file is checked)';
  }
  if (!usable) return undefined;
  return () => {
    const ev = new Evaluator(new DiagnosticSink(sink.src), options.uname ?? DEFAULT_UNAME, options.vars ?? {});
    try {
      ev.block(module.body);
    } catch (e) {
      if (!(e instanceof Stop) && !(e instanceof RangeError)) throw e;
    }
    return ev.bindings;
  };
}

/** The bindings as JSON (Python values; names whose values are not data are left out); ints stay exact. */
export function bindingsJson(ev: HvmEval): Record<string, ExactJson> {
  const out: Record<string, ExactJson> = {};
  for (const [name, b] of ev.bindings) {
    const j = toExactJson(b.value);
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
  private readonly constants = new Map<string, PyValue>();
  /** The locals of the function being run, if any (module level: undefined). */
  private frame?: { code: DefCode; locals: Map<string, PyValue> };
  private depth = 0;
  /** `xm_vars.var(...)` declarations, in order. */
  private readonly xmVars: XmVar[] = [];

  constructor(
    private readonly sink: DiagnosticSink,
    readonly uname: Uname,
    vars: Readonly<Record<string, string>>,
  ) {
    for (const name of PRESEEDED) this.ns.set(name, name === 'os' || name === 'sys' ? { t: 'module', name } : name === 'xm_vars' ? XM_VARS : { t: 'unknown', why: name });
    // In xm's locals from the start, so they are the file's names too (xm sees vmid='1').
    for (const [name, value] of Object.entries(vars)) this.bind(name, commandLineValue(value), { start: 0, end: 0 }, { start: 0, end: 0 });
  }

  unknown(what: string): PyValue {
    const at = this.unknownSpan;
    if (!this.warnedAt.has(at.start)) {
      this.warnedAt.add(at.start);
      this.sink.add('py-unsupported', 'warning', `${sentence(what)}: xm would evaluate this on dom0, but the editor cannot; its value is unknown here`, at.start, at.end);
    }
    return { t: 'unknown', why: what };
  }

  get lastStatement(): Span {
    return this.currentStmt;
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
      case 'del':
        for (const t of s.targets) this.del(t);
        return;
      case 'def': {
        const defaults = s.params.map((p) => (p.dflt ? this.eval(p.dflt) : undefined));
        this.bind(s.name, { t: 'func', name: s.name, code: makeDefCode(s, defaults) }, s.nameSpan, s);
        return;
      }
      case 'return':
        throw new Return(s.value ? this.eval(s.value) : NONE);
      case 'raise':
        return this.raiseStatement(s);
      case 'skipped':
        if (this.frame) throw new OpaqueCall();
        if (s.what === 'exec') this.anyName = true;
        for (const name of s.binds) this.bind(name, { t: 'unknown', why: `set by a '${s.what}' statement` }, s, s);
        for (const name of s.mutates) this.mutated(name, s);
        return;
    }
  }

  /** `del name`, `del d[k]`, `del l[i]`: Python removes the name or the item. */
  private del(t: Expr): void {
    if (t.k === 'name' && this.frame) {
      if (!this.frame.locals.delete(t.id)) this.raise('UnboundLocalError', `local variable '${t.id}' referenced before assignment`, t);
      return;
    }
    if (t.k === 'name') {
      if (!this.ns.has(t.id)) return this.anyName ? undefined : this.raise('NameError', `name '${t.id}' is not defined`, t);
      this.ns.delete(t.id);
      this.bindings.delete(t.id);
      return;
    }
    if (t.k === 'tuple' || t.k === 'list') return t.items.forEach((i) => this.del(i));
    if (t.k === 'index') {
      const obj = this.eval(t.obj);
      const key = this.eval(t.index);
      if (obj.t === 'unknown') return;
      if (key.t === 'unknown') return this.taint(obj, t);
      if (obj.t === 'dict') {
        const k = this.wrap(() => hashKey(key), t);
        if (!obj.map.delete(k)) this.raise('KeyError', keyRepr(key), t);
      } else if (obj.t === 'list') obj.items.splice(this.wrap(() => seqIndex('list', obj.items.length, key), t), 1);
      else this.raise('TypeError', `'${typeName(obj)}' object doesn't support item deletion`, t);
      return;
    }
    const root = rootOf(t);
    if (root) this.mutated(root, t);
  }

  /** A name whose object a statement the editor did not run may have changed. */
  private mutated(name: string, at: Span): void {
    const v = this.ns.get(name);
    if (!v || v.t === 'module' || v.t === 'func' || v.t === 'unknown') return;
    this.taint(v, at);
    this.bind(name, { t: 'unknown', why: `changed by a statement the editor does not run` }, this.bindings.get(name)?.target ?? at, at);
  }

  /**
   * An object changed in a way the editor cannot follow: every name whose value is or holds it
   * becomes unknown (`a = l; l.sort()` leaves neither a nor l known).
   */
  taint(obj: PyValue, at: Span): void {
    if (obj.t !== 'list' && obj.t !== 'dict') return;
    for (const [name, v] of this.ns) {
      if (holds(v, obj, new Set())) this.bind(name, { t: 'unknown', why: 'changed in a way the editor cannot follow' }, this.bindings.get(name)?.target ?? at, this.bindings.get(name)?.stmt ?? at);
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
        else if (st.k === 'del') st.targets.forEach((t) => (t.k === 'name' ? names.add(t.id) : mutated.add(rootOf(t) ?? '')));
        else if (st.k === 'if') {
          st.branches.forEach((b) => walk(b.body));
          if (st.orelse) walk(st.orelse);
        } else if (st.k === 'skipped') {
          st.binds.forEach((n) => names.add(n));
          st.mutates.forEach((n) => mutated.add(n));
        }
        if (st.k === 'assign') st.targets.forEach((t) => t.k !== 'name' && t.k !== 'tuple' && t.k !== 'list' && mutated.add(rootOf(t) ?? ''));
        if (st.k === 'augassign' && st.target.k !== 'name') mutated.add(rootOf(st.target) ?? '');
        if (st.k === 'expr' || st.k === 'assign' || st.k === 'augassign') mutatingCalls(st.value, mutated);
      }
    };
    const mutated = new Set<string>();
    s.branches.forEach((b) => walk(b.body));
    if (s.orelse) walk(s.orelse);
    for (const n of names) this.bind(n, { t: 'unknown', why: 'set in a branch the editor cannot decide' }, s, s);
    for (const n of mutated) if (n && !names.has(n)) this.mutated(n, s);
  }

  private bind(name: string, value: PyValue, target: Span, stmt: Span, expr?: Expr, elements?: (Span | undefined)[]): void {
    if (this.frame) {
      this.frame.locals.set(name, value);
      return;
    }
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
        else if (obj.t === 'list') obj.items[this.wrap(() => seqIndex('list', obj.items.length, key), target)] = value;
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
      const spine = leftSpine(e, 'bin');
      if (spine.some((n) => n.op !== '+')) return undefined;
      const first = this.elementSpans(spine[spine.length - 1].left);
      if (!first) return undefined;
      const out = [...first];
      for (let i = spine.length - 1; i >= 0; i--) {
        const more = this.elementSpans(spine[i].right);
        if (!more) return undefined;
        for (const m of more) out.push(m);
      }
      return out;
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
        return this.constant(this.wrap(() => parseNumber(e.raw), e));
      case 'str':
        return this.constant(str(e.value, e.unicode));
      case 'name': {
        if (this.frame?.code.locals.has(e.id)) {
          const local = this.frame.locals.get(e.id);
          return local ?? this.raise('UnboundLocalError', `local variable '${e.id}' referenced before assignment`, e);
        }
        // xm runs the file with separate globals and locals (opts.py: execfile(defconfig, globs,
        // locs)): the file's names live in locs, so a function body sees only its own names
        // and the builtins — `os` or a top-level variable is a NameError inside a def.
        if (this.frame) return builtin(e.id) ?? (e.id === 'None' ? NONE : this.raise('NameError', `global name '${e.id}' is not defined`, e));
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
        if (e.op === '~') return int(~(asBigInt(v) ?? this.raise('TypeError', `bad operand type for unary ~: '${typeName(v)}'`, e)), v.t === 'int' && v.long);
        if (!isNumber(v)) return this.raise('TypeError', `bad operand type for unary ${e.op}: '${typeName(v)}'`, e);
        if (v.t === 'float') return { t: 'float', v: e.op === '-' ? -v.v : v.v };
        return int(e.op === '-' ? -asBigInt(v)! : asBigInt(v)!, v.t === 'int' && v.long);
      }
      case 'not': {
        const v = this.eval(e.operand);
        return v.t === 'unknown' ? v : bool(!truthy(v));
      }
      case 'bool': {
        // `a or b or c …` is a left-deep tree as long as the line: walk its spine, not the JS stack.
        const spine = leftSpine(e, 'bool');
        let v = this.eval(spine[spine.length - 1].left);
        for (let i = spine.length - 1; i >= 0; i--) {
          const n = spine[i];
          if (v.t === 'unknown') return v;
          if (n.op === 'and' ? truthy(v) : !truthy(v)) v = this.eval(n.right);
        }
        return v;
      }
      case 'bin': {
        const spine = leftSpine(e, 'bin');
        let v = this.eval(spine[spine.length - 1].left);
        let fresh = false;
        for (let i = spine.length - 1; i >= 0; i--) {
          const n = spine[i];
          const r = this.eval(n.right);
          // `[a] + [b] + [c] …`: the running sum is a new list only this loop holds, so grow it in
          // place (Python copies each time; the values are the same, without the quadratic cost).
          if (fresh && n.op === '+' && (v.t === 'list' || v.t === 'tuple') && r.t === v.t && v.items.length + r.items.length <= MAX_SEQUENCE) {
            v.items.push(...r.items);
            continue;
          }
          v = this.binop(n.op, v, r, n);
          fresh = true;
        }
        return v;
      }
      case 'cmp':
        return this.compare(e);
      case 'cond': {
        const t = this.eval(e.test);
        return t.t === 'unknown' ? t : this.eval(truthy(t) ? e.body : e.orelse);
      }
      case 'attr':
      case 'call':
      case 'index':
      case 'slice':
        return this.trailers(e);
      case 'unsupported':
        return { t: 'unknown', why: e.what };
    }
  }

  /** `x.a(b)[c].d …`: evaluated from the innermost primary outwards, without recursion. */
  private trailers(e: Trailer): PyValue {
    const chain: Trailer[] = [];
    let x: Expr = e;
    while (x.k === 'attr' || x.k === 'call' || x.k === 'index' || x.k === 'slice') {
      chain.push(x);
      x = x.k === 'call' ? x.fn : x.obj;
    }
    let v = this.eval(x);
    for (let i = chain.length - 1; i >= 0; i--) v = this.trailer(chain[i], v);
    return v;
  }

  private trailer(e: Trailer, inner: PyValue): PyValue {
    switch (e.k) {
      case 'attr': {
        if (inner.t === 'unknown') return inner;
        if (inner === XM_VARS) {
          if (['var', 'check'].includes(e.name)) return { t: 'func', name: `xm_vars.${e.name}`, self: XM_VARS };
          return this.raise('AttributeError', `Vars instance has no attribute '${e.name}'`, { start: e.nameStart, end: e.end });
        }
        this.unknownSpan = e;
        const v = getAttribute(inner, e.name, this) ?? this.raise('AttributeError', `'${typeName(inner)}' object has no attribute '${e.name}'`, { start: e.nameStart, end: e.end });
        if (v.t === 'unknown' && MUTATING_METHODS.has(e.name)) this.taint(inner, e);
        return v;
      }
      case 'call': {
        const args = e.args.map((a) => this.eval(a));
        const kwargs = new Map(e.kwargs.map((k) => [k.name, this.eval(k.value)] as const));
        const self = inner.t === 'func' ? inner.self : undefined;
        const mutator = !!self && MUTATING_METHODS.has(inner.t === 'func' ? inner.name.replace(/^.*\./, '') : '');
        if (inner.t === 'unknown' || args.some((a) => a.t === 'unknown') || [...kwargs.values()].some((a) => a.t === 'unknown')) {
          if (mutator) this.taint(self!, e);
          return { t: 'unknown', why: 'call' };
        }
        this.unknownSpan = e;
        if (inner.t === 'func' && inner.code) return this.callDef(inner.code as DefCode, args, kwargs, e);
        if (inner.t === 'func' && inner.self === XM_VARS) return this.xmVarsCall(inner.name, args, kwargs, e);
        const r = this.wrap(() => callFunction(inner, args, kwargs, this), e);
        if (r.t === 'unknown' && mutator) this.taint(self!, e);
        return r;
      }
      case 'index': {
        const key = this.eval(e.index);
        if (inner.t === 'unknown' || key.t === 'unknown') return { t: 'unknown', why: 'subscript' };
        return this.subscript(inner, key, e);
      }
      case 'slice':
        return this.slice(e, inner);
    }
  }

  /**
   * A literal is one constant object of the module's code object: CPython merges equal constants
   * (co_consts), so `a = 257; b = 257; a is b` is True while `a + 0 is a` is not.
   */
  private constant(v: PyValue): PyValue {
    const key = `${typeName(v)}:${v.t === 'str' ? v.v : pyRepr(v)}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    this.constants.set(key, v);
    return v;
  }

  private subscript(obj: PyValue, key: PyValue, at: Span): PyValue {
    const v = this.wrap(() => subscript(obj, key), at);
    // A regex match object's `m[i]` is `m.group(i)`.
    return v ?? this.wrap(() => callFunction({ t: 'func', name: 'match.group', self: obj }, [key], new Map(), this), at);
  }

  private slice(e: Extract<Expr, { k: 'slice' }>, obj: PyValue): PyValue {
    const parts = [e.lower, e.upper, e.step].map((p) => (p ? this.eval(p) : NONE));
    if (obj.t === 'unknown' || parts.some((p) => p.t === 'unknown')) return { t: 'unknown', why: 'slice' };
    return this.wrap(() => sliceOf(obj, parts), e);
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

  /** Runs a function the file defined, in its own frame; the result is unknown if its body has statements the editor skips. */
  private callDef(code: DefCode, args: PyValue[], kwargs: Map<string, PyValue>, at: Span): PyValue {
    if (code.opaque) {
      // A body the editor does not run may change the lists and dicts it was given.
      for (const a of [...args, ...kwargs.values()]) this.taint(a, at);
      return { t: 'unknown', why: `result of ${code.def.name}()` };
    }
    if (this.depth >= MAX_DEPTH) this.raise('RuntimeError', 'maximum recursion depth exceeded', at);
    const locals = this.wrap(() => bindArguments(code, args, kwargs), at);
    const saved = this.frame;
    this.frame = { code, locals };
    this.depth++;
    try {
      this.block(code.def.body);
      return NONE;
    } catch (x) {
      if (x instanceof Return) return x.value;
      if (x instanceof OpaqueCall) {
        for (const a of [...args, ...kwargs.values()]) this.taint(a, at);
        return { t: 'unknown', why: `result of ${code.def.name}()` };
      }
      throw x;
    } finally {
      this.frame = saved;
      this.depth--;
    }
  }

  /** `raise E`, `raise E, msg`, `raise E(msg)` with Python 2's classes of exceptions. */
  private raiseStatement(s: Extract<Stmt, { k: 'raise' }>): void {
    if (!s.type) this.raise('TypeError', 'exceptions must be old-style classes or derived from BaseException, not NoneType', s);
    const t = s.type.k === 'call' ? s.type.fn : s.type;
    const bound = t.k === 'name' && (this.frame?.locals.has(t.id) || this.ns.has(t.id));
    if (t.k !== 'name' || bound || !exceptionClassName(t.id)) {
      if (this.frame) throw new OpaqueCall();
      this.unknownSpan = s;
      this.unknown('raise of an exception the editor does not model');
      throw new Stop(new PyError('Exception', ''), s);
    }
    const msgExpr = s.msg ?? (s.type.k === 'call' ? s.type.args[0] : undefined);
    const msg = msgExpr ? this.eval(msgExpr) : undefined;
    if (msg?.t === 'unknown') throw this.frame ? new OpaqueCall() : new Stop(new PyError(t.id, '…'), s);
    throw new Stop(new PyError(t.id, msg ? this.wrap(() => pyStr(msg), s) : ''), s);
  }

  /** help.py's `Vars.var` and `Vars.check`. */
  private xmVarsCall(name: string, args: PyValue[], kwargs: Map<string, PyValue>, at: Span): PyValue {
    const stmt = this.currentStmt;
    if (name === 'xm_vars.var') {
      this.xmVars.push(this.wrap(() => xmVarArgs(args, kwargs, at), at));
      return NONE;
    }
    if (args.length || kwargs.size) this.raise('TypeError', `check() takes exactly 1 argument (${args.length + kwargs.size + 1} given)`, at);
    for (const v of this.xmVars) {
      if (v.check.t === 'none') continue;
      const given = this.ns.get(v.name) ?? NONE;
      let value: PyValue;
      try {
        value = v.check.t === 'func' && v.check.code ? this.callDef(v.check.code as DefCode, [str(v.name), given], new Map(), at) : this.wrap(() => callFunction(v.check, [str(v.name), given], new Map(), this), at);
      } catch (x) {
        if (!(x instanceof Stop) || !isStandardError(x.error.type)) throw x;
        const hint = given.t === 'none' ? ` (give it on the command line: vtdw parse --var ${v.name}=VALUE, or the editor's variables setting; xm create FILE ${v.name}=VALUE)` : '';
        throw new Stop(new PyError(x.error.type, `${v.name} - ${x.error.message}`), at, hint);
      }
      this.bind(v.name, value, at, stmt);
    }
    return NONE;
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

type Trailer = Extract<Expr, { k: 'attr' | 'call' | 'index' | 'slice' }>;

/** The chain of same-kind nodes down the left operand of a left-associative operator, outermost first. */
function leftSpine<K extends 'bin' | 'bool'>(e: Extract<Expr, { k: K }>, k: K): Extract<Expr, { k: K }>[] {
  const spine: Extract<Expr, { k: K }>[] = [];
  let x: Expr = e;
  while (x.k === k) {
    spine.push(x as Extract<Expr, { k: K }>);
    x = (x as Extract<Expr, { k: 'bin' | 'bool' }>).left;
  }
  return spine;
}

function targetNames(t: Expr, out: Set<string>): void {
  if (t.k === 'name') out.add(t.id);
  else if (t.k === 'tuple' || t.k === 'list') t.items.forEach((i) => targetNames(i, out));
}

