/**
 * A full-duplex 1000BASE-T cable between two MACs (an E1000 port and its link partner).
 *
 * Each direction is a channel that carries one frame at a time: a frame handed to an idle
 * channel occupies it for preamble + frame (8 ns per byte at 1 Gb/s), arrives at the far end
 * `propagationNs` after its last bit left (≈5 ns per metre of cable), and the channel takes the
 * next frame only after the 12-byte inter-frame gap. Senders queue in their own FIFOs and are
 * told when the channel is free again, so line rate is what the physics allows, not a constant.
 */
import { defineTrace, type Engine, type Timer, type Tracer } from '../../engine/index.ts';
import { copyBytes, frameWireNs, PrefixViews, GIGABIT_NS_PER_BYTE, IFG_BYTES, MAX_JUMBO_FRAME_BYTES } from './ethernet.ts';
import { bytesToHex, hexToBytes } from '../../../src-shared/units/bytes.ts';

export interface EthernetEndpoint {
  /**
   * A whole frame (FCS included) has been received: its last bit has arrived. `fcsKnownGood`
   * says the sending MAC computed the FCS over exactly these bytes and the cable did not alter
   * them, so a receiver may skip recomputing it (the outcome of the check is already known).
   */
  frameReceived(frame: Uint8Array, len: number, fcsKnownGood: boolean): void;
  /** The transmit channel of this end is free again (previous frame and gap are over). */
  transmitReady(): void;
  /** Carrier appeared or vanished (cable plugged, link partner powered). */
  linkChanged(up: boolean): void;
}

export const ethFrameTrace = defineTrace<{ wire: string; dir: string; len: number }>('eth.frame', (f) => `${f.wire} ${f.dir} frame of ${f.len} bytes delivered`);
export const ethCarrierTrace = defineTrace<{ wire: string; up: boolean }>('eth.carrier', (f) => `${f.wire} carrier ${f.up ? 'up' : 'down'}`);

export interface ChannelState {
  /** The channel is carrying a frame or its gap. */
  busy: boolean;
  /** A frame is on its way and not yet delivered: its bytes as hex. */
  inFlight: string;
  fcsKnownGood: boolean;
  framesCarried: number;
}

/** One direction of the cable. */
class Channel {
  readonly buf = new Uint8Array(MAX_JUMBO_FRAME_BYTES);
  len = 0;
  fcsKnownGood = false;
  private readonly views = new PrefixViews();
  busy = false;
  inFlight = false;
  framesCarried = 0;
  readonly arrive: Timer;
  readonly free: Timer;

  constructor(
    readonly label: string,
    private readonly wire: EthernetWire,
    private readonly from: WireEnd,
    private readonly to: WireEnd,
  ) {
    this.arrive = wire.engine.timer(`${label}.arrive`, () => this.deliver());
    this.free = wire.engine.timer(`${label}.free`, () => this.release());
  }

  send(frame: Uint8Array, offset: number, len: number, fcsKnownGood: boolean): void {
    if (offset === 0) this.buf.set(this.views.of(frame, len));
    else copyBytes(this.buf, 0, frame, offset, len);
    this.len = len;
    this.fcsKnownGood = fcsKnownGood;
    this.busy = true;
    this.inFlight = true;
    const now = this.wire.engine.now;
    const onWire = frameWireNs(len, this.wire.nsPerByte);
    this.arrive.armAt(now + onWire + this.wire.propagationNs);
    this.free.armAt(now + onWire + IFG_BYTES * this.wire.nsPerByte);
  }

  private deliver(): void {
    this.inFlight = false;
    this.framesCarried++;
    if (!this.wire.carrier) return;
    if (this.wire.tracer.active) this.wire.tracer.emit(ethFrameTrace, { wire: this.wire.id, dir: this.label, len: this.len });
    this.to.endpoint?.frameReceived(this.buf, this.len, this.fcsKnownGood);
  }

  private release(): void {
    this.busy = false;
    this.from.endpoint?.transmitReady();
  }

  save(): ChannelState {
    const hex = this.inFlight ? bytesToHex(this.buf.subarray(0, this.len)) : '';
    return { busy: this.busy, inFlight: hex, fcsKnownGood: this.fcsKnownGood, framesCarried: this.framesCarried };
  }

  restore(s: ChannelState): void {
    this.busy = s.busy;
    this.inFlight = s.inFlight.length > 0;
    this.fcsKnownGood = s.fcsKnownGood;
    const bytes = hexToBytes(s.inFlight, 'wire snapshot: inFlight');
    this.len = bytes.length;
    this.buf.set(bytes);
    this.framesCarried = s.framesCarried;
  }
}

/** One end of the cable, where a MAC plugs in. */
export class WireEnd {
  endpoint: EthernetEndpoint | undefined;
  /** Set by the wire: the channel this end transmits on. */
  tx!: Channel;

  constructor(
    readonly wire: EthernetWire,
    readonly name: string,
  ) {}

  attach(endpoint: EthernetEndpoint): void {
    this.endpoint = endpoint;
  }

  get linkUp(): boolean {
    return this.wire.carrier;
  }

  /** Whether a frame handed over now would start at once. */
  get canTransmit(): boolean {
    return this.wire.carrier && !this.tx.busy;
  }

  /**
   * Starts sending `frame[offset, offset+len)` (FCS included). Returns false, sending nothing, when the
   * channel is still busy or there is no carrier; the sender waits for `transmitReady`.
   * `fcsKnownGood`: the sender computed the FCS itself (see EthernetEndpoint.frameReceived).
   */
  transmit(frame: Uint8Array, len: number, fcsKnownGood = false, offset = 0): boolean {
    if (!this.canTransmit) return false;
    if (len > MAX_JUMBO_FRAME_BYTES) throw new RangeError(`frame of ${len} bytes is larger than any 8257x sends`);
    this.tx.send(frame, offset, len, fcsKnownGood);
    return true;
  }

  get framesSent(): number {
    return this.tx.framesCarried;
  }
}

export interface EthernetWireOptions {
  /** ns per byte: 8 at 1000 Mb/s. */
  nsPerByte?: number;
  /** Signal propagation along the cable; at most the inter-frame gap (≈19 m of copper). */
  propagationNs?: number;
}

export interface EthernetWireState {
  version: 1;
  carrier: boolean;
  aToB: ChannelState;
  bToA: ChannelState;
}

export class EthernetWire {
  readonly a: WireEnd;
  readonly b: WireEnd;
  readonly nsPerByte: number;
  readonly propagationNs: number;
  carrier = true;
  private readonly aToB: Channel;
  private readonly bToA: Channel;

  constructor(
    readonly engine: Engine,
    readonly tracer: Tracer,
    readonly id: string,
    opts: EthernetWireOptions = {},
  ) {
    this.nsPerByte = opts.nsPerByte ?? GIGABIT_NS_PER_BYTE;
    this.propagationNs = opts.propagationNs ?? 5;
    // One frame in flight per direction keeps delivery simple; it holds while the cable is
    // shorter than the gap is long (96 ns ≈ 19 m), which every desk-side setup is.
    if (!Number.isInteger(this.propagationNs) || this.propagationNs < 0 || this.propagationNs > IFG_BYTES * this.nsPerByte) {
      throw new RangeError(`propagation delay ${this.propagationNs} ns must be an integer in 0..${IFG_BYTES * this.nsPerByte}`);
    }
    this.a = new WireEnd(this, 'a');
    this.b = new WireEnd(this, 'b');
    this.aToB = new Channel(`${id}.a_to_b`, this, this.a, this.b);
    this.bToA = new Channel(`${id}.b_to_a`, this, this.b, this.a);
    this.a.tx = this.aToB;
    this.b.tx = this.bToA;
  }

  /** Plugs or unplugs the cable; both ends see the carrier change. */
  setCarrier(up: boolean): void {
    if (up === this.carrier) return;
    this.carrier = up;
    this.tracer.emit(ethCarrierTrace, { wire: this.id, up });
    this.a.endpoint?.linkChanged(up);
    this.b.endpoint?.linkChanged(up);
  }

  save(): EthernetWireState {
    return { version: 1, carrier: this.carrier, aToB: this.aToB.save(), bToA: this.bToA.save() };
  }

  restore(s: EthernetWireState): void {
    if (s.version !== 1) throw new Error(`${this.id}: snapshot version ${s.version}, this build reads version 1`);
    this.carrier = s.carrier;
    this.aToB.restore(s.aToB);
    this.bToA.restore(s.bToA);
  }
}
