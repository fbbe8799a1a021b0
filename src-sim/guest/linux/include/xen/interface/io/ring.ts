/**
 * Xen's shared I/O rings (xen/include/public/io/ring.h): one page holding req_prod, req_event,
 * rsp_prod, rsp_event, 48 bytes of padding, then a power-of-two array of request/response
 * slots. The front end produces requests and consumes responses, the back end the reverse; each
 * side keeps its private producer and consumer, publishes with a barrier and notifies the other
 * only when the other asked for it (the `*_event` index was crossed: RING_PUSH_*_AND_CHECK_NOTIFY),
 * and re-arms its own event before sleeping (RING_FINAL_CHECK_FOR_*). Both netfront (in the PV
 * guest) and netback (in dom0) use this one implementation over the page's machine memory.
 */

/** What a ring needs of memory: 16/32-bit little-endian words at machine addresses. */
export interface RingMemory {
  readU16(maddr: number): number;
  writeU16(maddr: number, v: number): void;
  readU32(maddr: number): number;
  writeU32(maddr: number, v: number): void;
}

const REQ_PROD = 0;
const REQ_EVENT = 4;
const RSP_PROD = 8;
const RSP_EVENT = 12;
const RING_HEADER = 64;

/** __RING_SIZE: slots of `entrySize` bytes that fit after the header, rounded down to a power of two. */
export function ringSize(entrySize: number, pageSize = 0x1000): number {
  const n = Math.floor((pageSize - RING_HEADER) / entrySize);
  return 1 << (31 - Math.clz32(n));
}

const u32 = (x: number) => x >>> 0;

/** SHARED_RING_INIT. */
export function sharedRingInit(mem: RingMemory, page: number): void {
  mem.writeU32(page + REQ_PROD, 0);
  mem.writeU32(page + RSP_PROD, 0);
  mem.writeU32(page + REQ_EVENT, 1);
  mem.writeU32(page + RSP_EVENT, 1);
}

abstract class Ring {
  readonly size: number;
  constructor(
    protected readonly mem: RingMemory,
    readonly page: number,
    readonly entrySize: number,
  ) {
    this.size = ringSize(entrySize);
  }

  /** RING_GET_REQUEST / RING_GET_RESPONSE: the slot's machine address for index `i`. */
  slot(i: number): number {
    return this.page + RING_HEADER + (i & (this.size - 1)) * this.entrySize;
  }

  protected get(off: number): number {
    return this.mem.readU32(this.page + off);
  }

  protected set(off: number, v: number): void {
    this.mem.writeU32(this.page + off, u32(v));
  }

  /** Publishes producer `next` at `prodOff`; true when the peer asked to be notified (`eventOff` crossed). */
  protected push(prodOff: number, eventOff: number, next: number): boolean {
    const old = this.get(prodOff);
    this.set(prodOff, next);
    return u32(next - this.get(eventOff)) < u32(next - old);
  }
}

/** FRONT_RING: requests out, responses in. */
export class FrontRing extends Ring {
  reqProdPvt = 0;
  rspCons = 0;

  get free(): number {
    return this.size - u32(this.reqProdPvt - this.rspCons);
  }

  get unconsumedResponses(): number {
    return u32(this.get(RSP_PROD) - this.rspCons);
  }

  /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. */
  pushRequests(): boolean {
    return this.push(REQ_PROD, REQ_EVENT, this.reqProdPvt);
  }

  /** RING_FINAL_CHECK_FOR_RESPONSES: re-arms rsp_event and says whether more arrived meanwhile. */
  finalCheckForResponses(): boolean {
    if (this.unconsumedResponses) return true;
    this.set(RSP_EVENT, this.rspCons + 1);
    return this.unconsumedResponses > 0;
  }
}

/** BACK_RING: requests in, responses out. */
export class BackRing extends Ring {
  rspProdPvt = 0;
  reqCons = 0;

  get unconsumedRequests(): number {
    return Math.min(u32(this.get(REQ_PROD) - this.reqCons), this.size - u32(this.reqCons - this.rspProdPvt));
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY. */
  pushResponses(): boolean {
    return this.push(RSP_PROD, RSP_EVENT, this.rspProdPvt);
  }

  /** RING_FINAL_CHECK_FOR_REQUESTS. */
  finalCheckForRequests(): boolean {
    if (this.unconsumedRequests) return true;
    this.set(REQ_EVENT, this.reqCons + 1);
    return this.unconsumedRequests > 0;
  }
}
