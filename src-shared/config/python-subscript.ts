/**
 * Python 2's `x[i]` and `x[lo:hi:step]` on the values the editor models, as pure functions that
 * throw PyError the way CPython raises (the evaluator turns that into a stop at the right span).
 * One index rule serves reads, `x[i] = v` and `del x[i]`.
 */
import { PyError, asBigInt, hashKey, str, typeName, type PyValue } from './python-values.ts';

/** A sequence index: negative counts from the end; out of range is `<kind> index out of range`. */
export function seqIndex(kind: 'list' | 'tuple' | 'string', len: number, key: PyValue): number {
  const n = asBigInt(key);
  if (n === undefined) throw new PyError('TypeError', kind === 'string' ? 'string indices must be integers' : `${kind} indices must be integers, not ${typeName(key)}`);
  const i = Number(n < 0n ? n + BigInt(len) : n);
  if (i < 0 || i >= len) throw new PyError('IndexError', `${kind} index out of range`);
  return i;
}

/** `obj[key]` for dicts, lists, tuples and strings; undefined for what the caller handles itself. */
export function subscript(obj: PyValue, key: PyValue): PyValue | undefined {
  if (obj.t === 'dict') {
    const hit = obj.map.get(hashKey(key));
    if (!hit) throw new PyError('KeyError', keyRepr(key));
    return hit[1];
  }
  if (obj.t === 'list' || obj.t === 'tuple') return obj.items[seqIndex(obj.t, obj.items.length, key)];
  if (obj.t === 'str') {
    const chars = [...obj.v];
    return str(chars[seqIndex('string', chars.length, key)], obj.u);
  }
  if (obj.t === 'match') return undefined;
  throw new PyError('TypeError', `'${typeName(obj)}' object is unsubscriptable`);
}

/** `obj[lo:hi:step]` with evaluated bounds (None for a bound left out). */
export function sliceOf(obj: PyValue, bounds: PyValue[]): PyValue {
  const seq = obj.t === 'str' ? [...obj.v] : obj.t === 'list' || obj.t === 'tuple' ? obj.items : undefined;
  if (!seq) throw new PyError('TypeError', `'${typeName(obj)}' object is unsubscriptable`);
  const [lo, hi, st] = bounds.map((p) => {
    if (p.t === 'none') return undefined;
    const n = asBigInt(p);
    if (n === undefined) throw new PyError('TypeError', 'slice indices must be integers or None');
    return Number(n);
  });
  const step = st ?? 1;
  if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const len = seq.length;
  const norm = (v: number | undefined, dflt: number) => (v === undefined ? dflt : v < 0 ? Math.max(v + len, step < 0 ? -1 : 0) : Math.min(v, step < 0 ? len - 1 : len));
  const start = norm(lo, step > 0 ? 0 : len - 1);
  const stop = norm(hi, step > 0 ? len : -1);
  const picked: unknown[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(seq[i]);
  if (obj.t === 'str') return str((picked as string[]).join(''), obj.u);
  return { t: obj.t as 'list' | 'tuple', items: picked as PyValue[] };
}

/** How a KeyError names its key. */
export function keyRepr(v: PyValue): string {
  return v.t === 'str' ? `'${v.v}'` : v.t === 'int' ? v.v.toString() : typeName(v);
}
