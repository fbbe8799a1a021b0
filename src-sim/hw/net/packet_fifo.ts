/**
 * A packet buffer: frames queued in a fixed number of bytes, first in first out. It models the
 * on-chip packet buffer of an 8257x (PBA splits 64 KiB between the RX and TX FIFOs: 82571/82572
 * reset to 48 KiB RX / 16 KiB TX) and a link partner's transmit queue.
 *
 * Storage is one preallocated byte ring plus a ring of frame lengths, so queueing and dequeueing
 * a frame copies bytes but allocates nothing.
 */
import { copyBytes } from './ethernet.ts';
import { bytesToHex, hexToBytes } from '../../../src-shared/units/bytes.ts';

export interface PacketFifoState {
  version: 1;
  /** Queued frames, oldest first, as hex. */
  frames: string[];
  /** One small tag per frame (e.g. "FCS computed by this MAC"), same order. */
  tags: number[];
}

export class PacketFifo {
  private readonly data: Uint8Array;
  private readonly lengths: Uint32Array;
  private readonly tags: Uint8Array;
  private firstFrame = 0;
  private frameCount = 0;
  private readAt = 0;
  private bytesUsed = 0;

  constructor(
    readonly capacityBytes: number,
    readonly maxFrames = 1024,
  ) {
    this.data = new Uint8Array(capacityBytes);
    this.lengths = new Uint32Array(maxFrames);
    this.tags = new Uint8Array(maxFrames);
  }

  get count(): number {
    return this.frameCount;
  }

  get usedBytes(): number {
    return this.bytesUsed;
  }

  get freeBytes(): number {
    return this.capacityBytes - this.bytesUsed;
  }

  canFit(len: number): boolean {
    return this.frameCount < this.maxFrames && this.bytesUsed + len <= this.capacityBytes;
  }

  /** Queues a copy of `src[0, len)` with a tag; false (nothing queued) when it does not fit. */
  push(src: Uint8Array, len: number, tag = 0): boolean {
    if (!this.canFit(len)) return false;
    const at = (this.readAt + this.bytesUsed) % this.capacityBytes;
    const first = Math.min(len, this.capacityBytes - at);
    copyBytes(this.data, at, src, 0, first);
    if (first < len) copyBytes(this.data, 0, src, first, len - first);
    const slot = (this.firstFrame + this.frameCount) % this.maxFrames;
    this.lengths[slot] = len;
    this.tags[slot] = tag;
    this.frameCount++;
    this.bytesUsed += len;
    return true;
  }

  /** Length of the oldest frame, or -1 when empty. */
  frontLength(): number {
    return this.frameCount === 0 ? -1 : this.lengths[this.firstFrame];
  }

  /** The ring's bytes, for a reader that copies a contiguous front frame out in place. */
  get storage(): Uint8Array {
    return this.data;
  }

  /** Offset in `storage` of the oldest frame when it does not wrap around the ring, else −1. */
  frontContiguousOffset(): number {
    const len = this.frontLength();
    return len >= 0 && this.readAt + len <= this.capacityBytes ? this.readAt : -1;
  }

  /** Tag of the oldest frame (0 when empty). */
  frontTag(): number {
    return this.frameCount === 0 ? 0 : this.tags[this.firstFrame];
  }

  /** Copies the oldest frame to `dst` (which must be large enough) without removing it. */
  peekInto(dst: Uint8Array): number {
    const len = this.frontLength();
    if (len < 0) return -1;
    const first = Math.min(len, this.capacityBytes - this.readAt);
    copyBytes(dst, 0, this.data, this.readAt, first);
    if (first < len) copyBytes(dst, first, this.data, 0, len - first);
    return len;
  }

  /** Drops the oldest frame. */
  shift(): void {
    if (this.frameCount === 0) return;
    const len = this.lengths[this.firstFrame];
    this.readAt = (this.readAt + len) % this.capacityBytes;
    this.bytesUsed -= len;
    this.firstFrame = (this.firstFrame + 1) % this.maxFrames;
    this.frameCount--;
  }

  /** Removes the oldest frame into `dst`; returns its length or -1 when empty. */
  popInto(dst: Uint8Array): number {
    const len = this.peekInto(dst);
    if (len >= 0) this.shift();
    return len;
  }

  clear(): void {
    this.firstFrame = 0;
    this.frameCount = 0;
    this.readAt = 0;
    this.bytesUsed = 0;
  }

  save(): PacketFifoState {
    const frames: string[] = [];
    const tags: number[] = [];
    let at = this.readAt;
    for (let i = 0; i < this.frameCount; i++) {
      const len = this.lengths[(this.firstFrame + i) % this.maxFrames];
      tags.push(this.tags[(this.firstFrame + i) % this.maxFrames]);
      const frame = new Uint8Array(len);
      for (let k = 0; k < len; k++) frame[k] = this.data[(at + k) % this.capacityBytes];
      frames.push(bytesToHex(frame));
      at = (at + len) % this.capacityBytes;
    }
    return { version: 1, frames, tags };
  }

  restore(s: PacketFifoState): void {
    if (s.version !== 1) throw new Error(`packet FIFO snapshot version ${s.version} is not 1`);
    this.clear();
    for (const [i, hex] of s.frames.entries()) {
      const bytes = hexToBytes(hex, `packet FIFO snapshot: frames[${i}]`);
      if (!this.push(bytes, bytes.length, s.tags[i] ?? 0)) throw new Error(`packet FIFO snapshot holds more than ${this.capacityBytes} bytes`);
    }
  }
}
