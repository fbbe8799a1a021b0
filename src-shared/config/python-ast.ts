/**
 * Syntax tree of the Python 2 subset that xm config files use. Every node carries its source
 * offsets so that evaluation errors, type diagnostics and quick fixes point at exact text.
 */

export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | ({ k: 'num'; raw: string } & Span)
  | ({ k: 'str'; value: string; unicode: boolean; parts: Span[] } & Span)
  | ({ k: 'name'; id: string } & Span)
  | ({ k: 'tuple' | 'list'; items: Expr[] } & Span)
  | ({ k: 'dict'; keys: Expr[]; values: Expr[] } & Span)
  | ({ k: 'unary'; op: '-' | '+' | '~'; operand: Expr } & Span)
  | ({ k: 'not'; operand: Expr } & Span)
  | ({ k: 'bin'; op: string; left: Expr; right: Expr } & Span)
  | ({ k: 'bool'; op: 'and' | 'or'; left: Expr; right: Expr } & Span)
  | ({ k: 'cmp'; ops: string[]; operands: Expr[] } & Span)
  | ({ k: 'cond'; test: Expr; body: Expr; orelse: Expr } & Span)
  | ({ k: 'attr'; obj: Expr; name: string; nameStart: number } & Span)
  | ({ k: 'call'; fn: Expr; args: Expr[]; kwargs: { name: string; value: Expr }[] } & Span)
  | ({ k: 'index'; obj: Expr; index: Expr } & Span)
  | ({ k: 'slice'; obj: Expr; lower?: Expr; upper?: Expr; step?: Expr } & Span)
  /** Valid Python the editor does not evaluate (lambda, comprehensions, backquotes …). */
  | ({ k: 'unsupported'; what: string } & Span);

export type Stmt =
  | ({ k: 'assign'; targets: Expr[]; value: Expr } & Span)
  | ({ k: 'augassign'; target: Expr; op: string; value: Expr } & Span)
  | ({ k: 'import'; names: ({ name: string; asname?: string } & Span)[] } & Span)
  | ({ k: 'from'; module: string; names: ({ name: string; asname?: string } & Span)[] } & Span)
  | ({ k: 'if'; branches: { test: Expr; body: Stmt[] }[]; orelse?: Stmt[] } & Span)
  | ({ k: 'expr'; value: Expr } & Span)
  | ({ k: 'pass' } & Span)
  | ({ k: 'del'; targets: Expr[] } & Span)
  /** `def f(a, b=1): …` with plain parameters (xmexample2/3's `vmid_check`); others are `skipped`. */
  | ({ k: 'def'; name: string; nameSpan: Span; params: { name: string; dflt?: Expr }[]; body: Stmt[] } & Span)
  | ({ k: 'return'; value?: Expr } & Span)
  /** `raise`, `raise E`, `raise E, msg`, `raise E(msg)`. */
  | ({ k: 'raise'; type?: Expr; msg?: Expr } & Span)
  /**
   * A statement outside the subset: xm runs it, the editor cannot. `binds` are names it may set,
   * `mutates` names whose objects it may change in place (`pci.append(d)` in a loop body).
   */
  | ({ k: 'skipped'; what: string; binds: string[]; mutates: string[] } & Span);

export interface Module {
  body: Stmt[];
  /** False when the file has a SyntaxError: xm would refuse to run any of it. */
  syntaxOk: boolean;
}
