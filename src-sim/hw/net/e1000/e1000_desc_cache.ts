/**
 * The on-chip descriptor cache of an 8257x queue (the prefetch that TXDCTL/RXDCTL PTHRESH and
 * HTHRESH tune): descriptors the hardware owns, [head, tail), are fetched in bursts of up to 16
 * with one DMA read each, and consumed from the cache. Software may not touch descriptors it
 * has handed to the hardware, so the copy stays coherent; writes to the ring's base, length or
 * head registers, and reset, drop it.
 */
import type { E1000Core } from './e1000_core.ts';
import { ringSpace } from './e1000x_common.ts';
import { DESC_BYTES } from './e1000x_regs.ts';
import { bytesToHex, hexToBytes } from '../../../../src-shared/units/bytes.ts';

const BURST = 16;

export interface DescriptorCacheState {
  /** Ring index of the first cached descriptor. */
  index: number;
  /** Cached descriptors, in ring order, as hex. */
  bytes: string;
}

export class DescriptorCache {
  readonly bytes = new Uint8Array(BURST * DESC_BYTES);
  readonly view = new DataView(this.bytes.buffer);
  /** views[n]: the first n descriptors, made once so a fetch allocates nothing. */
  private readonly views = Array.from({ length: BURST + 1 }, (_, n) => this.bytes.subarray(0, n * DESC_BYTES));
  private index = 0;
  private slot = 0;
  private count = 0;

  constructor(
    private readonly core: E1000Core,
    private readonly what: string,
  ) {}

  /**
   * Byte offset in `bytes` of ring slot `h`'s descriptor, fetching a burst [h, …) up to the tail
   * or the end of the ring when it is not cached; −1 when the bus refused the fetch.
   */
  lookup(base: number, h: number, tail: number, ringCount: number): number {
    if (this.count === 0 || this.index !== h) {
      const n = Math.min(BURST, ringSpace(h, tail, ringCount), ringCount - h);
      const addr = base + h * DESC_BYTES;
      const st = this.core.dma.read(addr, this.views[n]);
      if (st !== 'ok') {
        this.core.dmaFailed(this.what, addr, st);
        this.invalidate();
        return -1;
      }
      this.index = h;
      this.slot = 0;
      this.count = n;
    }
    return this.slot * DESC_BYTES;
  }

  /** The descriptor returned by the last lookup (ring slot h) has been consumed. */
  consume(h: number, ringCount: number): void {
    this.slot++;
    this.count--;
    this.index = h + 1 === ringCount ? 0 : h + 1;
  }

  invalidate(): void {
    this.count = 0;
    this.slot = 0;
  }

  save(): DescriptorCacheState {
    const from = this.slot * DESC_BYTES;
    return { index: this.index, bytes: bytesToHex(this.bytes.subarray(from, from + this.count * DESC_BYTES)) };
  }

  restore(s: DescriptorCacheState): void {
    this.index = s.index;
    this.slot = 0;
    const bytes = hexToBytes(s.bytes, 'descriptor cache snapshot: bytes');
    if (bytes.length % DESC_BYTES || bytes.length > this.bytes.length) throw new Error(`descriptor cache snapshot: ${bytes.length} bytes is not a whole number of descriptors that fit`);
    this.count = bytes.length / DESC_BYTES;
    this.bytes.set(bytes);
  }
}
