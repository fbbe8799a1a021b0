/**
 * Recursive-descent parser for the Python 2 statements and expressions of xm config files
 * (CPython 2's Grammar/Grammar, trimmed). Outside the subset it does not guess: a `def`, `for`,
 * `print`, `lambda` or comprehension becomes a `skipped`/`unsupported` node with a diagnostic
 * saying xm would run it and the editor cannot evaluate it. Real syntax errors are errors (xm
 * would refuse the whole file); the parser resynchronises at the next logical line and goes on.
 */
import type { DiagnosticSink } from './diagnostic.ts';
import type { Expr, Module, Span, Stmt } from './python-ast.ts';
import type { Token } from './python-lexer.ts';
import { ExprParser, KEYWORDS, SyntaxErr, describe } from './python-expr.ts';
import { namesSetBy } from './python-skip.ts';

const COMPOUND = new Set(['def', 'class', 'for', 'while', 'try', 'with']);
const SIMPLE_SKIPPED = new Set(['print', 'exec', 'global', 'assert', 'yield', 'break', 'continue']);
const AUG_OPS = new Set(['+=', '-=', '*=', '/=', '%=', '//=', '**=', '&=', '|=', '^=', '<<=', '>>=']);

export function parsePython(tokens: Token[], sink: DiagnosticSink): Module {
  return new Parser(tokens, sink).module();
}

class Parser extends ExprParser {
  /** Depth of `def` bodies being parsed: `return` outside one is a SyntaxError. */
  private inDef = 0;

  module(): Module {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (t.kind === 'newline') {
        this.i++;
        continue;
      }
      if (t.kind === 'indent' || t.kind === 'dedent') {
        if (t.kind === 'indent') this.error(new SyntaxErr('IndentationError: unexpected indent', t.start, this.lineEndFrom(t)));
        this.i++;
        continue;
      }
      this.statementInto(body);
    }
    return { body, syntaxOk: this.syntaxOk };
  }

  // ---- statements ----------------------------------------------------------------------------

  private statementInto(out: Stmt[]): void {
    const start = this.i;
    try {
      const t = this.peek();
      if (t.kind === 'name' && t.text === 'if') out.push(this.ifStatement());
      else if (t.kind === 'name' && t.text === 'def' && this.simpleDefAhead()) out.push(this.defStatement());
      else if (t.kind === 'name' && COMPOUND.has(t.text)) out.push(this.skipCompound());
      else this.simpleStatements(out);
    } catch (e) {
      if (!(e instanceof SyntaxErr)) throw e;
      this.error(e);
      if (this.i === start) this.i++;
      this.syncLine();
    }
  }

  private simpleStatements(out: Stmt[]): void {
    for (;;) {
      out.push(this.smallStatement());
      if (this.isOp(';')) {
        this.next();
        if (this.peek().kind === 'newline' || this.peek().kind === 'eof') break;
        continue;
      }
      break;
    }
    const t = this.peek();
    if (t.kind === 'newline') this.next();
    else if (t.kind !== 'eof') throw new SyntaxErr(`SyntaxError: invalid syntax${describe(t)}`, t.start, Math.max(t.end, t.start + 1));
  }

  private smallStatement(): Stmt {
    const t = this.peek();
    const start = t.start;
    if (t.kind === 'name') {
      if (t.text === 'pass') {
        this.next();
        return { k: 'pass', start, end: t.end };
      }
      if (t.text === 'import') return this.importStatement();
      if (t.text === 'from') return this.fromStatement();
      if (t.text === 'del') return this.delStatement();
      if (t.text === 'return') return this.returnStatement();
      if (t.text === 'raise') return this.raiseStatement();
      if (SIMPLE_SKIPPED.has(t.text)) return this.skipSimple(t.text);
    }
    const first = this.testlist();
    if (this.isOp('=')) {
      const targets = [first];
      let value = first;
      while (this.isOp('=')) {
        this.next();
        value = this.isKw('yield') ? this.unsupportedRest('yield expression') : this.testlist();
        targets.push(value);
      }
      targets.pop();
      for (const target of targets) this.checkTarget(target);
      return { k: 'assign', targets, value, start, end: value.end };
    }
    const aug = this.peek();
    if (aug.kind === 'op' && AUG_OPS.has(aug.text)) {
      this.next();
      this.checkTarget(first);
      if (first.k === 'tuple' || first.k === 'list') throw new SyntaxErr('SyntaxError: illegal expression for augmented assignment', first.start, first.end);
      const value = this.testlist();
      return { k: 'augassign', target: first, op: aug.text.slice(0, -1), value, start, end: value.end };
    }
    return { k: 'expr', value: first, start, end: first.end };
  }

  private delStatement(): Stmt {
    const start = this.next().start;
    const list = this.testlist();
    const targets = list.k === 'tuple' || list.k === 'list' ? list.items : [list];
    for (const t of targets) {
      if (t.k === 'call' || t.k === 'num' || t.k === 'str' || t.k === 'bin' || t.k === 'unary') throw new SyntaxErr(`SyntaxError: can't delete ${t.k === 'call' ? 'function call' : t.k === 'num' || t.k === 'str' ? 'literal' : 'operator'}`, t.start, t.end);
    }
    return { k: 'del', targets, start, end: list.end };
  }

  private checkTarget(e: Expr): void {
    switch (e.k) {
      case 'name':
        if (e.id === 'None') throw new SyntaxErr('SyntaxError: assignment to None', e.start, e.end);
        return;
      case 'attr':
      case 'index':
      case 'slice':
        return;
      case 'tuple':
      case 'list':
        for (const item of e.items) this.checkTarget(item);
        return;
      case 'call':
        throw new SyntaxErr("SyntaxError: can't assign to function call", e.start, e.end);
      case 'num':
      case 'str':
        throw new SyntaxErr("SyntaxError: can't assign to literal", e.start, e.end);
      case 'unsupported':
        return;
      default:
        throw new SyntaxErr("SyntaxError: can't assign to operator", e.start, e.end);
    }
  }

  private dottedName(): { name: string } & Span {
    const first = this.next();
    if (first.kind !== 'name' || KEYWORDS.has(first.text)) throw new SyntaxErr(`SyntaxError: invalid syntax${describe(first)}`, first.start, Math.max(first.end, first.start + 1));
    let name = first.text;
    let end = first.end;
    while (this.isOp('.')) {
      this.next();
      const part = this.next();
      if (part.kind !== 'name') throw new SyntaxErr('SyntaxError: invalid syntax', part.start, Math.max(part.end, part.start + 1));
      name += '.' + part.text;
      end = part.end;
    }
    return { name, start: first.start, end };
  }

  private asName(): string | undefined {
    if (!this.isKw('as')) return undefined;
    this.next();
    const t = this.next();
    if (t.kind !== 'name') throw new SyntaxErr('SyntaxError: invalid syntax', t.start, Math.max(t.end, t.start + 1));
    return t.text;
  }

  private importStatement(): Stmt {
    const start = this.next().start;
    const names: ({ name: string; asname?: string } & Span)[] = [];
    do {
      if (names.length) this.next();
      const d = this.dottedName();
      names.push({ ...d, asname: this.asName() });
    } while (this.isOp(','));
    return { k: 'import', names, start, end: this.prevEnd() };
  }

  private fromStatement(): Stmt {
    const start = this.next().start;
    const module = this.dottedName().name;
    if (!this.isKw('import')) throw new SyntaxErr("SyntaxError: expected 'import'", this.peek().start, this.peek().end);
    this.next();
    const names: ({ name: string; asname?: string } & Span)[] = [];
    if (this.isOp('*')) {
      const t = this.next();
      names.push({ name: '*', start: t.start, end: t.end });
    } else {
      const paren = this.isOp('(');
      if (paren) this.next();
      do {
        if (names.length) this.next();
        if (paren && this.isOp(')')) break;
        const t = this.next();
        if (t.kind !== 'name') throw new SyntaxErr('SyntaxError: invalid syntax', t.start, Math.max(t.end, t.start + 1));
        names.push({ name: t.text, start: t.start, end: t.end, asname: this.asName() });
      } while (this.isOp(','));
      if (paren) this.expectOp(')');
    }
    return { k: 'from', module, names, start, end: this.prevEnd() };
  }

  private ifStatement(): Stmt {
    const start = this.peek().start;
    const branches: { test: Expr; body: Stmt[] }[] = [];
    let orelse: Stmt[] | undefined;
    this.next();
    branches.push({ test: this.test(), body: this.suite() });
    for (;;) {
      if (this.isKw('elif')) {
        this.next();
        branches.push({ test: this.test(), body: this.suite() });
      } else if (this.isKw('else')) {
        this.next();
        orelse = this.suite();
        break;
      } else break;
    }
    return { k: 'if', branches, orelse, start, end: this.prevEnd() };
  }

  private suite(): Stmt[] {
    this.expectOp(':');
    const body: Stmt[] = [];
    if (this.peek().kind !== 'newline') {
      this.simpleStatements(body);
      return body;
    }
    this.next();
    if (this.peek().kind !== 'indent') {
      const t = this.peek();
      throw new SyntaxErr('IndentationError: expected an indented block', t.start, Math.max(t.end, t.start + 1));
    }
    this.next();
    while (this.peek().kind !== 'dedent' && this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.next();
        continue;
      }
      if (this.peek().kind === 'indent') {
        const t = this.peek();
        this.error(new SyntaxErr('IndentationError: unexpected indent', t.start, this.lineEndFrom(t)));
        this.skipBlock();
        continue;
      }
      this.statementInto(body);
    }
    if (this.peek().kind === 'dedent') this.next();
    return body;
  }

  /** `def NAME(a, b=expr, …):` with plain parameters only (no *args, **kw or tuple parameters). */
  private simpleDefAhead(): boolean {
    const t = (k: number) => this.toks[this.i + k];
    if (t(1)?.kind !== 'name' || !(t(2)?.kind === 'op' && t(2).text === '(')) return false;
    let depth = 0;
    for (let k = 3; this.i + k < this.toks.length; k++) {
      const x = t(k);
      if (x.kind === 'newline' || x.kind === 'eof') return false;
      if (x.kind !== 'op') continue;
      if (x.text === '(' || x.text === '[' || x.text === '{') depth++;
      else if (x.text === ')' && depth === 0) return t(k + 1)?.kind === 'op' && t(k + 1).text === ':';
      else if (x.text === ')' || x.text === ']' || x.text === '}') depth--;
      else if (depth === 0 && (x.text === '*' || x.text === '**')) return false;
    }
    return false;
  }

  private defStatement(): Stmt {
    const start = this.next().start;
    const nameTok = this.next();
    this.expectOp('(');
    const params: { name: string; dflt?: Expr }[] = [];
    while (!this.isOp(')')) {
      const p = this.next();
      if (p.kind !== 'name' || KEYWORDS.has(p.text)) throw new SyntaxErr(`SyntaxError: invalid syntax${describe(p)}`, p.start, Math.max(p.end, p.start + 1));
      if (params.some((q) => q.name === p.text)) throw new SyntaxErr("SyntaxError: duplicate argument '" + p.text + "' in function definition", p.start, p.end);
      let dflt: Expr | undefined;
      if (this.isOp('=')) {
        this.next();
        dflt = this.test();
      } else if (params.some((q) => q.dflt)) throw new SyntaxErr('SyntaxError: non-default argument follows default argument', p.start, p.end);
      params.push({ name: p.text, dflt });
      if (!this.isOp(',')) break;
      this.next();
    }
    this.expectOp(')');
    this.inDef++;
    try {
      const body = this.suite();
      return { k: 'def', name: nameTok.text, nameSpan: { start: nameTok.start, end: nameTok.end }, params, body, start, end: this.prevEnd() };
    } finally {
      this.inDef--;
    }
  }

  private returnStatement(): Stmt {
    const t = this.next();
    if (!this.inDef) throw new SyntaxErr("SyntaxError: 'return' outside function", t.start, t.end);
    const value = this.atStatementEnd() ? undefined : this.testlist();
    return { k: 'return', value, start: t.start, end: this.prevEnd() };
  }

  private raiseStatement(): Stmt {
    const t = this.next();
    if (this.atStatementEnd()) return { k: 'raise', start: t.start, end: t.end };
    const type = this.test();
    let msg: Expr | undefined;
    if (this.isOp(',')) {
      this.next();
      msg = this.test();
      // A third expression (the traceback) changes nothing the editor shows.
      if (this.isOp(',')) {
        this.next();
        this.test();
      }
    }
    return { k: 'raise', type, msg, start: t.start, end: this.prevEnd() };
  }

  private atStatementEnd(): boolean {
    const k = this.peek().kind;
    return k === 'newline' || k === 'eof' || this.isOp(';');
  }

  /** `def`, `class`, `for`, `while`, `try`, `with`: skip header and suites, remember bound names. */
  private skipCompound(): Stmt {
    const first = this.i;
    const kw = this.next();
    this.skipClauses();
    // Continuation clauses: else / elif / except / finally at the same level.
    while (['else', 'elif', 'except', 'finally'].some((w) => this.isKw(w))) {
      this.next();
      this.skipClauses();
    }
    const end = this.prevEnd();
    const { binds, mutates } = namesSetBy(this.toks, first, this.i);
    this.sink.add('py-unsupported', 'warning', `'${kw.text}' statement: xm would run it, but the editor cannot evaluate it; names it sets are unknown here`, kw.start, kw.end);
    return { k: 'skipped', what: kw.text, binds, mutates, start: kw.start, end };
  }

  private skipClauses(): void {
    while (!this.isOp(':') && this.peek().kind !== 'newline' && this.peek().kind !== 'eof') this.next();
    if (!this.isOp(':')) throw new SyntaxErr("SyntaxError: expected ':'", this.peek().start, this.peek().end);
    this.next();
    if (this.peek().kind !== 'newline') {
      this.syncLine();
      return;
    }
    this.next();
    if (this.peek().kind !== 'indent') throw new SyntaxErr('IndentationError: expected an indented block', this.peek().start, this.peek().end);
    this.skipBlock();
  }

  private skipSimple(what: string): Stmt {
    const t = this.next();
    let depth = 0;
    while (this.peek().kind !== 'eof' && this.peek().kind !== 'newline' && !(depth === 0 && this.isOp(';'))) {
      const x = this.next();
      if (x.kind === 'op' && '([{'.includes(x.text)) depth++;
      if (x.kind === 'op' && ')]}'.includes(x.text)) depth--;
    }
    const binds: string[] = [];
    if (what === 'global') for (let j = this.toks.indexOf(t) + 1; j < this.i; j++) if (this.toks[j].kind === 'name') binds.push(this.toks[j].text);
    this.sink.add('py-unsupported', 'warning', `'${what}' statement: xm would run it, but the editor cannot evaluate it`, t.start, t.end);
    const mutates = what === 'global' ? [] : namesSetBy(this.toks, this.toks.indexOf(t), this.i).mutates;
    return { k: 'skipped', what, binds, mutates, start: t.start, end: this.prevEnd() };
  }


}
