/**
 * Named-field snapshots of plain model state: a component lists the fields it saves by name
 * (QEMU's VMSTATE_UINT32(field, struct) lines), and this turns them into JSON-safe data and
 * back. Maps, Sets and byte arrays are tagged so they come back as what they were; restore
 * writes into the live containers in place (a readonly Map stays the same Map, so closures
 * holding it see the restored contents). A field the snapshot lacks is an error naming it.
 */
import { bytesToHex, hexToBytes } from '../../src-shared/units/bytes.ts';

export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/** Any model value as JSON-safe data: Map → {$map}, Set → {$set}, Uint8Array → {$hex}. */
export function encode(v: unknown, where: string): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${where}: ${v} cannot be saved`);
    return v;
  }
  if (v === undefined) return { $undef: true };
  if (v instanceof Uint8Array) return { $hex: bytesToHex(v) };
  if (v instanceof Map) return { $map: [...v].map(([k, x], i) => [encode(k, `${where}[${i}].key`), encode(x, `${where}[${i}]`)]) };
  if (v instanceof Set) return { $set: [...v].map((x, i) => encode(x, `${where}[${i}]`)) };
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${where}[${i}]`));
  if (isPlainObject(v)) {
    const out: Record<string, Plain> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encode(x, `${where}.${k}`);
    return out;
  }
  throw new Error(`${where}: a ${typeof v === 'object' ? v.constructor.name : typeof v} is not plain state; its owner saves it`);
}

/** The inverse of `encode`, checked: a malformed tag is an error naming where. */
export function decode(p: unknown, where: string): unknown {
  if (p === null || typeof p !== 'object') return p;
  if (Array.isArray(p)) return p.map((x, i) => decode(x, `${where}[${i}]`));
  const o = p as Record<string, unknown>;
  if ('$undef' in o) return undefined;
  if ('$hex' in o) return hexToBytes(o.$hex as string, where);
  if ('$map' in o) {
    if (!Array.isArray(o.$map)) throw new Error(`${where}: $map is not a list of pairs`);
    return new Map(o.$map.map((kv: unknown, i) => {
      if (!Array.isArray(kv) || kv.length !== 2) throw new Error(`${where}[${i}]: not a [key, value] pair`);
      return [decode(kv[0], `${where}[${i}].key`), decode(kv[1], `${where}[${i}]`)];
    }));
  }
  if ('$set' in o) {
    if (!Array.isArray(o.$set)) throw new Error(`${where}: $set is not a list`);
    return new Set(o.$set.map((x, i) => decode(x, `${where}[${i}]`)));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decode(x, `${where}.${k}`);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Writes `value` into the live `current` when it is a container (in place), else returns it. */
function into(current: unknown, value: unknown, where: string): unknown {
  if (current instanceof Map) {
    if (!(value instanceof Map)) throw new Error(`${where}: expected a map`);
    current.clear();
    for (const [k, v] of value) current.set(k, v);
    return current;
  }
  if (current instanceof Set) {
    if (!(value instanceof Set)) throw new Error(`${where}: expected a set`);
    current.clear();
    for (const v of value) current.add(v);
    return current;
  }
  if (current instanceof Uint8Array) {
    if (!(value instanceof Uint8Array) || value.length !== current.length) throw new Error(`${where}: expected ${current.length} bytes`);
    current.set(value);
    return current;
  }
  if (Array.isArray(current)) {
    if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
    current.splice(0, current.length, ...(value as unknown[]));
    return current;
  }
  if (isPlainObject(current) && isPlainObject(value)) {
    for (const k of Object.keys(current)) if (!Object.hasOwn(value, k)) delete current[k];
    return Object.assign(current, value);
  }
  return value;
}

/** `obj`'s named fields as a plain record. */
export function saveFields<T extends object>(obj: T, names: readonly (keyof T & string)[], where: string): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const n of names) out[n] = encode(obj[n], `${where}.${n}`);
  return out;
}

/** Restores `obj`'s named fields from `saveFields` output; every name must be present. */
export function restoreFields<T extends object>(obj: T, state: unknown, names: readonly (keyof T & string)[], where: string): void {
  if (typeof state !== 'object' || state === null) throw new Error(`${where}: expected an object of fields`);
  const s = state as Record<string, unknown>;
  for (const n of names) if (!Object.hasOwn(s, n)) throw new Error(`${where}: field "${n}" is missing`);
  for (const n of names) {
    const value = into(obj[n], decode(s[n], `${where}.${n}`), `${where}.${n}`);
    if (value !== obj[n]) (obj as Record<string, unknown>)[n] = value;
  }
}
