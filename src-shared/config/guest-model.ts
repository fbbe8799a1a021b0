/**
 * One view of a guest config for the checks, whichever toolstack reads it: the settings the
 * toolstack will see (name, value as JSON, where the name, the value and each list element are
 * written). xm's comes from evaluating the Python; xl's from its parse (last `=` wins).
 */
import type { DiagnosticSink } from './diagnostic.ts';
import type { Expr, Span, Stmt } from './python-ast.ts';
import { type HvmEval } from './python-eval.ts';
import { toJson, type Json, type PyValue } from './python-values.ts';
import type { SourceText } from './source.ts';
import { xlBindings, type XlParse } from './xl-parser.ts';

export interface Setting {
  name: string;
  /** The value as JSON; undefined when the editor could not evaluate it. */
  value: Json | undefined;
  /** xm only: the Python value (its type decides whether xm takes it at all). */
  py?: PyValue;
  nameSpan: Span;
  /** Where the value is written (the right-hand side), when it is a single expression. */
  valueSpan?: Span;
  stmt: Span;
  elements?: (Span | undefined)[];
}

export interface GuestModel {
  dialect: 'xm' | 'xl';
  src: SourceText;
  sink: DiagnosticSink;
  settings: Map<string, Setting>;
  /** xm: names the file reads somewhere (helper variables such as `arch_libdir`). */
  referenced: Set<string>;
  /** False when the toolstack would not get past the file (syntax error, exception). */
  completed: boolean;
}

export function guestFromXm(ev: HvmEval): GuestModel {
  const settings = new Map<string, Setting>();
  for (const [name, b] of ev.recovered?.() ?? ev.bindings) {
    settings.set(name, {
      name,
      value: b.value.t === 'unknown' ? undefined : toJson(b.value),
      py: b.value,
      nameSpan: b.target,
      valueSpan: b.expr ? { start: b.expr.start, end: b.expr.end } : undefined,
      stmt: b.stmt,
      elements: b.elements,
    });
  }
  const referenced = new Set<string>(ev.commandLine);
  walkStmts(ev.module.body, referenced);
  return { dialect: 'xm', src: ev.src, sink: ev.sink, settings, referenced, completed: ev.completed };
}

export function guestFromXl(p: XlParse): GuestModel {
  const settings = new Map<string, Setting>();
  const values = xlBindings(p);
  for (const s of p.settings) {
    const prev = settings.get(s.name);
    const own = s.value.kind === 'list' ? s.value.items.map((i) => ({ start: i.start, end: i.end })) : undefined;
    settings.set(s.name, {
      name: s.name,
      value: values[s.name],
      nameSpan: s.nameSpan,
      valueSpan: { start: s.value.start, end: s.value.end },
      stmt: s.stmt,
      elements: s.op === '+=' && prev?.elements && own ? [...prev.elements, ...own] : own,
    });
  }
  return { dialect: 'xl', src: p.src, sink: p.sink, settings, referenced: new Set(), completed: !p.sink.list.some((d) => d.severity === 'error') };
}

function walkStmts(body: Stmt[], out: Set<string>): void {
  for (const s of body) {
    switch (s.k) {
      case 'assign':
        walkExpr(s.value, out);
        s.targets.forEach((t) => t.k !== 'name' && walkExpr(t, out));
        break;
      case 'augassign':
        walkExpr(s.target, out);
        walkExpr(s.value, out);
        break;
      case 'if':
        s.branches.forEach((b) => {
          walkExpr(b.test, out);
          walkStmts(b.body, out);
        });
        if (s.orelse) walkStmts(s.orelse, out);
        break;
      case 'expr':
        walkExpr(s.value, out);
        break;
      default:
        break;
    }
  }
}

/** Names an expression reads; an explicit stack, as a 50,000-term `+` chain is a valid config line. */
function walkExpr(root: Expr, out: Set<string>): void {
  const stack = [root];
  while (stack.length) {
    const e = stack.pop()!;
    switch (e.k) {
      case 'name':
        out.add(e.id);
        break;
      case 'tuple':
      case 'list':
        stack.push(...e.items);
        break;
      case 'dict':
        stack.push(...e.keys, ...e.values);
        break;
      case 'unary':
      case 'not':
        stack.push(e.operand);
        break;
      case 'bin':
      case 'bool':
        stack.push(e.left, e.right);
        break;
      case 'cmp':
        stack.push(...e.operands);
        break;
      case 'cond':
        stack.push(e.test, e.body, e.orelse);
        break;
      case 'attr':
        stack.push(e.obj);
        break;
      case 'call':
        stack.push(e.fn, ...e.args, ...e.kwargs.map((k) => k.value));
        break;
      case 'index':
        stack.push(e.obj, e.index);
        break;
      case 'slice':
        stack.push(e.obj, ...[e.lower, e.upper, e.step].filter((x): x is Expr => !!x));
        break;
      default:
        break;
    }
  }
}

/** The span of one written string literal, when the element is a simple literal we can edit. */
export function literalText(src: SourceText, span: Span | undefined): { quote: string; inner: Span } | undefined {
  if (!span) return undefined;
  const text = src.text.slice(span.start, span.end);
  const m = /^([uU]?)(['"])([^'"\\\n]*)\2$/.exec(text);
  if (!m) return undefined;
  const innerStart = span.start + m[1].length + 1;
  return { quote: m[2], inner: { start: innerStart, end: innerStart + m[3].length } };
}
