/**
 * CPython 2's operators on the values of python-values.ts (Objects/intobject.c, longobject.c,
 * floatobject.c, boolobject.c of Python 2.4-2.7): `int / int` floors, an int that leaves the
 * machine word becomes a long (and a long stays a long), `bool & bool` stays a bool, `%` and `//`
 * round towards negative infinity. Numeric literals (`010` octal, `10L`) are read here too.
 */
import {
  MAX_SEQUENCE, MAX_STRING, PyError, asBigInt, asNumber, bool, hashKey, int, isNumber, iterate, percentFormat, pyCompare, pyEquals, str, typeName,
  type PyValue,
} from './python-values.ts';

/** Python 2 numeric literals: `010` is octal, `10L` long, `1.5e3` float; `1j` is refused. */
export function parseNumber(raw: string): PyValue {
  const long = /[lL]$/.test(raw);
  const body = raw.replace(/[lL]$/, '');
  if (/[jJ]$/.test(raw)) throw new PyError('SyntaxError', `complex literal ${raw} is not supported by the editor`);
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) return int(BigInt(body), long);
  if (/^0[oO][0-7]+$/.test(body)) return int(BigInt(body), long);
  if (/^0[bB][01]+$/.test(body)) return int(BigInt(body), long);
  if (/^0[0-7]+$/.test(body)) return int(BigInt('0o' + body.slice(1)), long);
  if (/^(0|[1-9]\d*)$/.test(body)) return int(BigInt(body), long);
  if (body === raw && /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(body)) return { t: 'float', v: Number(body) };
  throw new PyError('SyntaxError', `invalid number literal '${raw}'`);
}

/** CPython 2 caches the ints -5 … 256, so `is` on them compares values. */
function sameObject(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (a.t === 'none' && b.t === 'none') return true;
  if (a.t === 'bool' && b.t === 'bool') return a.v === b.v;
  if (a.t === 'int' && b.t === 'int' && !a.long && !b.long) return a.v === b.v && a.v >= -5n && a.v <= 256n;
  if (a.t === 'func' && b.t === 'func') return a.name === b.name && a.self === b.self;
  return false;
}

export function compareOp(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b) < 0;
    case '>':
      return pyCompare(a, b) > 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>=':
      return pyCompare(a, b) >= 0;
    case 'is':
      return sameObject(a, b);
    case 'is not':
      return !sameObject(a, b);
    default: {
      const found = contains(b, a);
      return op === 'in' ? found : !found;
    }
  }
}

function contains(container: PyValue, x: PyValue): boolean {
  if (container.t === 'str') {
    if (x.t !== 'str') throw new PyError('TypeError', `'in <string>' requires string as left operand`);
    return container.v.includes(x.v);
  }
  if (container.t === 'dict') return container.map.has(hashKey(x));
  return iterate(container).some((i) => pyEquals(i, x));
}

export function binaryOp(op: string, a: PyValue, b: PyValue): PyValue | 'too-big' {
  const ai = asBigInt(a);
  const bi = asBigInt(b);
  if (ai !== undefined && bi !== undefined) {
    // bool & | ^ bool is a bool (boolobject.c); any other int operation gives an int.
    if (a.t === 'bool' && b.t === 'bool' && (op === '&' || op === '|' || op === '^')) return bool(op === '&' ? a.v && b.v : op === '|' ? a.v || b.v : a.v !== b.v);
    return intOp(op, ai, bi, (a.t === 'int' && !!a.long) || (b.t === 'int' && !!b.long));
  }
  if (isNumber(a) && isNumber(b)) return floatOp(op, asNumber(a), asNumber(b));
  if (op === '+' && a.t === 'str' && b.t === 'str') return a.v.length + b.v.length > MAX_STRING ? 'too-big' : str(a.v + b.v, a.u || b.u);
  if (op === '+' && (a.t === 'list' || a.t === 'tuple') && a.t === b.t) return { t: a.t, items: [...a.items, ...b.items] };
  if (op === '%' && a.t === 'str') {
    const s = percentFormat(a.v, b);
    return s.length > MAX_STRING ? 'too-big' : str(s, a.u || (b.t === 'str' && !!b.u));
  }
  if (op === '*') {
    const [seq, n] = bi !== undefined ? [a, bi] : ai !== undefined ? [b, ai] : [undefined, undefined];
    if (seq && n !== undefined) {
      const count = n < 0n ? 0 : Number(n);
      if (seq.t === 'str') return seq.v.length * count > MAX_STRING ? 'too-big' : str(seq.v.repeat(count), seq.u);
      if (seq.t === 'list' || seq.t === 'tuple') {
        if (seq.items.length * count > MAX_SEQUENCE) return 'too-big';
        return { t: seq.t, items: Array.from({ length: count }, () => seq.items).flat() };
      }
    }
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

export function floorDiv(x: bigint, y: bigint): bigint {
  if (y === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}

function intOp(op: string, a: bigint, b: bigint, long: boolean): PyValue | 'too-big' {
  const r = (v: bigint) => int(v, long);
  switch (op) {
    case '+':
      return r(a + b);
    case '-':
      return r(a - b);
    case '*':
      return r(a * b);
    case '/': // Python 2: int / int floors.
    case '//':
      return r(floorDiv(a, b));
    case '%':
      return r(a - floorDiv(a, b) * b);
    case '**':
      if (b < 0n) return floatOp('**', Number(a), Number(b));
      if (b > 4096n && a !== 0n && a !== 1n && a !== -1n) return 'too-big';
      return r(a ** b);
    case '<<':
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      return b > 4096n ? 'too-big' : r(a << b);
    case '>>':
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      return r(a >> b);
    case '&':
      return r(a & b);
    case '|':
      return r(a | b);
    case '^':
      return r(a ^ b);
  }
  throw new PyError('TypeError', `unsupported operand ${op}`);
}

function floatOp(op: string, a: number, b: number): PyValue {
  const f = (v: number) => ({ t: 'float', v }) as PyValue;
  switch (op) {
    case '+':
      return f(a + b);
    case '-':
      return f(a - b);
    case '*':
      return f(a * b);
    case '/':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float division');
      return f(a / b);
    case '//':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float divmod()');
      return f(Math.floor(a / b));
    case '%':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float modulo');
      return f(a - Math.floor(a / b) * b);
    case '**':
      if (a === 0 && b < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      return f(a ** b);
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'float' and 'float'`);
}
