/**
 * The host at the other end of the E1000's cable: a MAC with a transmit queue, a traffic
 * generator that sends numbered frames at a chosen rate (or as fast as the wire allows), and a
 * sink that counts and checks what arrives. It stands in for the 2007 test's peer machine (the
 * scp client/server) and is deterministic: frame contents and send times depend only on the
 * stream parameters and virtual time.
 */
import { checkVersion, defineTrace, NS_PER_S, type Engine, type Ns, type Timer, type Tracer } from '../../engine/index.ts';
import { appendFcs, copyBytes, ETH_HEADER_BYTES, FCS_BYTES, fcsValid, formatMac, MAX_JUMBO_FRAME_BYTES, MIN_FRAME_BYTES, parseMac } from './ethernet.ts';
import type { EthernetEndpoint, WireEnd } from './ethernet_wire.ts';
import { PacketFifo, type PacketFifoState } from './packet_fifo.ts';

/** Byte k is k mod 256: stream payload byte i of frame `seq` is (seq + i) mod 256, copied from here. */
const PATTERN = Uint8Array.from({ length: 256 + MAX_JUMBO_FRAME_BYTES }, (_, k) => k & 0xff);

/** IEEE 802 "local experimental" EtherType: test traffic no stack will mistake for IP. */
export const ETHERTYPE_EXPERIMENTAL = 0x88b5;

export const partnerStreamTrace = defineTrace<{ partner: string; event: string; count: number }>('link_partner.stream', (f) => `${f.partner} stream ${f.event} (${f.count} frames)`);
export const partnerDropTrace = defineTrace<{ partner: string; len: number }>('link_partner.tx_drop', (f) => `${f.partner} transmit queue full, ${f.len}-byte frame dropped`);

export interface StreamSpec {
  /** Destination MAC, "aa:bb:cc:dd:ee:ff". */
  dst: string;
  /** Frames to send. */
  count: number;
  /** Bytes after the 14-byte header (46–1500 for a normal frame; less is padded). */
  payloadBytes: number;
  /** Offered rate; omitted = back to back at line rate. */
  framesPerSecond?: number;
  etherType?: number;
}

export interface LinkPartnerCounters {
  framesReceived: number;
  /** Octets received, destination address through FCS (as the E1000 GORC counts them). */
  octetsReceived: number;
  badFcs: number;
  framesSent: number;
  txDropped: number;
  firstReceivedAt: Ns;
  lastReceivedAt: Ns;
}

export interface LinkPartnerState {
  version: 1;
  queue: PacketFifoState;
  stream: (StreamSpec & { sent: number; startedAt: Ns }) | null;
  counters: LinkPartnerCounters;
}

const zeroCounters = (): LinkPartnerCounters => ({ framesReceived: 0, octetsReceived: 0, badFcs: 0, framesSent: 0, txDropped: 0, firstReceivedAt: -1, lastReceivedAt: -1 });

export class LinkPartner implements EthernetEndpoint {
  readonly mac: Uint8Array;
  counters: LinkPartnerCounters = zeroCounters();
  /** Wiring for workloads and tests (not saved): sees every good frame as it arrives. */
  onFrame?: (frame: Uint8Array, len: number, at: Ns) => void;
  private readonly queue: PacketFifo;
  private readonly scratch = new Uint8Array(MAX_JUMBO_FRAME_BYTES);
  private readonly streamDst = new Uint8Array(6);
  private stream: (StreamSpec & { sent: number; startedAt: Ns }) | null = null;
  private readonly gen: Timer;

  constructor(
    private readonly engine: Engine,
    private readonly tracer: Tracer,
    readonly id: string,
    mac: string,
    private readonly end: WireEnd,
    queueBytes = 64 * 1024,
  ) {
    const m = parseMac(mac);
    if (!m) throw new Error(`${id}: "${mac}" is not a MAC address`);
    this.mac = m;
    this.queue = new PacketFifo(queueBytes);
    this.gen = engine.timer(`${id}.gen`, () => this.generateDue());
    end.attach(this);
  }

  get macText(): string {
    return formatMac(this.mac);
  }

  get queuedFrames(): number {
    return this.queue.count;
  }

  // ---- transmit ------------------------------------------------------------------------------

  /**
   * Queues `frame[0, len)` (header + payload, no FCS) for sending: the MAC pads it to the
   * 64-byte minimum and appends the FCS. Returns false when the queue is full (frame dropped).
   */
  send(frame: Uint8Array, len: number): boolean {
    const buf = this.scratch;
    if (buf !== frame) buf.set(frame.subarray(0, len));
    const padded = Math.max(len, MIN_FRAME_BYTES - FCS_BYTES);
    buf.fill(0, len, padded);
    const total = appendFcs(buf, padded);
    if (this.queue.count === 0 && this.end.canTransmit) {
      this.end.transmit(buf, total, true); // the wire copies it; the queue is only for waiting frames
      this.counters.framesSent++;
      return true;
    }
    if (!this.queue.push(buf, total)) {
      this.counters.txDropped++;
      this.tracer.emit(partnerDropTrace, { partner: this.id, len: total });
      return false;
    }
    this.pump();
    return true;
  }

  /** Starts a numbered stream; replaces any stream still running. */
  startStream(spec: StreamSpec): void {
    const dst = parseMac(spec.dst);
    if (!dst) throw new Error(`${this.id}: stream destination "${spec.dst}" is not a MAC address`);
    if (spec.framesPerSecond !== undefined && !(spec.framesPerSecond > 0)) throw new RangeError(`${this.id}: frame rate must be positive`);
    this.streamDst.set(dst);
    this.stream = { ...spec, sent: 0, startedAt: this.engine.now };
    this.tracer.emit(partnerStreamTrace, { partner: this.id, event: 'start', count: spec.count });
    if (spec.framesPerSecond === undefined) this.pump();
    else this.gen.armAt(this.engine.now);
  }

  stopStream(): void {
    if (!this.stream) return;
    this.tracer.emit(partnerStreamTrace, { partner: this.id, event: 'stop', count: this.stream.sent });
    this.stream = null;
    this.gen.cancel();
  }

  get streamSent(): number {
    return this.stream?.sent ?? 0;
  }

  /** Builds frame `seq` of the stream in `scratch`: header, 4-byte sequence number, pattern. */
  private buildStreamFrame(seq: number): number {
    const s = this.stream!;
    const buf = this.scratch;
    buf.set(this.streamDst, 0);
    buf.set(this.mac, 6);
    const type = s.etherType ?? ETHERTYPE_EXPERIMENTAL;
    buf[12] = type >>> 8;
    buf[13] = type & 0xff;
    const end = ETH_HEADER_BYTES + s.payloadBytes;
    copyBytes(buf, ETH_HEADER_BYTES, PATTERN, (seq + ETH_HEADER_BYTES) & 0xff, s.payloadBytes);
    if (s.payloadBytes >= 4) {
      buf[14] = seq >>> 24;
      buf[15] = (seq >>> 16) & 0xff;
      buf[16] = (seq >>> 8) & 0xff;
      buf[17] = seq & 0xff;
    }
    return end;
  }

  private nextStreamFrame(): void {
    const s = this.stream!;
    const len = this.buildStreamFrame(s.sent);
    s.sent++;
    this.send(this.scratch, len);
    if (s.sent >= s.count) {
      this.tracer.emit(partnerStreamTrace, { partner: this.id, event: 'done', count: s.sent });
      this.stream = null;
    }
  }

  /** Rate-paced stream: frame k is due at start + ⌊k · 10⁹ / rate⌋ ns. */
  private generateDue(): void {
    const s = this.stream;
    if (!s || s.framesPerSecond === undefined) return;
    this.nextStreamFrame();
    if (this.stream) this.gen.armAt(s.startedAt + Math.floor((s.sent * NS_PER_S) / s.framesPerSecond));
  }

  /** Hands the oldest queued frame to the wire when the channel is free. */
  private pump(): void {
    if (!this.end.canTransmit) return;
    if (this.queue.count === 0 && this.stream && this.stream.framesPerSecond === undefined) {
      this.nextStreamFrame();
      return; // nextStreamFrame → send → pump already transmitted it
    }
    const len = this.queue.popInto(this.scratch);
    if (len < 0) return;
    this.end.transmit(this.scratch, len, true);
    this.counters.framesSent++;
  }

  transmitReady(): void {
    this.pump();
  }

  // ---- receive -------------------------------------------------------------------------------

  frameReceived(frame: Uint8Array, len: number, fcsKnownGood: boolean): void {
    if (!fcsKnownGood && !fcsValid(frame, len)) {
      this.counters.badFcs++;
      return;
    }
    const c = this.counters;
    const now = this.engine.now;
    c.framesReceived++;
    c.octetsReceived += len;
    if (c.firstReceivedAt < 0) c.firstReceivedAt = now;
    c.lastReceivedAt = now;
    this.onFrame?.(frame, len, now);
  }

  linkChanged(up: boolean): void {
    if (up) this.pump();
  }

  // ---- snapshot ------------------------------------------------------------------------------

  save(): LinkPartnerState {
    return { version: 1, queue: this.queue.save(), stream: this.stream ? { ...this.stream } : null, counters: { ...this.counters } };
  }

  restore(s: LinkPartnerState): void {
    checkVersion(this.id, s, 1);
    this.queue.restore(s.queue);
    this.stream = s.stream ? { ...s.stream } : null;
    if (this.stream) this.streamDst.set(parseMac(this.stream.dst)!);
    this.counters = { ...s.counters };
  }
}
