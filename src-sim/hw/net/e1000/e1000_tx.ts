/**
 * E1000 transmit path: descriptor ring → TX packet buffer → wire (QEMU hw/net/e1000.c
 * start_xmit / process_tx_desc / txdesc_writeback / xmit_seg, reshaped around a real FIFO).
 *
 * Writing TDT (or enabling TCTL.EN) makes the DMA engine walk [TDH, TDT): it fetches each
 * descriptor, reads its buffer, writes DD back when RS asks for it, and on EOP finishes the
 * frame (pad to 64 bytes with TCTL.PSP, FCS with IFCS) into the TX FIFO. The FIFO drains onto
 * the wire one frame per free channel, so once it is full the ring is consumed at line rate.
 * A descriptor fetch or data read the bus refuses stalls the queue at that descriptor (TDH
 * stops), which is what a Linux driver then reports as "Detected Tx Unit Hang".
 */
import type { Timer } from '../../../engine/index.ts';
import { appendFcs, FCS_BYTES, PrefixViews, MAX_JUMBO_FRAME_BYTES, MIN_FRAME_BYTES } from '../ethernet.ts';
import type { WireEnd } from '../ethernet_wire.ts';
import { PacketFifo, type PacketFifoState } from '../packet_fifo.ts';
import { DescriptorCache, type DescriptorCacheState } from './e1000_desc_cache.ts';
import { bumpStat, bumpStat64, e1000DmaBlocked, e1000TxDesc, e1000TxFrame, e1000TxUnsupported, type E1000Core } from './e1000_core.ts';
import { sizeBucket } from './e1000x_common.ts';
import * as R from './e1000x_regs.ts';
import { bytesToHex, hexToBytes } from '../../../../src-shared/units/bytes.ts';

export interface E1000TxState {
  fifo: PacketFifoState;
  descriptors: DescriptorCacheState;
  /** Bytes of a frame whose EOP descriptor has not been seen yet, as hex. */
  partial: string;
  /** CMD of the first descriptor of the partial frame (IFCS is taken from it). */
  partialCmd: number;
}

const PACKET_BUFFER_BYTES = 64 * 1024;

export class E1000Tx {
  private readonly fifo = new PacketFifo(PACKET_BUFFER_BYTES);
  private readonly descriptors: DescriptorCache;
  private readonly wb = new Uint8Array(4);
  /** Frame being assembled from descriptors, with room for padding and FCS. */
  private readonly pkt = new Uint8Array(MAX_JUMBO_FRAME_BYTES + FCS_BYTES);
  private pktLen = 0;
  private pktCmd = 0;
  private readonly onWire = new Uint8Array(MAX_JUMBO_FRAME_BYTES + FCS_BYTES);
  private readonly tidv: Timer;
  private readonly tadv: Timer;
  wire: WireEnd | undefined;
  private running = false;
  private readonly views = new PrefixViews();

  constructor(private readonly core: E1000Core) {
    this.descriptors = new DescriptorCache(core, 'TX descriptor fetch');
    this.tidv = core.scope.timer('tidv', () => this.delayedTxdw());
    this.tadv = core.scope.timer('tadv', () => this.delayedTxdw());
  }

  /** TX share of the 64 KiB packet buffer (PBA.RXA is the RX share in KiB). */
  private fifoLimit(): number {
    return PACKET_BUFFER_BYTES - (this.core.regs.raw32(R.PBA) & 0xffff) * 1024;
  }

  /**
   * The doorbell: walk [TDH, TDT) while the FIFO has room. The causes are raised after the walk,
   * so a driver that reacts to the interrupt synchronously (and rings again) starts a fresh walk.
   */
  kick(): void {
    if (this.running) return;
    this.running = true;
    let cause: number;
    try {
      cause = this.walkRing();
    } finally {
      this.running = false;
    }
    if (cause) this.core.setCause(cause);
  }

  private walkRing(): number {
    const regs = this.core.regs;
    if ((regs.raw32(R.TCTL) & R.TCTL_EN) === 0) return 0;
    const count = regs.raw32(R.TDLEN) >>> 4;
    let head = regs.raw32(R.TDH);
    const tail = regs.raw32(R.TDT);
    if (count === 0 || head === tail || head >= count || tail >= count) return 0;
    if (!this.core.dmaAllowed()) {
      this.core.tracer.emit(e1000DmaBlocked, { dev: this.core.id, what: 'TX descriptor fetch' });
      return 0;
    }
    const base = regs.raw32(R.TDBAH) * 0x1_0000_0000 + regs.raw32(R.TDBAL);
    let cause = 0;
    while (head !== tail) {
      const at = this.descriptors.lookup(base, head, tail, count);
      if (at < 0) break; // the bus refused the fetch: the queue stalls here, TDH stops
      const done = this.processDescriptor(base + head * R.DESC_BYTES, head, at);
      if (done < 0) break; // FIFO full or bus error: resume on the next doorbell / free slot
      this.descriptors.consume(head, count);
      cause |= done;
      head = head + 1 === count ? 0 : head + 1;
      regs.setRaw32(R.TDH, head);
    }
    return head === tail ? cause | R.ICR_TXQE : cause;
  }

  /**
   * Consumes the cached descriptor at `descriptors.bytes[at]` (ring slot `index`, bus address `addr`).
   * Returns the causes it raises now (TXDW unless delayed), or −1 when it cannot be consumed
   * yet (no FIFO room for its data, or the bus refused the data read).
   */
  private processDescriptor(addr: number, index: number, at: number): number {
    const core = this.core;
    const v = this.descriptors.view;
    const bufAddr = v.getUint32(at, true) + v.getUint32(at + 4, true) * 0x1_0000_0000;
    const lower = v.getUint32(at + 8, true);
    const cmd = lower >>> 24;
    let len = lower & 0xffff;
    if (cmd & R.TXD_CMD_DEXT) {
      const dtyp = (lower >>> 20) & 0xf;
      len = dtyp === 1 ? lower & 0xfffff : 0; // context descriptors (DTYP 0) carry no data
      if (dtyp === 1 && cmd & R.TXD_DCMD_TSE) core.tracer.emit(e1000TxUnsupported, { dev: core.id, what: 'TCP segmentation (TSE)' });
    } else if (cmd & R.TXD_CMD_VLE) {
      core.tracer.emit(e1000TxUnsupported, { dev: core.id, what: 'VLAN tag insertion (VLE)' });
    }
    const room = Math.min(this.fifoLimit(), MAX_JUMBO_FRAME_BYTES) - this.fifo.usedBytes;
    if (Math.max(this.pktLen + len, MIN_FRAME_BYTES - FCS_BYTES) + FCS_BYTES > room && this.fifo.count > 0) return -1;
    if (core.tracer.active) core.tracer.emit(e1000TxDesc, { dev: core.id, index, addr: '0x' + bufAddr.toString(16), len, cmd });
    if (len > 0) {
      const n = Math.min(len, MAX_JUMBO_FRAME_BYTES - this.pktLen);
      const dst = this.pktLen === 0 ? this.views.of(this.pkt, n) : this.pkt.subarray(this.pktLen, this.pktLen + n);
      const st = core.dma.read(bufAddr, dst);
      if (st !== 'ok') {
        core.dmaFailed('TX data read', bufAddr, st);
        return -1;
      }
      if (this.pktLen === 0) this.pktCmd = cmd;
      this.pktLen += n;
    }
    let cause = 0;
    if (cmd & (R.TXD_CMD_RS | R.TXD_CMD_RPS)) {
      // Write back the status dword (STA | CSS | special) with DD set; a posted write.
      const d = this.descriptors.bytes;
      this.wb[0] = d[at + 12] | R.TXD_STA_DD;
      this.wb[1] = d[at + 13];
      this.wb[2] = d[at + 14];
      this.wb[3] = d[at + 15];
      const st = core.dma.write(addr + 12, this.wb);
      if (st !== 'ok') core.dmaFailed('TX descriptor write-back', addr + 12, st);
      cause = this.txdwCause(cmd);
    }
    if (cmd & R.TXD_CMD_EOP && !(cmd & R.TXD_CMD_DEXT && ((lower >>> 20) & 0xf) === 0)) this.finishFrame();
    return cause;
  }

  /** TXDW now, or after TIDV/TADV when the descriptor asks for a delayed interrupt (IDE). */
  private txdwCause(cmd: number): number {
    const regs = this.core.regs;
    const tidv = regs.raw32(R.TIDV) & 0xffff;
    if ((cmd & R.TXD_CMD_IDE) === 0 || tidv === 0) return R.ICR_TXDW;
    this.tidv.armIn(tidv * R.DELAY_UNIT_NS);
    const tadv = regs.raw32(R.TADV) & 0xffff;
    if (tadv && !this.tadv.armed) this.tadv.armIn(tadv * R.DELAY_UNIT_NS);
    return 0;
  }

  private delayedTxdw(): void {
    this.tidv.cancel();
    this.tadv.cancel();
    this.core.setCause(R.ICR_TXDW);
  }

  /** EOP: pad, append the FCS, count, queue in the FIFO and start the wire. */
  private finishFrame(): void {
    const regs = this.core.regs;
    let len = this.pktLen;
    this.pktLen = 0;
    if (regs.raw32(R.TCTL) & R.TCTL_PSP && len < MIN_FRAME_BYTES - FCS_BYTES) {
      this.pkt.fill(0, len, MIN_FRAME_BYTES - FCS_BYTES);
      len = MIN_FRAME_BYTES - FCS_BYTES;
    }
    // With IFCS the MAC computes the FCS; without it software supplied one we cannot vouch for.
    const fcsOurs = (this.pktCmd & R.TXD_CMD_IFCS) !== 0;
    if (fcsOurs) len = appendFcs(this.pkt, len);
    this.countTransmitted(len);
    this.core.frames.tx++;
    this.core.frames.txBytes += len;
    if (this.core.tracer.active) this.core.tracer.emit(e1000TxFrame, { dev: this.core.id, len, queued: this.fifo.count });
    // An empty FIFO in front of an idle wire: the frame starts at once (the wire copies it).
    const w = this.wire;
    if (this.fifo.count === 0 && w && w.canTransmit) w.transmit(this.pkt, len, fcsOurs);
    else {
      this.fifo.push(this.pkt, len, fcsOurs ? 1 : 0);
      this.startWire();
    }
  }

  private countTransmitted(len: number): void {
    const regs = this.core.regs;
    bumpStat(regs, R.GPTC);
    bumpStat(regs, R.TPT);
    bumpStat64(regs, R.GOTCL, len);
    bumpStat64(regs, R.TOTL, len);
    bumpStat(regs, R.PTC64 + 4 * sizeBucket(len));
    const p = this.pkt;
    if (p[0] & 1) bumpStat(regs, (p[0] & p[1] & p[2] & p[3] & p[4] & p[5]) === 0xff ? R.BPTC : R.MPTC);
  }

  /** Puts the oldest FIFO frame on the wire if the channel is free. */
  private startWire(): void {
    const w = this.wire;
    if (!w || !w.canTransmit || this.fifo.count === 0) return;
    const fcsOurs = this.fifo.frontTag() === 1;
    const at = this.fifo.frontContiguousOffset();
    if (at >= 0) {
      // The wire copies the frame straight out of the packet buffer.
      w.transmit(this.fifo.storage, this.fifo.frontLength(), fcsOurs, at);
      this.fifo.shift();
      return;
    }
    const len = this.fifo.popInto(this.onWire);
    w.transmit(this.onWire, len, fcsOurs);
  }

  /** The channel is free: next frame out, then the ring may continue into the freed room. */
  transmitReady(): void {
    this.startWire();
    this.kick();
  }

  /** Device reset: the FIFO and any half-assembled frame are discarded, delay timers stop. */
  /** The ring moved under the descriptor cache (TDBAL/TDBAH/TDLEN/TDH written): drop it. */
  invalidateCache(): void {
    this.descriptors.invalidate();
  }

  reset(): void {
    this.fifo.clear();
    this.descriptors.invalidate();
    this.pktLen = 0;
    this.pktCmd = 0;
    this.tidv.cancel();
    this.tadv.cancel();
  }

  save(): E1000TxState {
    const partial = bytesToHex(this.pkt.subarray(0, this.pktLen));
    return { fifo: this.fifo.save(), descriptors: this.descriptors.save(), partial, partialCmd: this.pktCmd };
  }

  restore(s: E1000TxState): void {
    this.fifo.restore(s.fifo);
    this.descriptors.restore(s.descriptors);
    const partial = hexToBytes(s.partial, 'e1000 tx snapshot: partial');
    this.pktLen = partial.length;
    this.pkt.set(partial);
    this.pktCmd = s.partialCmd;
  }
}
