/**
 * E1000 receive path: wire → RX packet buffer → descriptor ring (QEMU hw/net/e1000.c
 * e1000_receive_iov / e1000x_rx_ready / e1000x_is_oversized, with the 8257x packet buffer that
 * QEMU leaves to its net queue).
 *
 * A frame arriving from the wire is checked (FCS, size, address filter), counted, and queued in
 * the RX share of the packet buffer (PBA.RXA KiB); when that is full the frame is missed (MPC,
 * ICR.RXO). The DMA engine moves queued frames into the buffers of descriptors [RDH, RDT),
 * writes back length and DD/EOP status, advances RDH and raises RXT0 (after RDTR/RADV when
 * they are set) and RXDMT0 when free descriptors fall to the RCTL.RDMTS threshold.
 */
import type { Timer } from '../../../engine/index.ts';
import { FCS_BYTES, fcsValid, PrefixViews, MAX_JUMBO_FRAME_BYTES, MIN_FRAME_BYTES } from '../ethernet.ts';
import { PacketFifo, type PacketFifoState } from '../packet_fifo.ts';
import { DescriptorCache, type DescriptorCacheState } from './e1000_desc_cache.ts';
import { bumpStat, bumpStat64, e1000DmaBlocked, e1000RxDrop, e1000RxFrame, type E1000Core } from './e1000_core.ts';
import { ringSpace, rxBufSize, rxDescMinThresholdHit, rxFilter, rxMaxFrame, sizeBucket } from './e1000x_common.ts';
import * as R from './e1000x_regs.ts';

export interface E1000RxState {
  fifo: PacketFifoState;
  descriptors: DescriptorCacheState;
}

const PACKET_BUFFER_BYTES = 64 * 1024;

export class E1000Rx {
  private readonly fifo = new PacketFifo(PACKET_BUFFER_BYTES);
  private readonly frame = new Uint8Array(MAX_JUMBO_FRAME_BYTES);
  private readonly descriptors: DescriptorCache;
  private readonly wb = new Uint8Array(8);
  private readonly rdtr: Timer;
  private readonly radv: Timer;
  private readonly raw32: (offset: number) => number;
  private draining = false;
  private readonly views = new PrefixViews();

  constructor(private readonly core: E1000Core) {
    this.descriptors = new DescriptorCache(core, 'RX descriptor fetch');
    this.rdtr = core.scope.timer('rdtr', () => this.delayedRxt0());
    this.radv = core.scope.timer('radv', () => this.delayedRxt0());
    this.raw32 = (offset) => core.regs.raw32(offset);
  }

  /** RX share of the 64 KiB packet buffer: PBA.RXA KiB. */
  private fifoLimit(): number {
    return Math.min(PACKET_BUFFER_BYTES, (this.core.regs.raw32(R.PBA) & 0xffff) * 1024);
  }

  /** A frame (FCS included) has arrived from the wire; see EthernetEndpoint for the FCS hint. */
  frameArrived(frame: Uint8Array, len: number, fcsKnownGood = false): void {
    const core = this.core;
    const regs = core.regs;
    const rctl = regs.raw32(R.RCTL);
    if ((rctl & R.RCTL_EN) === 0) return this.drop(len, 'receiver disabled');
    if (!fcsKnownGood && !fcsValid(frame, len) && (rctl & R.RCTL_SBP) === 0) {
      bumpStat(regs, R.CRCERRS);
      return this.drop(len, 'bad FCS');
    }
    if (len < MIN_FRAME_BYTES) {
      bumpStat(regs, R.RUC);
      return this.drop(len, 'undersize');
    }
    if (len > rxMaxFrame(rctl)) {
      bumpStat(regs, R.ROC);
      return this.drop(len, 'oversize');
    }
    const cls = rxFilter(frame, rctl, this.raw32);
    if (cls === null) return this.drop(len, 'address filter');
    if (regs.raw32(R.RDH) === regs.raw32(R.RDT)) bumpStat(regs, R.RNBC);
    // With nothing queued ahead of it the frame goes straight to host memory; otherwise it
    // waits in the packet buffer behind the others (or is missed when that is full).
    const direct = this.fifo.count === 0 && !this.draining ? this.deliverOne(frame, len) : -1;
    if (direct < 0 && (this.fifo.usedBytes + len > this.fifoLimit() || !this.fifo.push(frame, len))) {
      bumpStat(regs, R.MPC);
      core.setCause(R.ICR_RXO);
      return this.drop(len, 'RX packet buffer full');
    }
    bumpStat(regs, R.GPRC);
    bumpStat(regs, R.TPR);
    bumpStat64(regs, R.GORCL, len);
    bumpStat64(regs, R.TORL, len);
    bumpStat(regs, R.PRC64 + 4 * sizeBucket(len));
    if (cls !== 'unicast') bumpStat(regs, cls === 'broadcast' ? R.BPRC : R.MPRC);
    if (direct > 0) core.setCause(direct);
  }

  private drop(len: number, reason: string): void {
    this.core.frames.rxDropped++;
    if (this.core.tracer.active) this.core.tracer.emit(e1000RxDrop, { dev: this.core.id, len, reason });
  }

  /**
   * Moves queued frames into host buffers while descriptors are available (RDT written, RCTL
   * enabled, bus mastering allowed). Re-entrant calls (an interrupt handler writing RDT) are
   * folded into the running loop.
   */
  drain(): void {
    if (this.draining || this.fifo.count === 0) return;
    this.draining = true;
    let cause: number;
    try {
      cause = this.drainLoop();
    } finally {
      this.draining = false;
    }
    if (cause) this.core.setCause(cause);
  }

  private drainLoop(): number {
    let cause = 0;
    while (this.fifo.count > 0) {
      const len = this.fifo.peekInto(this.frame);
      const c = this.deliverOne(this.frame, len);
      if (c < 0) break;
      this.fifo.shift();
      cause |= c;
    }
    return cause;
  }

  /**
   * Writes one frame (`len` bytes with FCS) into the ring if the receiver is enabled, enough
   * descriptors are free and DMA is allowed. Returns the causes to raise (≥ 0) or −1 when the
   * frame must wait.
   */
  private deliverOne(src: Uint8Array, len: number): number {
    const core = this.core;
    const regs = core.regs;
    const rctl = regs.raw32(R.RCTL);
    const count = regs.raw32(R.RDLEN) >>> 4;
    const head = regs.raw32(R.RDH);
    const tail = regs.raw32(R.RDT);
    if ((rctl & R.RCTL_EN) === 0 || count === 0 || head >= count || tail >= count) return -1;
    const bufSize = rxBufSize(rctl);
    const stored = len - (rctl & R.RCTL_SECRC ? FCS_BYTES : 0);
    const needed = Math.max(1, Math.ceil(stored / bufSize));
    if (ringSpace(head, tail, count) < needed) return -1; // wait for the driver to move RDT
    if (!core.dmaAllowed()) {
      core.tracer.emit(e1000DmaBlocked, { dev: core.id, what: 'RX frame' });
      return -1;
    }
    const newHead = this.writeFrame(src, stored, bufSize, head, tail, count);
    if (newHead < 0) return -1;
    regs.setRaw32(R.RDH, newHead);
    let cause = this.rxt0Cause();
    if (rxDescMinThresholdHit(ringSpace(newHead, tail, count), regs.raw32(R.RDLEN), rctl)) cause |= R.ICR_RXDMT0;
    core.frames.rx++;
    core.frames.rxBytes += len;
    if (core.tracer.active) core.tracer.emit(e1000RxFrame, { dev: core.id, len: stored, descs: needed, head: newHead });
    return cause;
  }

  /**
   * DMAs `src[0, stored)` (the frame, CRC stripped or not) into consecutive descriptors'
   * buffers and writes each one back. Returns the new head, or −1 if a descriptor fetch failed
   * (the frame stays queued and the ring stalls there).
   */
  private writeFrame(src: Uint8Array, stored: number, bufSize: number, head: number, tail: number, count: number): number {
    const core = this.core;
    const regs = core.regs;
    const base = regs.raw32(R.RDBAH) * 0x1_0000_0000 + regs.raw32(R.RDBAL);
    let done = 0;
    let h = head;
    do {
      const descAddr = base + h * R.DESC_BYTES;
      const at = this.descriptors.lookup(base, h, tail, count);
      if (at < 0) return -1;
      const v = this.descriptors.view;
      const bufAddr = v.getUint32(at, true) + v.getUint32(at + 4, true) * 0x1_0000_0000;
      this.descriptors.consume(h, count);
      const n = Math.min(bufSize, stored - done);
      // Buffer and write-back are posted writes: a refused one is reported, the device goes on.
      const ws = core.dma.write(bufAddr, done === 0 ? this.views.of(src, n) : src.subarray(done, done + n));
      if (ws !== 'ok') core.dmaFailed('RX buffer write', bufAddr, ws);
      done += n;
      this.writeBack(descAddr, n, done >= stored);
      h = h + 1 === count ? 0 : h + 1;
    } while (done < stored);
    return h;
  }

  /** The ring moved under the descriptor cache (RDBAL/RDBAH/RDLEN/RDH written): drop it. */
  invalidateCache(): void {
    this.descriptors.invalidate();
  }

  /** Length, checksum 0, status DD (+EOP on the last, IXSM: no checksum offload), no errors. */
  private writeBack(descAddr: number, len: number, last: boolean): void {
    const wb = this.wb;
    wb[0] = len & 0xff;
    wb[1] = len >>> 8;
    wb[2] = 0;
    wb[3] = 0;
    wb[4] = R.RXD_STA_DD | R.RXD_STA_IXSM | (last ? R.RXD_STA_EOP : 0);
    wb[5] = 0;
    wb[6] = 0;
    wb[7] = 0;
    const st = this.core.dma.write(descAddr + 8, wb);
    if (st !== 'ok') this.core.dmaFailed('RX descriptor write-back', descAddr + 8, st);
  }

  /** RXT0 now, or once the RDTR packet timer / RADV absolute timer expires. */
  private rxt0Cause(): number {
    const regs = this.core.regs;
    const rdtr = regs.raw32(R.RDTR) & 0xffff;
    if (rdtr === 0) return R.ICR_RXT0;
    this.rdtr.armIn(rdtr * R.DELAY_UNIT_NS);
    const radv = regs.raw32(R.RADV) & 0xffff;
    if (radv && !this.radv.armed) this.radv.armIn(radv * R.DELAY_UNIT_NS);
    return 0;
  }

  private delayedRxt0(): void {
    this.rdtr.cancel();
    this.radv.cancel();
    this.core.setCause(R.ICR_RXT0);
  }

  /** RDTR written with FPD: a pending delayed RXT0 fires now. */
  flushPendingDelay(): void {
    if (this.rdtr.armed || this.radv.armed) this.delayedRxt0();
  }

  reset(): void {
    this.fifo.clear();
    this.invalidateCache();
    this.rdtr.cancel();
    this.radv.cancel();
  }

  get queuedFrames(): number {
    return this.fifo.count;
  }

  save(): E1000RxState {
    return { fifo: this.fifo.save(), descriptors: this.descriptors.save() };
  }

  restore(s: E1000RxState): void {
    this.fifo.restore(s.fifo);
    this.descriptors.restore(s.descriptors);
  }
}
