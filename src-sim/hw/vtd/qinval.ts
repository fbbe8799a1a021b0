/**
 * Queued invalidation (VT-d spec v1.x §6.5.2; Xen 2008 xen/drivers/passthrough/vtd/qinval.c,
 * QEMU vtd_process_inv_desc()): with GSTS.QIES set, software writes 128-bit descriptors into
 * the ring at IQA and advances IQT; the unit consumes them up to IQT at once and moves IQH.
 *
 * Modelled descriptors: context-cache (1), IOTLB (2), invalidation wait (5: status write and
 * invalidation-completion event). Device-IOTLB (3) and interrupt-entry-cache (4) descriptors
 * are accepted and do nothing: no device-IOTLBs or interrupt-remapping caches exist here.
 * A descriptor of another type, with reserved bits set, or outside RAM sets FSTS.IQE and stops
 * the queue with IQH pointing at it (software must fix it and clear IQE).
 */
import type { PhysicalMemory } from '../memory/phys-mem.ts';
import type { RegisterFile } from '../regs/register-file.ts';
import { DMA_FECTL_IM, DMA_FECTL_IP, DMA_FSTS_IQE } from './dmar-regs.ts';
import { invalidateContextCache, invalidateIotlb, type CacheSet } from './invalidation.ts';
import { TRACE_VTD_QI } from './trace-events.ts';

const QI_CC = 1;
const QI_IOTLB = 2;
const QI_DEV_IOTLB = 3;
const QI_IEC = 4;
const QI_WAIT = 5;

/** Reserved-bit masks per descriptor type as [lo dword 0, lo dword 1, hi dword 0, hi dword 1] (QEMU's). */
const RSVD: Readonly<Record<number, readonly number[]>> = {
  [QI_CC]: [0x0000ffc0, 0xfffc0000, 0xffffffff, 0xffffffff],
  [QI_IOTLB]: [0x0000ff00, 0xffffffff, 0x00000f80, 0],
  [QI_WAIT]: [0xffffff80, 0, 0x00000003, 0],
};

export interface QueueHost extends CacheSet {
  readonly mem: PhysicalMemory;
  readonly regs: RegisterFile;
  /** Sends an interrupt message (the same bus path as fault events). */
  message(address: number, data: number): void;
  /** A new error status bit was set in FSTS: generate a fault event. */
  faultEvent(): void;
}

/** Number of descriptors in the ring (IQA.QS: 256 · 2^QS). */
function queueLength(regs: RegisterFile): number {
  return 256 << (regs.get('IQA_REG') & 7);
}

/** IQT written (or IQE cleared) with the queue enabled: consume descriptors up to the tail. */
export function processInvalidationQueue(q: QueueHost): void {
  const regs = q.regs;
  if ((regs.get('FSTS_REG') & DMA_FSTS_IQE) !== 0) return;
  const len = queueLength(regs);
  const base = regs.getHi('IQA_REG') * 0x1_0000_0000 + ((regs.get('IQA_REG') & 0xfffff000) >>> 0);
  const tail = (regs.get('IQT_REG') >>> 4) % len;
  let head = (regs.get('IQH_REG') >>> 4) % len;
  while (head !== tail) {
    const at = base + head * 16;
    if (!q.mem.contains(at, 16) || !runDescriptor(q, at, head, tail)) {
      regs.set('IQH_REG', head << 4);
      regs.setClear('FSTS_REG', DMA_FSTS_IQE, 0);
      q.faultEvent();
      return;
    }
    head = (head + 1) % len;
  }
  regs.set('IQH_REG', head << 4);
}

function runDescriptor(q: QueueHost, at: number, head: number, tail: number): boolean {
  const w = [q.mem.readU32(at), q.mem.readU32(at + 4), q.mem.readU32(at + 8), q.mem.readU32(at + 12)];
  const type = w[0] & 0xf;
  const rsvd = RSVD[type];
  const trace = (descriptor: string) => q.tracer?.emit(TRACE_VTD_QI, { unit: q.unit, head, tail, descriptor });
  if (type !== QI_DEV_IOTLB && type !== QI_IEC && !rsvd) {
    trace(`type ${type}: invalid descriptor`);
    return false;
  }
  if (rsvd && rsvd.some((m, i) => (w[i] & m) !== 0)) {
    trace(`type ${type}: reserved bits set`);
    return false;
  }
  const g = (w[0] >>> 4) & 3;
  if (type === QI_CC) {
    invalidateContextCache(q, g, (w[0] >>> 16) & 0xffff, w[1] & 0xffff, (w[1] >>> 16) & 3, 'queue');
  } else if (type === QI_IOTLB) {
    invalidateIotlb(q, g, (w[0] >>> 16) & 0xffff, w[3] * 0x1_0000_0000 + ((w[2] & 0xfffff000) >>> 0), w[2] & 0x3f, (w[2] & 0x40) !== 0, 'queue');
  } else if (type === QI_WAIT) {
    wait(q, w);
    trace(`wait${w[0] & 0x20 ? ` status 0x${w[1].toString(16)}` : ''}${w[0] & 0x10 ? ' + event' : ''}`);
  } else {
    trace(`type ${type}: accepted, nothing cached to invalidate`);
  }
  return true;
}

/** Invalidation wait: all earlier descriptors are already done, so complete at once. */
function wait(q: QueueHost, w: number[]): void {
  if (w[0] & 0x20) {
    const addr = w[3] * 0x1_0000_0000 + ((w[2] & 0xfffffffc) >>> 0);
    if (q.mem.contains(addr, 4)) q.mem.writeU32(addr, w[1]);
  }
  if (w[0] & 0x10 && (q.regs.get('ICS_REG') & 1) === 0) {
    q.regs.set('ICS_REG', 1);
    if ((q.regs.get('IECTL_REG') & DMA_FECTL_IM) === 0) q.message(q.regs.get('IEUADDR_REG') * 0x1_0000_0000 + q.regs.get('IEADDR_REG'), q.regs.get('IEDATA_REG'));
    else q.regs.setClear('IECTL_REG', DMA_FECTL_IP, 0);
  }
}

/** IECTL written: clearing IM with IP set sends the held invalidation event. */
export function onIectlWrite(q: QueueHost): void {
  const v = q.regs.get('IECTL_REG');
  if ((v & DMA_FECTL_IM) === 0 && (v & DMA_FECTL_IP) !== 0) {
    q.regs.setClear('IECTL_REG', 0, DMA_FECTL_IP);
    q.message(q.regs.get('IEUADDR_REG') * 0x1_0000_0000 + q.regs.get('IEADDR_REG'), q.regs.get('IEDATA_REG'));
  }
}
