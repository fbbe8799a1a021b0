/**
 * The functions a config file defines with `def`, run with Python 2 semantics on the statements
 * the evaluator knows (assignments, if, return, raise …), and xm's `xm_vars` object
 * (tools/python/xen/xm/help.py `Vars`): `xm_vars.var(name, use, check)` declares a variable the
 * command line may set (`xm create xmexample2 vmid=1`), `xm_vars.check()` runs each check as
 * `env[name] = check(name, env.get(name))` and re-raises a StandardError as
 * `<same type>: <name> - <message>` — Xen's xmexample2/3 stop there without a vmid.
 */
import type { Span, Stmt } from './python-ast.ts';
import { NONE, PyError, pyStr, str, type PyValue } from './python-values.ts';

export type DefStmt = Extract<Stmt, { k: 'def' }>;

/** A `def`: its syntax tree, the defaults evaluated when the def ran, and the names it binds locally. */
export interface DefCode {
  def: DefStmt;
  defaults: (PyValue | undefined)[];
  locals: Set<string>;
  /** The body has a statement the editor does not run: a call's result is unknown. */
  opaque: boolean;
}

/** Thrown by `return` inside a function body. */
export class Return {
  constructor(readonly value: PyValue) {}
}

/** Thrown when a function body reaches a statement the editor cannot run. */
export class OpaqueCall {}

export const XM_VARS: PyValue = { t: 'module', name: 'xm_vars' };

/** Python 2 exceptions that are not StandardError (help.py's doCheck lets these through unchanged). */
const NOT_STANDARD = new Set(['SystemExit', 'KeyboardInterrupt', 'GeneratorExit', 'StopIteration', 'Warning', 'UserWarning', 'DeprecationWarning', 'Exception', 'BaseException']);

export function isStandardError(type: string): boolean {
  return !NOT_STANDARD.has(type);
}

/** Names a class of Python 2's exceptions the way configs write them (`ValueError`, `TypeError` …). */
export function exceptionClassName(id: string): boolean {
  return /^(?:[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning)|StopIteration|BaseException|Exception)$/.test(id);
}

export function makeDefCode(def: DefStmt, defaults: (PyValue | undefined)[]): DefCode {
  const locals = new Set(def.params.map((p) => p.name));
  let opaque = false;
  const walk = (body: Stmt[]) => {
    for (const s of body) {
      if (s.k === 'assign') s.targets.forEach((t) => t.k === 'name' && locals.add(t.id));
      else if (s.k === 'augassign' && s.target.k === 'name') locals.add(s.target.id);
      else if (s.k === 'def') locals.add(s.name);
      else if (s.k === 'import' || s.k === 'from') s.names.forEach((n) => locals.add(n.asname ?? n.name.split('.')[0]));
      else if (s.k === 'if') {
        s.branches.forEach((b) => walk(b.body));
        if (s.orelse) walk(s.orelse);
      } else if (s.k === 'skipped') opaque = true;
    }
  };
  walk(def.body);
  return { def, defaults, locals, opaque };
}

/** Binds call arguments to parameters as CPython 2.7 does, with its TypeError texts. */
export function bindArguments(code: DefCode, args: PyValue[], kwargs: Map<string, PyValue>): Map<string, PyValue> {
  const { def, defaults } = code;
  const frame = new Map<string, PyValue>();
  const n = def.params.length;
  const required = defaults.filter((d) => d === undefined).length;
  const given = args.length + kwargs.size;
  const takes = (count: number, how: string) => `${def.name}() takes ${how} ${count} argument${count === 1 ? '' : 's'} (${given} given)`;
  if (args.length > n) throw new PyError('TypeError', takes(n === required ? n : n, n === required ? 'exactly' : 'at most'));
  def.params.forEach((p, i) => i < args.length && frame.set(p.name, args[i]));
  for (const [k, v] of kwargs) {
    if (!def.params.some((p) => p.name === k)) throw new PyError('TypeError', `${def.name}() got an unexpected keyword argument '${k}'`);
    if (frame.has(k)) throw new PyError('TypeError', `${def.name}() got multiple values for keyword argument '${k}'`);
    frame.set(k, v);
  }
  def.params.forEach((p, i) => {
    if (frame.has(p.name)) return;
    const d = defaults[i];
    if (d === undefined) throw new PyError('TypeError', takes(required, n === required ? 'exactly' : 'at least'));
    frame.set(p.name, d);
  });
  return frame;
}

/** One `xm_vars.var(...)` declaration. */
export interface XmVar {
  name: string;
  use: string;
  check: PyValue;
  at: Span;
}

/** `xm_vars.var(name, use=None, check=None)` arguments, as help.py's signature binds them. */
export function xmVarArgs(args: PyValue[], kwargs: Map<string, PyValue>, at: Span): XmVar {
  const params = ['name', 'use', 'check'];
  const got = new Map<string, PyValue>();
  args.forEach((a, i) => {
    if (i >= params.length) throw new PyError('TypeError', `var() takes at most 4 arguments (${args.length + kwargs.size + 1} given)`);
    got.set(params[i], a);
  });
  for (const [k, v] of kwargs) {
    if (!params.includes(k)) throw new PyError('TypeError', `var() got an unexpected keyword argument '${k}'`);
    if (got.has(k)) throw new PyError('TypeError', `var() got multiple values for keyword argument '${k}'`);
    got.set(k, v);
  }
  const name = got.get('name');
  if (!name) throw new PyError('TypeError', `var() takes at least 2 arguments (${args.length + kwargs.size + 1} given)`);
  // help.py keeps the name as given; a non-str name only fails later, at env.get.
  return { name: name.t === 'str' ? name.v : pyStr(name), use: got.get('use')?.t === 'str' ? (got.get('use') as { v: string }).v : '', check: got.get('check') ?? NONE, at };
}

/** The value xm's command line gives a variable (`vmid=1` arrives as the string '1'). */
export function commandLineValue(v: string): PyValue {
  return str(v);
}
