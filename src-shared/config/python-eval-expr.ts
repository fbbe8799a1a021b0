/**
 * The expression half of the hvm.conf evaluator (python-eval.ts runs the statements): names,
 * literals, operators, calls, subscripts and slices as Python 2 evaluates them, in the module's
 * namespace or the frame of a function the file defined, plus help.py's `xm_vars` calls. A
 * Python exception becomes a Stop at the expression that raised it.
 */
import { sentence, type DiagnosticSink } from './diagnostic.ts';
import type { Expr, Span, Stmt } from './python-ast.ts';
import { MAX_SEQUENCE, MUTATING_METHODS, builtin, callFunction, getAttribute, type CallContext, type Uname } from './python-builtins.ts';
import { NONE, PyError, asBigInt, bool, hashKey, int, isNumber, pyRepr, str, truthy, typeName, type PyValue } from './python-values.ts';
import { binaryOp, compareOp, parseNumber } from './python-ops.ts';
import { OpaqueCall, Return, XM_VARS, bindArguments, isStandardError, xmVarArgs, type DefCode, type XmVar } from './python-def.ts';
import { sliceOf, subscript } from './python-subscript.ts';

/** A Python exception on its way out of the file: xm stops at `span`. */
export class Stop {
  constructor(
    readonly error: PyError,
    readonly span: Span,
    readonly hint = '',
  ) {}
}

/** CPython 2.7's recursion limit. */
const MAX_DEPTH = 1000;

export abstract class ExpressionEvaluator implements CallContext {
  protected readonly ns = new Map<string, PyValue>();
  /** After an `exec` or an unknown star import any name may exist: NameError is not certain. */
  protected anyName = false;
  protected currentStmt: Span = { start: 0, end: 0 };
  protected warnedAt = new Set<number>();
  protected unknownSpan: Span = { start: 0, end: 0 };
  protected readonly constants = new Map<string, PyValue>();
  /** The locals of the function being run, if any (module level: undefined). */
  protected frame?: { code: DefCode; locals: Map<string, PyValue> };
  protected depth = 0;
  /** `xm_vars.var(...)` declarations, in order. */
  protected readonly xmVars: XmVar[] = [];

  constructor(
    protected readonly sink: DiagnosticSink,
    readonly uname: Uname,
  ) {}

  /** Runs statements (the module, or a def's body). */
  abstract block(body: Stmt[]): void;
  /** `obj` changed in a way the editor cannot follow. */
  abstract taint(obj: PyValue, at: Span): void;
  protected abstract bind(name: string, value: PyValue, target: Span, stmt: Span, expr?: Expr, elements?: (Span | undefined)[]): void;

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

  protected raise(type: string, message: string, at: Span): never {
    throw new Stop(new PyError(type, message), at);
  }

  protected wrap<T>(f: () => T, at: Span): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PyError) throw new Stop(e, at);
      throw e;
    }
  }

  protected guard<T extends { length: number }>(v: T, at: Span): T {
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
  protected trailers(e: Trailer): PyValue {
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

  protected trailer(e: Trailer, inner: PyValue): PyValue {
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
  protected constant(v: PyValue): PyValue {
    const key = `${typeName(v)}:${v.t === 'str' ? v.v : pyRepr(v)}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    this.constants.set(key, v);
    return v;
  }

  protected subscript(obj: PyValue, key: PyValue, at: Span): PyValue {
    const v = this.wrap(() => subscript(obj, key), at);
    // A regex match object's `m[i]` is `m.group(i)`.
    return v ?? this.wrap(() => callFunction({ t: 'func', name: 'match.group', self: obj }, [key], new Map(), this), at);
  }

  protected slice(e: Extract<Expr, { k: 'slice' }>, obj: PyValue): PyValue {
    const parts = [e.lower, e.upper, e.step].map((p) => (p ? this.eval(p) : NONE));
    if (obj.t === 'unknown' || parts.some((p) => p.t === 'unknown')) return { t: 'unknown', why: 'slice' };
    return this.wrap(() => sliceOf(obj, parts), e);
  }

  protected compare(e: Extract<Expr, { k: 'cmp' }>): PyValue {
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
  protected callDef(code: DefCode, args: PyValue[], kwargs: Map<string, PyValue>, at: Span): PyValue {
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

  /** help.py's `Vars.var` and `Vars.check`. */
  protected xmVarsCall(name: string, args: PyValue[], kwargs: Map<string, PyValue>, at: Span): PyValue {
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
export function leftSpine<K extends 'bin' | 'bool'>(e: Extract<Expr, { k: K }>, k: K): Extract<Expr, { k: K }>[] {
  const spine: Extract<Expr, { k: K }>[] = [];
  let x: Expr = e;
  while (x.k === k) {
    spine.push(x as Extract<Expr, { k: K }>);
    x = (x as Extract<Expr, { k: 'bin' | 'bool' }>).left;
  }
  return spine;
}
