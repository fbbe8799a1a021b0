/**
 * cmdline_parse (xen/common/kernel.c): the hypervisor's command line split on spaces into
 * `key[=value]` words, each matched against the registered parameters (`boolean_param`,
 * `integer_param`, `string_param`, `custom_param`). A `no-` prefix inverts a boolean; a boolean
 * is false for `no`, `off`, `false` or `0` and true for anything else (even `disable`). Words that
 * name no parameter are ignored without a message, as Xen ignores them.
 */
export type ParamKind = 'bool' | 'uint' | 'string' | 'custom';

export interface XenParam {
  name: string;
  kind: ParamKind;
  /** Receives the parsed value: boolean for bool, number for uint, the raw text otherwise. */
  set(value: boolean | number | string): void;
}

export interface CmdlineWord {
  key: string;
  value: string;
  /** The parameter that took it, or undefined when Xen ignored the word. */
  param?: string;
}

/** Parses `cmdline` against `params`; returns every word with the parameter that took it. */
export function cmdlineParse(cmdline: string, params: readonly XenParam[]): CmdlineWord[] {
  const words: CmdlineWord[] = [];
  for (const raw of cmdline.split(' ')) {
    if (!raw) continue;
    // Xen copies at most 99 characters of a word into its buffer.
    const opt = raw.slice(0, 99);
    const eq = opt.indexOf('=');
    let key = eq < 0 ? opt : opt.slice(0, eq);
    const value = eq < 0 ? '' : opt.slice(eq + 1);
    let assert = true;
    if (key.startsWith('no-')) {
      assert = false;
      key = key.slice(3);
    }
    const word: CmdlineWord = { key, value };
    for (const p of params) {
      if (p.name !== key) continue;
      word.param = p.name;
      if (p.kind === 'bool') p.set(['no', 'off', 'false', '0'].includes(value) ? !assert : assert);
      else if (p.kind === 'uint') p.set(simpleStrtol(value));
      else p.set(value);
    }
    words.push(word);
  }
  return words;
}

/** simple_strtol with base 0: 0x… hex, 0… octal, else decimal; stops at the first non-digit. */
export function simpleStrtol(s: string): number {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0;
  const body = m[2];
  const n = /^0[xX]/.test(body) ? parseInt(body, 16) : body.length > 1 && body[0] === '0' ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

/** parse_size_and_unit (xen/common/lib.c): a number with G/M/K/B suffix, kilobytes when none; returns bytes and the rest. */
export function parseSizeAndUnit(s: string): { bytes: number; rest: string } {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(s)!;
  const n = m[1] ? simpleStrtol(m[1]) : 0;
  let rest = s.slice(m[0].length);
  const unit = rest[0]?.toLowerCase();
  const shift = unit === 'g' ? 30 : unit === 'm' ? 20 : unit === 'k' ? 10 : unit === 'b' ? 0 : 10;
  if (unit && 'gmkb'.includes(unit)) rest = rest.slice(1);
  return { bytes: n * 2 ** shift, rest };
}
