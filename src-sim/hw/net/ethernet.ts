/**
 * IEEE 802.3 framing for 1000BASE-T: what a frame costs on the wire and its frame check
 * sequence. The facts are those of IEEE 802.3 clause 3/4 (preamble + SFD, 64-byte minimum,
 * 12-byte minimum inter-frame gap) as summarised in devices.md §6.1; the CRC is the standard
 * reflected CRC-32 (polynomial 0x04C11DB7, as in Linux lib/crc32.c `ether_crc_le` users).
 *
 * Line rate is derived from these sizes, never stated: a 1518-byte frame holds the wire for
 * (8 + 1518 + 12) × 8 ns = 12.304 µs, so no more than 81 274 such frames fit in a second.
 */
import type { Ns } from '../../engine/index.ts';

/** 7 preamble bytes + 1 start-of-frame delimiter. */
export const PREAMBLE_SFD_BYTES = 8;
/** Minimum inter-frame gap (96 bit times). */
export const IFG_BYTES = 12;
/** Frame check sequence (CRC-32) at the end of every frame. */
export const FCS_BYTES = 4;
/** Destination + source MAC + EtherType. */
export const ETH_HEADER_BYTES = 14;
/** Minimum frame including FCS; shorter frames are padded by the sending MAC. */
export const MIN_FRAME_BYTES = 64;
/** Maximum untagged frame including FCS (1500-byte payload). */
export const MAX_FRAME_BYTES = 1518;
/** Maximum VLAN-tagged frame including FCS. */
export const MAX_TAGGED_FRAME_BYTES = 1522;
/** Largest jumbo frame any 8257x accepts (RCTL.LPE, 16 KiB buffers), FCS included. */
export const MAX_JUMBO_FRAME_BYTES = 16384;

/** 1000 Mb/s: one byte every 8 ns. */
export const GIGABIT_NS_PER_BYTE = 8;

/** Time the frame (FCS included, preamble added here) occupies the wire, without the gap. */
export function frameWireNs(frameBytes: number, nsPerByte = GIGABIT_NS_PER_BYTE): Ns {
  return (PREAMBLE_SFD_BYTES + frameBytes) * nsPerByte;
}

/** Time from the start of one frame to the earliest start of the next: frame + gap. */
export function frameSlotNs(frameBytes: number, nsPerByte = GIGABIT_NS_PER_BYTE): Ns {
  return (PREAMBLE_SFD_BYTES + frameBytes + IFG_BYTES) * nsPerByte;
}

// ---- CRC-32 (slicing by 8) -----------------------------------------------------------------

const [T0, T1, T2, T3, T4, T5, T6, T7] = buildCrcTables();

function buildCrcTables(): Uint32Array[] {
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1];
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (t0[prev[n] & 0xff] ^ (prev[n] >>> 8)) >>> 0;
    tables.push(t);
  }
  return tables;
}

/** CRC-32 of `buf[start, start+len)` as transmitted in the FCS field (little-endian on the wire). */
export function crc32(buf: Uint8Array, start: number, len: number): number {
  let c = 0xffffffff;
  let i = start;
  const end = start + len;
  for (; i + 8 <= end; i += 8) {
    c ^= buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24);
    c =
      T7[c & 0xff] ^ T6[(c >>> 8) & 0xff] ^ T5[(c >>> 16) & 0xff] ^ T4[c >>> 24] ^
      T3[buf[i + 4]] ^ T2[buf[i + 5]] ^ T1[buf[i + 6]] ^ T0[buf[i + 7]];
  }
  for (; i < end; i++) c = T0[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Appends the FCS of `buf[0, len)` at `buf[len, len+4)`; returns the new length. */
export function appendFcs(buf: Uint8Array, len: number): number {
  const c = crc32(buf, 0, len);
  buf[len] = c & 0xff;
  buf[len + 1] = (c >>> 8) & 0xff;
  buf[len + 2] = (c >>> 16) & 0xff;
  buf[len + 3] = c >>> 24;
  return len + FCS_BYTES;
}

/** Whether the last four bytes of `buf[0, len)` are the FCS of the bytes before them. */
export function fcsValid(buf: Uint8Array, len: number): boolean {
  if (len < FCS_BYTES) return false;
  const body = len - FCS_BYTES;
  const c = crc32(buf, 0, body);
  return buf[body] === (c & 0xff) && buf[body + 1] === ((c >>> 8) & 0xff) && buf[body + 2] === ((c >>> 16) & 0xff) && buf[body + 3] === c >>> 24;
}

/** Copies `len` bytes (a view plus one memcpy; cheaper than a byte loop from about 16 bytes up). */
export function copyBytes(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
  if (len < 16) {
    for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i];
  } else dst.set(srcOff === 0 && len === src.length ? src : src.subarray(srcOff, srcOff + len), dstOff);
}

/**
 * Prefix views `buf[0, len)`, made once per (buffer, length): a DMA port takes an array of the
 * exact transfer length, and a busy NIC moves frames of a handful of sizes.
 */
export class PrefixViews {
  private buf: Uint8Array | undefined;
  private readonly views = new Map<number, Uint8Array>();

  of(buf: Uint8Array, len: number): Uint8Array {
    if (buf !== this.buf) {
      this.buf = buf;
      this.views.clear();
    }
    let v = this.views.get(len);
    if (!v) {
      if (this.views.size >= 64) this.views.clear();
      v = buf.subarray(0, len);
      this.views.set(len, v);
    }
    return v;
  }
}

// ---- MAC addresses -------------------------------------------------------------------------

export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

/** "00:15:17:aa:bb:cc" → 6 bytes; undefined if it is not six hex pairs. */
export function parseMac(text: string): Uint8Array | undefined {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(text.trim());
  if (!m) return undefined;
  return Uint8Array.from(m.slice(1, 7), (h) => parseInt(h, 16));
}

export function formatMac(bytes: ArrayLike<number>, offset = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push(bytes[offset + i].toString(16).padStart(2, '0'));
  return out.join(':');
}

export function isBroadcast(frame: Uint8Array): boolean {
  return (frame[0] & frame[1] & frame[2] & frame[3] & frame[4] & frame[5]) === 0xff;
}

/** Group bit (I/G) of the destination: multicast or broadcast. */
export function isGroupAddress(frame: Uint8Array): boolean {
  return (frame[0] & 1) === 1;
}
