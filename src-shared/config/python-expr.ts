/**
 * Expressions of the Python 2 subset (CPython 2's Grammar/Grammar from `test` down to `atom`),
 * and the token cursor the statement parser builds on. Comprehensions, lambdas, `*args` and
 * backquotes are valid Python the editor does not evaluate: they become `unsupported` nodes with
 * a warning, not syntax errors.
 */
import { sentence, type DiagnosticSink } from './diagnostic.ts';
import type { Expr, Span } from './python-ast.ts';
import type { Token } from './python-lexer.ts';

export const KEYWORDS = new Set([
  'and', 'as', 'assert', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'exec', 'finally', 'for', 'from',
  'global', 'if', 'import', 'in', 'is', 'lambda', 'not', 'or', 'pass', 'print', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', '<>', 'in', 'is']);
/**
 * CPython 2's parser stack (Parser/parser.h MAXSTACK 1500): a bracket level costs about 15 of its
 * entries, a unary operator or conditional 1, `**` 2 — so 99 nested lists, ~1,480 nested `-`, as
 * in Python 2. Deeper nesting is "s_push: parser stack overflow" there, and a syntax error here.
 */
const MAX_STACK = 1500;
const BRACKET_COST = 14;

export class SyntaxErr {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

export class ExprParser {
  protected i = 0;
  /** Starts at the ~20 entries a statement itself takes on CPython's parser stack. */
  private depth = 20;
  protected syntaxOk = true;

  constructor(
    protected readonly toks: Token[],
    protected readonly sink: DiagnosticSink,
  ) {}

  // ---- token helpers -------------------------------------------------------------------------

  protected peek(ahead = 0): Token {
    return this.toks[Math.min(this.i + ahead, this.toks.length - 1)];
  }
  protected isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.text === text;
  }
  protected isKw(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'name' && t.text === text;
  }
  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  protected expectOp(text: string): Token {
    if (this.isOp(text)) return this.next();
    const t = this.peek();
    throw new SyntaxErr(`SyntaxError: expected '${text}'${describe(t)}`, t.start, Math.max(t.end, t.start + 1));
  }
  protected lineEndFrom(t: Token): number {
    let j = this.toks.indexOf(t);
    while (j < this.toks.length - 1 && this.toks[j].kind !== 'newline') j++;
    return Math.max(this.toks[j].start, t.end);
  }
  protected prevEnd(): number {
    return this.i > 0 ? this.toks[this.i - 1].end : 0;
  }

  protected error(e: SyntaxErr): void {
    this.syntaxOk = false;
    this.sink.add('py-syntax', 'error', `${e.message}; xm would refuse the whole file`, e.start, Math.max(e.end, e.start));
  }

  /** Skips to the end of the current logical line (and any block hanging off it). */
  protected syncLine(): void {
    while (this.peek().kind !== 'newline' && this.peek().kind !== 'eof') this.i++;
    if (this.peek().kind === 'newline') this.i++;
    if (this.peek().kind === 'indent') this.skipBlock();
  }

  protected skipBlock(): void {
    let level = 0;
    do {
      const t = this.next();
      if (t.kind === 'indent') level++;
      else if (t.kind === 'dedent') level--;
      else if (t.kind === 'eof') return;
    } while (level > 0);
  }

  /** The rest of an expression the editor does not evaluate, up to the end of the statement. */
  protected unsupportedRest(what: string): Expr {
    const start = this.peek().start;
    let depth = 0;
    while (this.peek().kind !== 'eof' && this.peek().kind !== 'newline') {
      if (depth === 0 && (this.isOp(';') || this.isOp(')') || this.isOp(']') || this.isOp('}') || this.isOp(','))) break;
      const x = this.next();
      if (x.kind === 'op' && '([{'.includes(x.text)) depth++;
      if (x.kind === 'op' && ')]}'.includes(x.text)) depth--;
    }
    const end = Math.max(this.prevEnd(), start);
    this.sink.add('py-unsupported', 'warning', `${sentence(what)}: xm would evaluate it, but the editor cannot`, start, end);
    return { k: 'unsupported', what, start, end };
  }

  // ---- expressions ---------------------------------------------------------------------------

  protected enter(cost = 1): void {
    if ((this.depth += cost) > MAX_STACK) {
      const t = this.peek();
      throw new SyntaxErr('SyntaxError: expression nested too deeply (s_push: parser stack overflow)', t.start, Math.max(t.end, t.start + 1));
    }
  }

  protected testlist(): Expr {
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

  protected startsExpr(): boolean {
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

  protected orTest(): Expr {
    let left = this.andTest();
    while (this.isKw('or')) {
      this.next();
      const right = this.andTest();
      left = { k: 'bool', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected andTest(): Expr {
    let left = this.notTest();
    while (this.isKw('and')) {
      this.next();
      const right = this.notTest();
      left = { k: 'bool', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  protected notTest(): Expr {
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

  protected comparison(): Expr {
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

  protected static readonly LEVELS = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']];

  protected binary(level: number): Expr {
    if (level >= ExprParser.LEVELS.length) return this.factor();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !ExprParser.LEVELS[level].includes(t.text)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { k: 'bin', op: t.text, left, right, start: left.start, end: right.end };
    }
  }

  protected factor(): Expr {
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

  protected power(): Expr {
    const base = this.trailers(this.atom());
    if (!this.isOp('**')) return base;
    this.next();
    this.enter(2);
    try {
      const exp = this.factor();
      return { k: 'bin', op: '**', left: base, right: exp, start: base.start, end: exp.end };
    } finally {
      this.depth -= 2;
    }
  }

  protected trailers(e: Expr): Expr {
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

  protected call(fn: Expr): Expr {
    this.enter(BRACKET_COST);
    try {
      return this.callArgs(fn);
    } finally {
      this.depth -= BRACKET_COST;
    }
  }

  private callArgs(fn: Expr): Expr {
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

  protected subscript(obj: Expr): Expr {
    this.enter(BRACKET_COST);
    try {
      return this.subscriptBody(obj);
    } finally {
      this.depth -= BRACKET_COST;
    }
  }

  private subscriptBody(obj: Expr): Expr {
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
  protected finishUnsupported(start: number, close: string, what: string): Expr {
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
    this.sink.add('py-unsupported', 'warning', `${sentence(what)}: xm would evaluate it, but the editor cannot`, start, end);
    return { k: 'unsupported', what, start, end };
  }

  protected atom(): Expr {
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

  protected strings(): Expr {
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

  protected sequence(close: ')' | ']'): Expr {
    const open = this.next();
    const items: Expr[] = [];
    let sawComma = false;
    this.enter(BRACKET_COST);
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
      this.depth -= BRACKET_COST;
    }
  }

  protected dict(): Expr {
    const open = this.next();
    const keys: Expr[] = [];
    const values: Expr[] = [];
    this.enter(BRACKET_COST);
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
      this.depth -= BRACKET_COST;
    }
  }
}

export function describe(t: Token): string {
  if (t.kind === 'eof') return ' (unexpected end of file)';
  if (t.kind === 'newline') return ' (unexpected end of line)';
  if (t.kind === 'indent' || t.kind === 'dedent') return ' (unexpected indentation)';
  return ` at '${t.text.length > 20 ? t.text.slice(0, 20) + '…' : t.text}'`;
}
