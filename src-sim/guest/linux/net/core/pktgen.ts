/**
 * Test traffic in the manner of Linux's pktgen (net/core/pktgen.c): Ethernet + IPv4 + UDP frames
 * whose payload starts with pktgen's header (magic 0xbe9be955, sequence number) followed by
 * bytes from the sender's seeded stream, with a real IPv4 header checksum and UDP checksum. The
 * receiving side (`PktgenSink`) verifies both checksums and the sequence, counts frames and
 * bytes, and folds each good payload into a digest, so two runs can be compared payload for payload.
 */
import type { Scope } from '../../../../engine/scope.ts';
import type { Timer } from '../../../../engine/index.ts';

export const PKTGEN_MAGIC = 0xbe9be955;
const ETH_HLEN = 14;
const IP_HLEN = 20;
const UDP_HLEN = 8;
const UDP_PORT = 9;

export const macBytes = (mac: string) => Uint8Array.from(mac.split(':').map((x) => parseInt(x, 16)));
export const macText = (b: Uint8Array, off = 0) => [...b.subarray(off, off + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** The Internet checksum (RFC 1071) of `b[from, to)`, starting from `sum`. */
function csum(b: Uint8Array, from: number, to: number, sum = 0): number {
  for (let i = from; i < to; i += 2) sum += (b[i] << 8) | (i + 1 < to ? b[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

const put16 = (b: Uint8Array, o: number, v: number) => ((b[o] = (v >> 8) & 0xff), (b[o + 1] = v & 0xff));
const put32 = (b: Uint8Array, o: number, v: number) => (put16(b, o, v >>> 16), put16(b, o + 2, v & 0xffff));
const get16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const get32 = (b: Uint8Array, o: number) => ((get16(b, o) << 16) | get16(b, o + 2)) >>> 0;

export interface PktgenFlow {
  srcMac: string;
  dstMac: string;
  srcIp: number;
  dstIp: number;
}

/** A frame of `payloadLen` UDP payload bytes (≥ 8: pktgen's magic and sequence). */
export function pktgenFrame(flow: PktgenFlow, seq: number, payloadLen: number, fill: (i: number) => number): Uint8Array {
  const len = ETH_HLEN + IP_HLEN + UDP_HLEN + payloadLen;
  const b = new Uint8Array(len);
  b.set(macBytes(flow.dstMac), 0);
  b.set(macBytes(flow.srcMac), 6);
  put16(b, 12, 0x0800);
  const ip = ETH_HLEN;
  b[ip] = 0x45;
  put16(b, ip + 2, IP_HLEN + UDP_HLEN + payloadLen);
  put16(b, ip + 4, seq & 0xffff);
  b[ip + 8] = 64;
  b[ip + 9] = 17;
  put32(b, ip + 12, flow.srcIp);
  put32(b, ip + 16, flow.dstIp);
  put16(b, ip + 10, ~csum(b, ip, ip + IP_HLEN) & 0xffff);
  const udp = ip + IP_HLEN;
  put16(b, udp, UDP_PORT);
  put16(b, udp + 2, UDP_PORT);
  put16(b, udp + 4, UDP_HLEN + payloadLen);
  const data = udp + UDP_HLEN;
  put32(b, data, PKTGEN_MAGIC);
  put32(b, data + 4, seq);
  for (let i = 8; i < payloadLen; i++) b[data + i] = fill(i) & 0xff;
  put16(b, udp + 6, udpChecksum(b) || 0xffff);
  return b;
}

/** The UDP checksum over the pseudo-header, header (checksum field as found) and payload. */
function udpChecksum(b: Uint8Array): number {
  const ip = ETH_HLEN;
  const udp = ip + IP_HLEN;
  const udpLen = get16(b, udp + 4);
  let sum = csum(b, ip + 12, ip + 20);
  sum += 17 + udpLen;
  return ~csum(b, udp, udp + udpLen, sum) & 0xffff;
}

export interface SinkStats {
  /** Frames addressed to this interface (or broadcast) that reached it. */
  frames: number;
  bytes: number;
  /** Frames whose IP or UDP checksum, or pktgen magic, did not verify. */
  bad: number;
  /** Sequence numbers that arrived out of order or twice. */
  outOfOrder: number;
  /** FNV-1a over every good payload in arrival order. */
  digest: string;
  /** Frames for another address that a flooding bridge delivered too (eth_type_trans: PACKET_OTHERHOST, dropped). */
  otherHost: number;
}

/** The receiving end of one or more pktgen flows, as counted at one interface with address `mac`. */
export class PktgenSink {
  readonly stats: SinkStats = { frames: 0, bytes: 0, bad: 0, outOfOrder: 0, digest: '', otherHost: 0 };
  private readonly mac: string;

  constructor(mac: string) {
    this.mac = mac.toLowerCase();
  }
  private hash = 0x811c9dc5;
  private readonly lastSeq = new Map<string, number>();

  receive(frame: Uint8Array): void {
    if (!(frame[0] & 1) && macText(frame, 0) !== this.mac) {
      this.stats.otherHost++;
      return;
    }
    this.stats.frames++;
    this.stats.bytes += frame.length;
    const ip = ETH_HLEN;
    const ok = frame.length >= ETH_HLEN + IP_HLEN + UDP_HLEN + 8 && get16(frame, 12) === 0x0800 && csum(frame, ip, ip + IP_HLEN) === 0xffff && udpChecksum(frame) === 0 && get32(frame, ip + IP_HLEN + UDP_HLEN) === PKTGEN_MAGIC;
    if (!ok) {
      this.stats.bad++;
      return;
    }
    const src = macText(frame, 6);
    const seq = get32(frame, ip + IP_HLEN + UDP_HLEN + 4);
    if ((this.lastSeq.get(src) ?? -1) + 1 !== seq) this.stats.outOfOrder++;
    this.lastSeq.set(src, seq);
    for (let i = ip + IP_HLEN + UDP_HLEN; i < frame.length; i++) this.hash = Math.imul(this.hash ^ frame[i], 0x01000193) >>> 0;
    this.stats.digest = this.hash.toString(16).padStart(8, '0');
  }
}

/** One pktgen thread: `count` frames of one flow, one every `intervalNs`; a refused frame is retried next tick. */
export class PktgenSender {
  sent = 0;
  private readonly timer: Timer;
  private spec?: { count: number; intervalNs: number; payloadLen: number };

  constructor(
    scope: Scope,
    private readonly flow: PktgenFlow,
    /** dev_queue_xmit on the sending interface: false when its queue is stopped. */
    private readonly xmit: (frame: Uint8Array) => boolean,
    /** The payload bytes after pktgen's header: the sender's seeded stream. */
    private readonly fill: (seq: number, i: number) => number,
  ) {
    this.timer = scope.timer('pktgen', () => this.tick());
  }

  start(spec: { count: number; intervalNs: number; payloadLen: number }): void {
    this.spec = spec;
    this.timer.armIn(0);
  }

  get done(): boolean {
    return !!this.spec && this.sent >= this.spec.count;
  }

  private tick(): void {
    const s = this.spec!;
    if (this.sent >= s.count) return;
    const seq = this.sent;
    if (this.xmit(pktgenFrame(this.flow, seq, s.payloadLen, (i) => this.fill(seq, i)))) this.sent++;
    if (this.sent < s.count) this.timer.armIn(s.intervalNs);
  }
}
