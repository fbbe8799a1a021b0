/**
 * The DMA path: device → (remapping unit, when one covers the device) → memory.
 *
 * A device holds a DmaPort bound to its requester id and never sees which path it has. Without
 * a remapping unit (or with translation disabled) the port goes straight to memory; with one,
 * each page of the transfer is translated first and a translation fault blocks the whole
 * transfer before any byte is written (the unit records the fault; the device sees an error).
 */
import { PAGE_SIZE, type PhysicalMemory } from './phys-mem.ts';

export type DmaStatus = 'ok' | 'blocked' | 'master-abort';

export interface DmaPort {
  /** Reads `dst.length` bytes at device-visible address `addr`. */
  read(addr: number, dst: Uint8Array): DmaStatus;
  write(addr: number, src: Uint8Array): DmaStatus;
}

/** Translation of one page of a request; implemented by the VT-d remapping unit. */
export interface DmaTranslator {
  /**
   * Host-physical address for `addr` from requester `sid`, or a negative VT-d fault reason
   * after the unit has recorded the fault. `write` selects the permission checked.
   */
  translate(sid: number, addr: number, write: boolean): number;
}

/** A port straight to memory: what a device gets where no remapping unit covers it. */
export class DirectDmaPort implements DmaPort {
  constructor(private readonly mem: PhysicalMemory) {}

  read(addr: number, dst: Uint8Array): DmaStatus {
    if (!this.mem.contains(addr, dst.length)) return 'master-abort';
    this.mem.read(addr, dst);
    return 'ok';
  }

  write(addr: number, src: Uint8Array): DmaStatus {
    if (!this.mem.contains(addr, src.length)) return 'master-abort';
    this.mem.write(addr, src);
    return 'ok';
  }
}

/** A port whose every page is translated by a remapping unit before memory is touched. */
export class RemappedDmaPort implements DmaPort {
  constructor(
    private readonly mem: PhysicalMemory,
    private readonly unit: DmaTranslator,
    readonly sid: number,
  ) {}

  read(addr: number, dst: Uint8Array): DmaStatus {
    return this.transfer(addr, dst, false);
  }

  write(addr: number, src: Uint8Array): DmaStatus {
    return this.transfer(addr, src, true);
  }

  private transfer(addr: number, buf: Uint8Array, write: boolean): DmaStatus {
    const mem = this.mem;
    if ((addr % PAGE_SIZE) + buf.length <= PAGE_SIZE) {
      // One page (descriptors, most buffers): one translation, no plan to allocate.
      const hpa = this.unit.translate(this.sid, addr, write);
      if (hpa < 0) return 'blocked';
      if (!mem.contains(hpa, buf.length)) return 'master-abort';
      if (write) mem.write(hpa, buf);
      else mem.read(hpa, buf);
      return 'ok';
    }
    const plan = this.plan(addr, buf.length, write);
    if (typeof plan === 'string') return plan;
    for (const [hpa, off, n] of plan) {
      if (write) mem.write(hpa, buf.subarray(off, off + n));
      else mem.read(hpa, buf.subarray(off, off + n));
    }
    return 'ok';
  }

  /** Translates every page first, so a fault on a later page writes nothing at all. */
  private plan(addr: number, len: number, write: boolean): [number, number, number][] | DmaStatus {
    const chunks: [number, number, number][] = [];
    let done = 0;
    while (done < len) {
      const a = addr + done;
      const n = Math.min(PAGE_SIZE - (a % PAGE_SIZE), len - done);
      const hpa = this.unit.translate(this.sid, a, write);
      if (hpa < 0) return 'blocked';
      if (!this.mem.contains(hpa, n)) return 'master-abort';
      chunks.push([hpa, done, n]);
      done += n;
    }
    return chunks;
  }
}
