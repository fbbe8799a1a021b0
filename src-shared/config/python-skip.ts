/**
 * What a statement the editor does not evaluate (a `for`/`while`/`try`/`with` block, a `def` or
 * `class`, `print`, `exec` …) may do to the names around it, read from its tokens: the names it
 * may bind (assignment and loop targets, imports, `except … as e`, `def`/`class` names, `global`
 * names set in a function) and the names whose objects it may change in place (`pci.append(d)`,
 * `d['k'] = v`, `l.sort()`). After such a statement those names are unknown, never stale.
 * Assignments local to a function or class body are not names of the config file. The AST
 * helpers at the end answer the same question for evaluated statements (`rootOf`, `holds`).
 */
import { MUTATING_METHODS } from './python-builtins.ts';
import type { Expr } from './python-ast.ts';
import type { Token } from './python-lexer.ts';
import type { PyValue } from './python-values.ts';

const AUG = new Set(['+=', '-=', '*=', '/=', '%=', '//=', '**=', '&=', '|=', '^=', '<<=', '>>=']);
const OPEN = '([{';
const CLOSE = ')]}';

export function namesSetBy(toks: Token[], from: number, to: number): { binds: string[]; mutates: string[] } {
  const binds = new Set<string>();
  const mutates = new Set<string>();
  const globals = new Set<string>();
  const localBinds = new Set<string>();
  // Indentation levels at which a def/class body ends; inside one, plain assignments are local.
  const scopes: number[] = [];
  let level = 0;
  let depth = 0;
  let atStart = true;
  const isOp = (k: number, text: string) => toks[k]?.kind === 'op' && toks[k].text === text;
  const bind = (name: string) => (scopes.length ? localBinds : binds).add(name);
  for (let k = from; k < to; k++) {
    const t = toks[k];
    if (t.kind === 'indent' || t.kind === 'dedent' || t.kind === 'newline') {
      if (t.kind === 'indent') level++;
      if (t.kind === 'dedent') {
        level--;
        while (scopes.length && level <= scopes[scopes.length - 1]) scopes.pop();
      }
      atStart = true;
      continue;
    }
    if (t.kind === 'op') {
      if (OPEN.includes(t.text)) depth++;
      else if (CLOSE.includes(t.text)) depth = Math.max(0, depth - 1);
      else if (depth === 0 && (t.text === ';' || t.text === ':')) atStart = true;
      else if (t.text === '.' && toks[k + 1]?.kind === 'name' && MUTATING_METHODS.has(toks[k + 1].text) && isOp(k + 2, '(')) {
        const root = rootName(toks, k - 1, from);
        if (root) mutates.add(root);
      }
      continue;
    }
    if (!atStart || t.kind !== 'name') {
      atStart = false;
      continue;
    }
    atStart = false;
    k = statement(toks, k, to, { bind, mutates, globals, scopes, level }) - 1;
  }
  for (const g of globals) if (localBinds.has(g)) binds.add(g);
  return { binds: [...binds], mutates: [...mutates].filter((n) => !binds.has(n)) };
}

interface Sets {
  bind: (name: string) => void;
  mutates: Set<string>;
  globals: Set<string>;
  scopes: number[];
  level: number;
}

/** Reads the head of one statement starting at k; returns where the generic scan resumes. */
function statement(toks: Token[], k: number, to: number, s: Sets): number {
  const kw = toks[k].text;
  const names = (from: number, stop: (t: Token) => boolean, each: (name: string, at: number) => void) => {
    let j = from;
    for (; j < to && toks[j].kind !== 'newline' && !stop(toks[j]); j++) if (toks[j].kind === 'name') each(toks[j].text, j);
    return j;
  };
  switch (kw) {
    case 'for':
      return names(k + 1, (t) => t.kind === 'name' && t.text === 'in', (n) => s.bind(n));
    case 'def':
    case 'class':
      if (toks[k + 1]?.kind === 'name') s.bind(toks[k + 1].text);
      s.scopes.push(s.level);
      return k + 2;
    case 'global':
      return names(k + 1, (t) => t.text === ';', (n) => s.globals.add(n));
    case 'del':
      return names(k + 1, (t) => t.text === ';', (n, j) => toks[j - 1]?.text !== '.' && s.bind(n));
    case 'import':
    case 'from': {
      let j = k + 1;
      if (kw === 'from') while (j < to && !(toks[j].kind === 'name' && toks[j].text === 'import')) j++;
      // Each imported name binds its first dotted part, or its `as` name.
      let expectName = true;
      for (j++; j < to && toks[j].kind !== 'newline' && toks[j].text !== ';'; j++) {
        const x = toks[j];
        if (x.text === ',') expectName = true;
        else if (x.text === 'as') expectName = true;
        else if (x.kind === 'name' && expectName) {
          if (toks[j + 1]?.text !== 'as') s.bind(x.text);
          expectName = false;
        }
      }
      return j;
    }
    case 'with':
    case 'except':
      return names(k + 1, (t) => t.text === ':', (n, j) => (toks[j - 1]?.text === 'as' || (kw === 'except' && toks[j - 1]?.text === ',')) && s.bind(n));
    case 'if':
    case 'elif':
    case 'else':
    case 'while':
    case 'try':
    case 'finally':
      return k + 1;
  }
  return assignment(toks, k, to, s);
}

/** `a, b = …`, `x[i] = …`, `n += …`: targets before the last `=` of the statement. */
function assignment(toks: Token[], k: number, to: number, s: Sets): number {
  let depth = 0;
  let segStart = k;
  const segments: [number, number][] = [];
  let j = k;
  for (; j < to; j++) {
    const t = toks[j];
    if (t.kind === 'newline' || (depth === 0 && t.text === ';')) break;
    if (t.kind !== 'op') continue;
    if (OPEN.includes(t.text)) depth++;
    else if (CLOSE.includes(t.text)) depth--;
    else if (depth === 0 && (t.text === '=' || AUG.has(t.text))) {
      segments.push([segStart, j]);
      segStart = j + 1;
      if (AUG.has(t.text)) break;
    }
  }
  for (const [a, b] of segments) {
    const plain = toks.slice(a, b).every((t) => t.kind === 'name' || ['(', ')', '[', ']', ','].includes(t.text));
    const hasDotOrIndex = toks.slice(a, b).some((t, i) => t.text === '.' || (t.text === '[' && i > 0 && toks[a + i - 1].kind === 'name'));
    if (plain && !hasDotOrIndex) toks.slice(a, b).forEach((t) => t.kind === 'name' && s.bind(t.text));
    else if (toks[a].kind === 'name') s.mutates.add(toks[a].text);
  }
  return k + 1;
}

/** The name a primary such as `d['k'].x` starts with, walking back from its last token. */
function rootName(toks: Token[], k: number, from: number): string | undefined {
  while (k >= from) {
    const t = toks[k];
    if (t.kind === 'op' && CLOSE.includes(t.text)) {
      let depth = 0;
      for (; k >= from; k--) {
        if (CLOSE.includes(toks[k].text) && toks[k].kind === 'op') depth++;
        else if (OPEN.includes(toks[k].text) && toks[k].kind === 'op' && --depth === 0) break;
      }
      k--;
      continue;
    }
    if (t.kind !== 'name') return undefined;
    if (toks[k - 1]?.text === '.' && k - 1 >= from) {
      k -= 2;
      continue;
    }
    return t.text;
  }
  return undefined;
}

/** The name an assignment or deletion target starts from: `d` in `d['k'].x`. */
export function rootOf(t: Expr): string | undefined {
  let x: Expr = t;
  while (x.k === 'attr' || x.k === 'index' || x.k === 'slice' || x.k === 'call') x = x.k === 'call' ? x.fn : x.obj;
  return x.k === 'name' ? x.id : undefined;
}

/** Roots of `x.append(…)`-style calls in an expression (for branches the editor cannot decide). */
export function mutatingCalls(e: Expr, out: Set<string>): void {
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === 'call') {
      if (x.fn.k === 'attr' && MUTATING_METHODS.has(x.fn.name)) out.add(rootOf(x.fn.obj) ?? '');
      stack.push(x.fn, ...x.args, ...x.kwargs.map((k) => k.value));
    } else if (x.k === 'attr' || x.k === 'index' || x.k === 'slice') stack.push(x.obj);
    else if (x.k === 'bin' || x.k === 'bool') stack.push(x.left, x.right);
    else if (x.k === 'list' || x.k === 'tuple') stack.push(...x.items);
    else if (x.k === 'cond') stack.push(x.test, x.body, x.orelse);
  }
}

/** Whether v is, or (in a list, tuple or dict) holds, the object obj. */
export function holds(v: PyValue, obj: PyValue, seen: Set<PyValue>): boolean {
  if (v === obj) return true;
  if (seen.has(v)) return false;
  seen.add(v);
  if (v.t === 'list' || v.t === 'tuple') return v.items.some((x) => holds(x, obj, seen));
  if (v.t === 'dict') return [...v.map.values()].some(([, x]) => holds(x, obj, seen));
  return false;
}
