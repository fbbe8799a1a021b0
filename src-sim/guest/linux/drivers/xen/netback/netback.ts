/**
 * dom0's network backend for one PV interface, vifD.N (drivers/xen/netback/interface.c and
 * netback.c of the 2.6.18-xen kernel): it maps the frontend's tx and rx rings
 * (GNTTABOP_map_grant_ref), binds the frontend's unbound event channel, and joins the bridge.
 * net_tx_action takes the guest's transmit requests, maps each granted page read-only, copies
 * the frame into an skb, unmaps, answers NETIF_RSP_OKAY and hands the frame to the bridge.
 * netif_be_start_xmit queues frames the bridge sends to the vif; net_rx_action copies each into
 * a buffer the guest posted (GNTTABOP_copy: the frontend asked for request-rx-copy) and answers
 * with the length. Notifications follow the rings' event indices.
 */
import { bytesToHex, hexToBytes } from '../../../../../../src-shared/units/bytes.ts';
import type { Scope } from '../../../../../engine/scope.ts';
import type { Timer } from '../../../../../engine/index.ts';
import { checkVersion } from '../../../../../engine/snapshot.ts';
import { BackRing } from '../../../include/xen/interface/io/ring.ts';
import { NETIF_RSP_ERROR, NETIF_RSP_OKAY, RX_REQ_SIZE, TX_REQ_SIZE } from '../../../include/xen/interface/io/netif.ts';
import { GNTCOPY_dest_gref, GNTMAP_host_map, GNTMAP_readonly, GNTST_okay, DOMID_SELF, type GnttabCopyOp, type GnttabMapOp, type XenHypercalls } from '../../../include/xen/hypercall.ts';
import type { BridgePort } from '../../../net/bridge/br.ts';
import type { EvtchnDispatch } from '../core/evtchn.ts';

const PAGE = 0x1000;
/** Frames one net_rx_action copies in one GNTTABOP_copy batch (two per skb page). */
const RX_BATCH = 32;

export interface NetifStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  /** Frames the bridge sent while the guest had no rx buffer posted (held until it posts). */
  rxQueuedMax: number;
  txErrors: number;
}

export interface NetifState {
  version: 1;
  txReqCons: number;
  txRspProdPvt: number;
  rxReqCons: number;
  rxRspProdPvt: number;
  queue: string[];
  stats: NetifStats;
}

export interface NetifConfig {
  frontDomid: number;
  handle: number;
  txRingRef: number;
  rxRingRef: number;
  remotePort: number;
}

/** One connected vif (netif_t). */
export class Netif implements BridgePort {
  readonly name: string;
  readonly stats: NetifStats = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxQueuedMax: 0, txErrors: 0 };
  private tx!: BackRing;
  private rx!: BackRing;
  private port = 0;
  private ringHandles: number[] = [];
  private readonly queue: Uint8Array[] = [];
  private readonly txTasklet: Timer;
  private readonly rxTasklet: Timer;
  /** Where received frames go (the bridge's input for this port). */
  deliver?: (frame: Uint8Array) => void;

  constructor(
    private readonly hv: XenHypercalls,
    private readonly evtchn: EvtchnDispatch,
    private readonly scope: Scope,
    readonly cfg: NetifConfig,
    /** dom0 pages netback copies received frames from (its skb data), machine addresses. */
    private readonly skbPages: number[],
  ) {
    this.name = `vif${cfg.frontDomid}.${cfg.handle}`;
    this.txTasklet = scope.timer('net_tx_action', () => this.netTxAction());
    this.rxTasklet = scope.timer('net_rx_action', () => this.netRxAction());
    scope.register({ version: 1, save: () => this.save(), restore: (s: NetifState) => this.restore(s), target: this });
  }

  /** netif_map + bind_interdomain_evtchn_to_irqhandler; 0 or the first failure's status. */
  connect(): number {
    const ops = [this.cfg.txRingRef, this.cfg.rxRingRef].map((ref): GnttabMapOp => ({ ref, dom: this.cfg.frontDomid, flags: GNTMAP_host_map }));
    const rc = this.hv.gnttabMapGrantRef(ops);
    const bad = ops.find((o) => o.status !== GNTST_okay);
    if (rc < 0 || bad) {
      this.hv.gnttabUnmapGrantRef(ops.filter((o) => o.status === GNTST_okay).map((o) => o.handle!));
      return rc < 0 ? rc : bad!.status!;
    }
    this.ringHandles = ops.map((o) => o.handle!);
    this.tx = new BackRing(this.hv.mem, ops[0].mfn! * PAGE, TX_REQ_SIZE);
    this.rx = new BackRing(this.hv.mem, ops[1].mfn! * PAGE, RX_REQ_SIZE);
    const port = this.hv.evtchnBindInterdomain(this.cfg.frontDomid, this.cfg.remotePort);
    if (port < 0) return port;
    this.port = port;
    this.evtchn.bind(port, () => this.interrupt());
    return 0;
  }

  /** netif_disconnect: the rings unmapped, the port closed. */
  disconnect(): void {
    if (this.port) {
      this.evtchn.unbind(this.port);
      this.hv.evtchnClose(this.port);
      this.port = 0;
    }
    if (this.ringHandles.length) this.hv.gnttabUnmapGrantRef(this.ringHandles);
    this.ringHandles = [];
    this.scope.dispose();
  }

  /** netif_be_int: the frontend posted tx requests or rx buffers. */
  private interrupt(): void {
    this.txTasklet.armIn(0);
    if (this.queue.length) this.rxTasklet.armIn(0);
  }

  /** netif_be_start_xmit: the bridge hands the vif a frame for the guest. */
  xmit(frame: Uint8Array): void {
    this.queue.push(frame);
    this.stats.rxQueuedMax = Math.max(this.stats.rxQueuedMax, this.queue.length);
    this.rxTasklet.armIn(0);
  }

  private netTxAction(): void {
    if (!this.tx) return;
    do {
      const n = this.tx.unconsumedRequests;
      if (!n) continue;
      const reqs = Array.from({ length: n }, (_, i) => this.readTxRequest(this.tx.reqCons + i));
      this.tx.reqCons += n;
      const maps = reqs.map((r): GnttabMapOp => ({ ref: r.gref, dom: this.cfg.frontDomid, flags: GNTMAP_host_map | GNTMAP_readonly }));
      this.hv.gnttabMapGrantRef(maps);
      const frames: Uint8Array[] = [];
      reqs.forEach((r, i) => {
        const ok = maps[i].status === GNTST_okay && r.offset + r.size <= PAGE;
        if (ok) {
          const skb = new Uint8Array(r.size);
          this.hv.mem.read(maps[i].mfn! * PAGE + r.offset, skb);
          frames.push(skb);
        } else this.stats.txErrors++;
        this.writeTxResponse(r.id, ok ? NETIF_RSP_OKAY : NETIF_RSP_ERROR);
      });
      const mapped = maps.filter((m) => m.status === GNTST_okay).map((m) => m.handle!);
      if (mapped.length) this.hv.gnttabUnmapGrantRef(mapped);
      if (this.tx.pushResponses()) this.evtchn.notify(this.port);
      for (const f of frames) {
        this.stats.txFrames++;
        this.stats.txBytes += f.length;
        this.deliver?.(f);
      }
    } while (this.tx.finalCheckForRequests());
  }

  private readTxRequest(i: number): { gref: number; offset: number; flags: number; id: number; size: number } {
    const a = this.tx.slot(i);
    const m = this.hv.mem;
    return { gref: m.readU32(a), offset: m.readU16(a + 4), flags: m.readU16(a + 6), id: m.readU16(a + 8), size: m.readU16(a + 10) };
  }

  private writeTxResponse(id: number, status: number): void {
    const a = this.tx.slot(this.tx.rspProdPvt++);
    this.hv.mem.writeU16(a, id);
    this.hv.mem.writeU16(a + 2, status & 0xffff);
  }

  private netRxAction(): void {
    if (!this.rx) return;
    while (this.queue.length && this.rx.unconsumedRequests) {
      const n = Math.min(this.queue.length, this.rx.unconsumedRequests, RX_BATCH, this.skbPages.length * 2);
      const frames = this.queue.splice(0, n);
      const copies = frames.map((f, i) => {
        const a = this.rx.slot(this.rx.reqCons + i);
        const skb = this.skbPages[i >> 1] + (i & 1) * (PAGE / 2);
        this.hv.mem.write(skb, f);
        const op: GnttabCopyOp = { source: { mfn: Math.floor(skb / PAGE), domid: DOMID_SELF, offset: skb % PAGE }, dest: { ref: this.hv.mem.readU32(a + 4), domid: this.cfg.frontDomid, offset: 0 }, len: f.length, flags: GNTCOPY_dest_gref };
        return { id: this.hv.mem.readU16(a), op };
      });
      this.rx.reqCons += n;
      this.hv.gnttabCopy(copies.map((c) => c.op));
      copies.forEach((c, i) => {
        const ok = c.op.status === GNTST_okay;
        const a = this.rx.slot(this.rx.rspProdPvt++);
        this.hv.mem.writeU16(a, c.id);
        this.hv.mem.writeU16(a + 2, 0);
        this.hv.mem.writeU16(a + 4, 0);
        this.hv.mem.writeU16(a + 6, (ok ? frames[i].length : NETIF_RSP_ERROR) & 0xffff);
        if (ok) {
          this.stats.rxFrames++;
          this.stats.rxBytes += frames[i].length;
        }
      });
      if (this.rx.pushResponses()) this.evtchn.notify(this.port);
    }
    // Frames left and no buffers: ask to be notified when the guest posts more (req_event).
    if (this.queue.length && this.rx.finalCheckForRequests()) this.rxTasklet.armIn(0);
  }

  save(): NetifState {
    return { version: 1, txReqCons: this.tx?.reqCons ?? 0, txRspProdPvt: this.tx?.rspProdPvt ?? 0, rxReqCons: this.rx?.reqCons ?? 0, rxRspProdPvt: this.rx?.rspProdPvt ?? 0, queue: this.queue.map(bytesToHex), stats: { ...this.stats } };
  }

  restore(s: NetifState): void {
    checkVersion(this.name, s, 1);
    if (this.tx) Object.assign(this.tx, { reqCons: s.txReqCons, rspProdPvt: s.txRspProdPvt });
    if (this.rx) Object.assign(this.rx, { reqCons: s.rxReqCons, rspProdPvt: s.rxRspProdPvt });
    this.queue.length = 0;
    this.queue.push(...s.queue.map((h, i) => hexToBytes(h, `${this.name}.queue[${i}]`)));
    Object.assign(this.stats, s.stats);
  }
}
