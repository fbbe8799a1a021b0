/**
 * The PV guest's network frontend (drivers/xen/netfront/netfront.c, 2.6.18-xen): at probe it
 * allocates one page each for the tx and rx shared rings in its own memory, grants both to the
 * backend, allocates an unbound event channel for it, and publishes `tx-ring-ref`,
 * `rx-ring-ref`, `event-channel` and `request-rx-copy` before switching to Connected. It keeps
 * `RX_TARGET` receive buffers posted, each a page of its own memory granted writable to the
 * backend; a transmitted frame is copied into a tx page granted read-only. On its event it
 * reaps tx responses (ending the grants) and rx responses (handing each frame up, then
 * re-posting the buffer).
 */
import { FrontRing, sharedRingInit } from '../../include/xen/interface/io/ring.ts';
import type { XenHypercalls } from '../../include/xen/hypercall.ts';
import type { GuestGrantTable } from './core/gnttab.ts';
import type { KernelLog } from '../../printk.ts';
import type { EvtchnDispatch } from './core/evtchn.ts';
import { XenbusStateConnected, xenbusSwitchState, type Xenbus } from './xenbus/xenbus.ts';
import { RX_REQ_SIZE, TX_REQ_SIZE } from '../../include/xen/interface/io/netif.ts';

const PAGE = 0x1000;
/** RX_DFL_MIN_TARGET: buffers kept posted. */
export const RX_TARGET = 64;
/** Transmit pages in flight at most. */
export const TX_PAGES = 32;

export interface NetfrontStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  /** Frames dropped because every tx page was in flight. */
  txBusy: number;
}

export interface NetfrontHost {
  hv: XenHypercalls;
  evtchn: EvtchnDispatch;
  xenbus: Xenbus;
  gnttab: GuestGrantTable;
  /** Allocates one page of the guest's own memory; its machine address. */
  allocPage(): number;
  log: KernelLog;
}

export class Netfront {
  readonly stats: NetfrontStats = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, txBusy: 0 };
  mac = '';
  private tx!: FrontRing;
  private rx!: FrontRing;
  private port = 0;
  private backendId = 0;
  /** rx buffer pages by request id, and the grant each is posted with. */
  readonly rxPages: number[] = [];
  private readonly rxRefs: number[] = [];
  private readonly txPages: number[] = [];
  private readonly txRefs = new Map<number, number>();
  private readonly txFree: number[] = [];
  /** Where received frames go (netif_rx). */
  receive?: (frame: Uint8Array) => void;

  constructor(
    private readonly host: NetfrontHost,
    /** device/vif/N in the guest's xenstore directory. */
    readonly nodename: string,
    readonly name: string,
  ) {}

  /** netfront_probe + talk_to_backend + network_connect. */
  probe(): number {
    const { hv, xenbus, gnttab } = this.host;
    this.mac = xenbus.read(`${this.nodename}/mac`) ?? '';
    this.backendId = Number(xenbus.read(`${this.nodename}/backend-id`) ?? 0);
    const txPage = this.host.allocPage();
    const rxPage = this.host.allocPage();
    sharedRingInit(hv.mem, txPage);
    sharedRingInit(hv.mem, rxPage);
    this.tx = new FrontRing(hv.mem, txPage, TX_REQ_SIZE);
    this.rx = new FrontRing(hv.mem, rxPage, RX_REQ_SIZE);
    const txRef = gnttab.grant(this.backendId, txPage / PAGE, false);
    const rxRef = gnttab.grant(this.backendId, rxPage / PAGE, false);
    const port = hv.evtchnAllocUnbound(this.backendId);
    if (port < 0) return port;
    this.port = port;
    this.host.evtchn.bind(port, () => this.interrupt());
    for (let i = 0; i < TX_PAGES; i++) {
      this.txPages.push(this.host.allocPage());
      this.txFree.push(TX_PAGES - 1 - i);
    }
    for (let id = 0; id < RX_TARGET; id++) this.rxPages.push(this.host.allocPage());
    xenbus.write(`${this.nodename}/tx-ring-ref`, String(txRef));
    xenbus.write(`${this.nodename}/rx-ring-ref`, String(rxRef));
    xenbus.write(`${this.nodename}/event-channel`, String(port));
    xenbus.write(`${this.nodename}/request-rx-copy`, '1');
    for (let id = 0; id < RX_TARGET; id++) this.postRx(id);
    this.rx.pushRequests();
    xenbusSwitchState(xenbus, this.nodename, XenbusStateConnected);
    // network_connect: kick the backend once, for the buffers already posted.
    this.host.evtchn.notify(port);
    this.host.log.printk(6, `netfront: device ${this.name} has copying receive path.`);
    return 0;
  }

  private postRx(id: number): void {
    const ref = this.host.gnttab.grant(this.backendId, this.rxPages[id] / PAGE, false);
    this.rxRefs[id] = ref;
    const a = this.rx.slot(this.rx.reqProdPvt++);
    this.host.hv.mem.writeU16(a, id);
    this.host.hv.mem.writeU32(a + 4, ref);
  }

  /** network_start_xmit: false when no tx page is free (the queue is stopped). */
  xmit(frame: Uint8Array): boolean {
    const id = this.txFree.pop();
    if (id === undefined || !this.tx.free || frame.length > PAGE) {
      if (id !== undefined) this.txFree.push(id);
      this.stats.txBusy++;
      return false;
    }
    const mem = this.host.hv.mem;
    mem.write(this.txPages[id], frame);
    const ref = this.host.gnttab.grant(this.backendId, this.txPages[id] / PAGE, true);
    this.txRefs.set(id, ref);
    const a = this.tx.slot(this.tx.reqProdPvt++);
    mem.writeU32(a, ref);
    mem.writeU16(a + 4, 0);
    mem.writeU16(a + 6, 0);
    mem.writeU16(a + 8, id);
    mem.writeU16(a + 10, frame.length);
    this.stats.txFrames++;
    this.stats.txBytes += frame.length;
    if (this.tx.pushRequests()) this.host.evtchn.notify(this.port);
    return true;
  }

  /** netif_int: network_tx_buf_gc, then netif_poll. */
  private interrupt(): void {
    this.txGc();
    this.poll();
  }

  private txGc(): void {
    const mem = this.host.hv.mem;
    do {
      while (this.tx.unconsumedResponses) {
        const id = mem.readU16(this.tx.slot(this.tx.rspCons++));
        const ref = this.txRefs.get(id);
        if (ref === undefined) continue;
        if (!this.host.gnttab.end(ref)) this.host.log.printk(4, 'WARNING: g.e. still in use!');
        this.txRefs.delete(id);
        this.txFree.push(id);
      }
    } while (this.tx.finalCheckForResponses());
  }

  private poll(): void {
    const mem = this.host.hv.mem;
    let reposted = 0;
    do {
      while (this.rx.unconsumedResponses) {
        const a = this.rx.slot(this.rx.rspCons++);
        const id = mem.readU16(a);
        const offset = mem.readU16(a + 2);
        const status = (mem.readU16(a + 6) << 16) >> 16;
        this.host.gnttab.end(this.rxRefs[id]);
        if (status > 0) {
          const frame = new Uint8Array(status);
          mem.read(this.rxPages[id] + offset, frame);
          this.stats.rxFrames++;
          this.stats.rxBytes += status;
          this.receive?.(frame);
        }
        this.postRx(id);
        reposted++;
      }
    } while (this.rx.finalCheckForResponses());
    if (reposted && this.rx.pushRequests()) this.host.evtchn.notify(this.port);
  }
}
