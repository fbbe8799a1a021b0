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
import { getAttribute, iterate, type Uname } from './python-builtins.ts';
import { NONE, PyError, hashKey, pyStr, toExactJson, truthy, typeName, type ExactJson, type PyValue } from './python-values.ts';
import { OpaqueCall, Return, XM_VARS, commandLineValue, exceptionClassName, makeDefCode } from './python-def.ts';
import { keyRepr, seqIndex } from './python-subscript.ts';
import { SourceText } from './source.ts';
import { ExpressionEvaluator, Stop, leftSpine } from './python-eval-expr.ts';

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

class Evaluator extends ExpressionEvaluator {
  readonly bindings = new Map<string, Binding>();

  constructor(sink: DiagnosticSink, uname: Uname, vars: Readonly<Record<string, string>>) {
    super(sink, uname);
    for (const name of PRESEEDED) this.ns.set(name, name === 'os' || name === 'sys' ? { t: 'module', name } : name === 'xm_vars' ? XM_VARS : { t: 'unknown', why: name });
    // In xm's locals from the start, so they are the file's names too (xm sees vmid='1').
    for (const [name, value] of Object.entries(vars)) this.bind(name, commandLineValue(value), { start: 0, end: 0 }, { start: 0, end: 0 });
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

  protected bind(name: string, value: PyValue, target: Span, stmt: Span, expr?: Expr, elements?: (Span | undefined)[]): void {
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
}

function targetNames(t: Expr, out: Set<string>): void {
  if (t.k === 'name') out.add(t.id);
  else if (t.k === 'tuple' || t.k === 'list') t.items.forEach((i) => targetNames(i, out));
}

