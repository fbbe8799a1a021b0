/**
 * Bytes as hex text, the one serialisation snapshots and host profiles use. Reading is checked:
 * a bad pair or an odd length is an error naming where, never a silent zero.
 */

/** Bytes as lower-case hex, two digits per byte, no separators ("00a1ff"). */
export function bytesToHex(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] & 0xff).toString(16).padStart(2, '0');
  return out;
}

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** Parses `bytesToHex` text; `where` names the field in the error ("snapshot of CTRL"). */
export function hexToBytes(text: string, where: string, expectedLength?: number): Uint8Array {
  if (typeof text !== 'string') throw new Error(`${where}: expected hex text, got ${typeof text}`);
  if (text.length % 2 !== 0) throw new Error(`${where}: hex text has an odd number of digits (${text.length})`);
  const n = text.length / 2;
  if (expectedLength !== undefined && n !== expectedLength) throw new Error(`${where}: ${n} bytes of hex, expected ${expectedLength}`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const pair = text.slice(2 * i, 2 * i + 2);
    if (!HEX_PAIR.test(pair)) throw new Error(`${where}: "${pair}" at byte ${i} is not a hex pair`);
    out[i] = parseInt(pair, 16);
  }
  return out;
}
