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

const KEYWORDS = new Set([
  'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'exec', 'finally', 'for', 'from',
  'global', 'if', 'import', 'in', 'is', 'lambda', 'not', 'or', 'pass', 'print', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const COMPOUND = new Set(['def', 'class', 'for', 'while', 'try', 'with']);
const SIMPLE_SKIPPED = new Set(['print', 'exec', 'del', 'global', 'assert', 'raise', 'return', 'yield', 'break', 'continue']);
const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', '<>', 'in', 'is']);
const AUG_OPS = new Set(['+=', '-=', '*=', '/=', '%=', '//=', '**=', '&=', '|=', '^=', '<<=', '>>=']);
/** Depth limit: deeper nesting is refused rather than risking the JS stack (CPython's is ~100). */
const MAX_DEPTH = 200;

class SyntaxErr {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

export function parsePython(tokens: Token[], sink: DiagnosticSink): Module {
  return new Parser(tokens, sink).module();
}

class Parser {
  private i = 0;
  private depth = 0;
  private syntaxOk = true;

  constructor(
    private readonly toks: Token[],
    private readonly sink: DiagnosticSink,
  ) {}

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

  // ---- token helpers -------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.toks[Math.min(this.i + ahead, this.toks.length - 1)];
  }
  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }
  private isKw(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'name' && t.text === text;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private expectOp(text: string): Token {
    if (this.isOp(text)) return this.next();
    const t = this.peek();
    throw new SyntaxErr(`SyntaxError: expected '${text}'${describe(t)}`, t.start, Math.max(t.end, t.start + 1));
  }
  private lineEndFrom(t: Token): number {
    let j = this.toks.indexOf(t);
    while (j < this.toks.length - 1 && this.toks[j].kind !== 'newline') j++;
    return Math.max(this.toks[j].start, t.end);
  }
  private prevEnd(): number {
    return this.i > 0 ? this.toks[this.i - 1].end : 0;
  }

  private error(e: SyntaxErr): void {
    this.syntaxOk = false;
    this.sink.add('py-syntax', 'error', `${e.message}; xm would refuse the whole file`, e.start, Math.max(e.end, e.start));
  }

  /** Skips to the end of the current logical line (and any block hanging off it). */
  private syncLine(): void {
    while (this.peek().kind !== 'newline' && this.peek().kind !== 'eof') this.i++;
    if (this.peek().kind === 'newline') this.i++;
    if (this.peek().kind === 'indent') this.skipBlock();
  }

  private skipBlock(): void {
    let level = 0;
    do {
      const t = this.next();
      if (t.kind === 'indent') level++;
      else if (t.kind === 'dedent') level--;
      else if (t.kind === 'eof') return;
    } while (level > 0);
  }

  // ---- statements ----------------------------------------------------------------------------

  private statementInto(out: Stmt[]): void {
    const start = this.i;
    try {
      const t = this.peek();
      if (t.kind === 'name' && t.text === 'if') out.push(this.ifStatement());
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

  /** `def`, `class`, `for`, `while`, `try`, `with`: skip header and suites, remember bound names. */
  private skipCompound(): Stmt {
    const kw = this.next();
    const binds: string[] = [];
    if ((kw.text === 'def' || kw.text === 'class') && this.peek().kind === 'name') binds.push(this.peek().text);
    if (kw.text === 'for') {
      for (let j = this.i; this.toks[j].kind === 'name' || this.toks[j].text === ',' || this.toks[j].text === '(' || this.toks[j].text === ')'; j++) {
        if (this.toks[j].text === 'in') break;
        if (this.toks[j].kind === 'name') binds.push(this.toks[j].text);
      }
    }
    this.skipClauses();
    // Continuation clauses: else / elif / except / finally at the same level.
    while (['else', 'elif', 'except', 'finally'].some((w) => this.isKw(w))) {
      this.next();
      this.skipClauses();
    }
    const end = this.prevEnd();
    this.sink.add('py-unsupported', 'warning', `'${kw.text}' statement: xm would run it, but the editor cannot evaluate it; names it sets are unknown here`, kw.start, kw.end);
    return { k: 'skipped', what: kw.text, binds, start: kw.start, end };
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
    return { k: 'skipped', what, binds, start: t.start, end: this.prevEnd() };
  }

  /** The rest of an expression the editor does not evaluate, up to the end of the statement. */
  private unsupportedRest(what: string): Expr {
    const start = this.peek().start;
    let depth = 0;
    while (this.peek().kind !== 'eof' && this.peek().kind !== 'newline') {
      if (depth === 0 && (this.isOp(';') || this.isOp(')') || this.isOp(']') || this.isOp('}') || this.isOp(','))) break;
      const x = this.next();
      if (x.kind === 'op' && '([{'.includes(x.text)) depth++;
      if (x.kind === 'op' && ')]}'.includes(x.text)) depth--;
    }
    const end = Math.max(this.prevEnd(), start);
    this.sink.add('py-unsupported', 'warning', `${what}: xm would evaluate it, but the editor cannot`, start, end);
    return { k: 'unsupported', what, start, end };
  }

  // ---- expressions ---------------------------------------------------------------------------

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      const t = this.peek();
      throw new SyntaxErr('SyntaxError: expression nested too deeply (s_push: parser stack overflow)', t.start, Math.max(t.end, t.start + 1));
    }
  }

  private testlist(): Expr {
    const first = this.test();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (!this.startsExpr()) break;
      items.push(this.test());
    }
    return { k: 'tuple', items, start: first.start, end: this.prevEnd() };
  }

  private startsExpr(): boolean {
    const t = this.peek();
    if (t.kind === 'name') return !KEYWORDS.has(t.text) || t.text === 'not' || t.text === 'lambda';
    if (t.kind === 'number' || t.kind === 'string') return true;
    return t.kind === 'op' && ['(', '[', '{', '-', '+', '~', '`'].includes(t.text);
  }

  test(): Expr {
    this.enter();
    try {
      if (this.isKw('lambda')) return this.unsupportedRest('lambda');
      const body = this.orTest();
      if (!this.isKw('if')) return body;
      this.next();
      const test = this.orTest();
      if (!this.isKw('else')) throw new SyntaxErr("SyntaxError: expected 'else' in conditional expression", this.peek().start, this.peek().end);
      this.next();
      const orelse = this.test();
      return { k: 'cond', test, body, orelse, start: body.start, end: orelse.end };
    } finally {
      this.depth--;
    }
  }

  private orTest(): Expr {
    let left = this.andTest();
    while (this.isKw('or')) {
      this.next();
      const right = this.andTest();
      left = { k: 'bool', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private andTest(): Expr {
    let left = this.notTest();
    while (this.isKw('and')) {
      this.next();
      const right = this.notTest();
      left = { k: 'bool', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private notTest(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      this.enter();
      try {
        const operand = this.notTest();
        return { k: 'not', operand, start: t.start, end: operand.end };
      } finally {
        this.depth--;
      }
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const first = this.binary(0);
    const ops: string[] = [];
    const operands = [first];
    for (;;) {
      const t = this.peek();
      let op: string | undefined;
      if (t.kind === 'op' && COMPARE_OPS.has(t.text)) op = t.text;
      else if (this.isKw('in')) op = 'in';
      else if (this.isKw('not') && this.isKw('in', 1)) op = 'not in';
      else if (this.isKw('is')) op = this.isKw('not', 1) ? 'is not' : 'is';
      if (!op) break;
      this.i += op.includes(' ') ? 2 : 1;
      ops.push(op === '<>' ? '!=' : op);
      operands.push(this.binary(0));
    }
    if (!ops.length) return first;
    return { k: 'cmp', ops, operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private static readonly LEVELS = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.factor();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !Parser.LEVELS[level].includes(t.text)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { k: 'bin', op: t.text, left, right, start: left.start, end: right.end };
    }
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.next();
      this.enter();
      try {
        const operand = this.factor();
        return { k: 'unary', op: t.text, operand, start: t.start, end: operand.end };
      } finally {
        this.depth--;
      }
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.trailers(this.atom());
    if (!this.isOp('**')) return base;
    this.next();
    this.enter();
    try {
      const exp = this.factor();
      return { k: 'bin', op: '**', left: base, right: exp, start: base.start, end: exp.end };
    } finally {
      this.depth--;
    }
  }

  private trailers(e: Expr): Expr {
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const n = this.next();
        if (n.kind !== 'name') throw new SyntaxErr('SyntaxError: invalid syntax', n.start, Math.max(n.end, n.start + 1));
        e = { k: 'attr', obj: e, name: n.text, nameStart: n.start, start: e.start, end: n.end };
      } else if (this.isOp('(')) e = this.call(e);
      else if (this.isOp('[')) e = this.subscript(e);
      else return e;
    }
  }

  private call(fn: Expr): Expr {
    this.next();
    const args: Expr[] = [];
    const kwargs: { name: string; value: Expr }[] = [];
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) return this.finishUnsupported(fn.start, ')', '*args in a call');
      if (this.peek().kind === 'name' && this.isOp('=', 1)) {
        const name = this.next().text;
        this.next();
        kwargs.push({ name, value: this.test() });
      } else {
        if (kwargs.length) throw new SyntaxErr('SyntaxError: non-keyword arg after keyword arg', this.peek().start, this.peek().end);
        const a = this.test();
        if (this.isKw('for')) return this.finishUnsupported(fn.start, ')', 'generator expression');
        args.push(a);
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    const close = this.expectOp(')');
    return { k: 'call', fn, args, kwargs, start: fn.start, end: close.end };
  }

  private subscript(obj: Expr): Expr {
    this.next();
    let lower: Expr | undefined;
    if (!this.isOp(':')) lower = this.testlist();
    if (this.isOp(']')) {
      if (!lower) throw new SyntaxErr('SyntaxError: invalid syntax', this.peek().start, this.peek().end);
      const close = this.next();
      return { k: 'index', obj, index: lower, start: obj.start, end: close.end };
    }
    this.expectOp(':');
    let upper: Expr | undefined;
    let step: Expr | undefined;
    if (!this.isOp(']') && !this.isOp(':')) upper = this.test();
    if (this.isOp(':')) {
      this.next();
      if (!this.isOp(']')) step = this.test();
    }
    const close = this.expectOp(']');
    return { k: 'slice', obj, lower, upper, step, start: obj.start, end: close.end };
  }

  /** Skips to the matching close bracket of a construct the editor does not evaluate. */
  private finishUnsupported(start: number, close: string, what: string): Expr {
    let depth = 1;
    while (this.peek().kind !== 'eof') {
      const t = this.next();
      if (t.kind === 'op' && '([{'.includes(t.text)) depth++;
      if (t.kind === 'op' && ')]}'.includes(t.text) && --depth === 0) {
        if (t.text !== close) throw new SyntaxErr(`SyntaxError: invalid syntax ('${t.text}' does not close)`, t.start, t.end);
        break;
      }
    }
    const end = this.prevEnd();
    this.sink.add('py-unsupported', 'warning', `${what}: xm would evaluate it, but the editor cannot`, start, end);
    return { k: 'unsupported', what, start, end };
  }

  private atom(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { k: 'num', raw: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'string') return this.strings();
    if (t.kind === 'name') {
      if (KEYWORDS.has(t.text)) throw new SyntaxErr(`SyntaxError: invalid syntax (unexpected keyword '${t.text}')`, t.start, t.end);
      this.next();
      return { k: 'name', id: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[') return this.sequence(t.text === '(' ? ')' : ']');
      if (t.text === '{') return this.dict();
      if (t.text === '`') {
        this.next();
        return this.finishUnsupported(t.start, '`', 'backquote repr');
      }
    }
    throw new SyntaxErr(`SyntaxError: invalid syntax${describe(t)}`, t.start, Math.max(t.end, t.start + 1));
  }

  private strings(): Expr {
    const first = this.peek();
    let value = '';
    let unicode = false;
    const parts: Span[] = [];
    while (this.peek().kind === 'string') {
      const s = this.next();
      value += s.value ?? '';
      unicode ||= (s.prefix ?? '').includes('u');
      parts.push({ start: s.start, end: s.end });
    }
    return { k: 'str', value, unicode, parts, start: first.start, end: this.prevEnd() };
  }

  private sequence(close: ')' | ']'): Expr {
    const open = this.next();
    const items: Expr[] = [];
    let sawComma = false;
    this.enter();
    try {
      while (!this.isOp(close)) {
        items.push(this.test());
        if (this.isKw('for')) return this.finishUnsupported(open.start, close, close === ']' ? 'list comprehension' : 'generator expression');
        if (!this.isOp(',')) break;
        this.next();
        sawComma = true;
      }
      const end = this.expectOp(close).end;
      if (close === ')' && items.length === 1 && !sawComma) return { ...items[0], start: items[0].start, end: items[0].end };
      return { k: close === ')' ? 'tuple' : 'list', items, start: open.start, end };
    } finally {
      this.depth--;
    }
  }

  private dict(): Expr {
    const open = this.next();
    const keys: Expr[] = [];
    const values: Expr[] = [];
    this.enter();
    try {
      while (!this.isOp('}')) {
        const key = this.test();
        if (!this.isOp(':')) return this.finishUnsupported(open.start, '}', 'set or comprehension');
        this.next();
        keys.push(key);
        values.push(this.test());
        if (this.isKw('for')) return this.finishUnsupported(open.start, '}', 'dict comprehension');
        if (!this.isOp(',')) break;
        this.next();
      }
      const end = this.expectOp('}').end;
      return { k: 'dict', keys, values, start: open.start, end };
    } finally {
      this.depth--;
    }
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return ' (unexpected end of file)';
  if (t.kind === 'newline') return ' (unexpected end of line)';
  if (t.kind === 'indent' || t.kind === 'dedent') return ' (unexpected indentation)';
  return ` at '${t.text.length > 20 ? t.text.slice(0, 20) + '…' : t.text}'`;
}
