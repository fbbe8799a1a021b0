/**
 * An HVM guest's port and memory accesses as Xen handles them (xen/arch/x86/hvm/io.c,
 * intercept.c, the seed's vtd4/vtd6): a port access first meets `dpci_ioport_intercept` — a
 * port in the domain's guest→machine list, with permission, is done on the machine port by Xen
 * itself — then Xen's own port 0xE9 (hvmloader's console), and everything else goes to the
 * device model as an ioreq. A guest-physical memory access follows the p2m: RAM and
 * mmio_direct reach machine memory / the device's MMIO directly (after the first shadow fault,
 * mm/shadow.ts),
 * anything else is emulated by the device model.
 */
import type { Domain } from '../../../common/domain.ts';
import { P2M_MMIO_DIRECT, P2M_RAM_RW, P2M_RAM_RO, P2M_RAM_LOGDIRTY } from '../mm/p2m.ts';
import type { Xen } from '../../../xen.ts';
import type { HvmIoAccess, IoreqServer } from './ioreq.ts';
import { ShadowPaging, type ShadowState } from '../mm/shadow.ts';
import type { HvmMmioPage } from './mmio-page.ts';

export type { IoreqServer } from './ioreq.ts';


const ALL_ONES = { 1: 0xff, 2: 0xffff, 4: 0xffffffff } as const;

export interface HvmIoState {
  line: string;
  counters: HvmIo['counters'];
  shadow?: ShadowState;
}

export class HvmIo implements HvmIoAccess {
  /** The device model's ioreq channel, once qemu-dm has attached. */
  ioreq?: IoreqServer;
  private line = '';
  /** Counters the UI graphs: accesses Xen did itself vs. round trips to qemu-dm. */
  readonly counters = { dpciPortio: 0, ioreqPortio: 0, ioreqMmio: 0, directMmio: 0 };
  /** The guest's shadow mappings: each frame's first access faults into Xen (mm/shadow.ts). */
  readonly shadow?: ShadowPaging;

  constructor(
    private readonly xen: Xen,
    private readonly d: Domain,
  ) {
    if (d.p2m) this.shadow = new ShadowPaging(d.domid, d.p2m, () => xen.maxPage, xen.world.sim.tracer);
  }

  /** Snapshot: the counters, hvmloader's unfinished console line and the shadow mappings. */
  save(): HvmIoState {
    return { line: this.line, counters: { ...this.counters }, shadow: this.shadow?.save() };
  }

  restore(s: HvmIoState): void {
    this.line = s.line;
    Object.assign(this.counters, s.counters);
    if (s.shadow) this.shadow?.restore(s.shadow);
  }

  portRead(port: number, size: 1 | 2 | 4): number {
    if (this.d.vpic?.claims(port)) return this.d.vpic.read(port, size);
    const m = this.dpciIoportIntercept(port, size);
    if (m !== undefined) {
      this.counters.dpciPortio++;
      return this.xen.world.pc.io.read(m, size) >>> 0;
    }
    this.counters.ioreqPortio++;
    return this.ioreq ? this.ioreq.portRead(port, size) >>> 0 : ALL_ONES[size];
  }

  portWrite(port: number, size: 1 | 2 | 4, value: number): void {
    if (this.d.vpic?.claims(port)) return this.d.vpic.write(port, size, value);
    const m = this.dpciIoportIntercept(port, size);
    if (m !== undefined) {
      this.counters.dpciPortio++;
      this.xen.world.pc.io.write(m, size, value);
      return;
    }
    if (port === 0xe9 && size === 1) return this.hvmPrint(value);
    this.counters.ioreqPortio++;
    this.ioreq?.portWrite(port, size, value);
  }

  /** dpci_ioport_intercept: the machine port, or undefined to fall through (logging a denied one). */
  private dpciIoportIntercept(gport: number, size: number): number | undefined {
    const e = this.d.iommu.g2mIoports.find((x) => gport >= x.gport && gport < x.gport + x.np);
    if (!e) return undefined;
    const mport = gport - e.gport + e.mport;
    if (!this.d.ioportCaps.contains(mport, mport + size - 1)) {
      this.xen.con.gdprintk('error', { file: 'io.c' }, this.d.domid, `Error: access to gport=0x${gport.toString(16)} denied!`);
      return undefined;
    }
    return mport;
  }

  /** Port 0xE9: hvmloader's characters, one console line per newline ("HVM1: …"). */
  private hvmPrint(value: number): void {
    const c = String.fromCharCode(value & 0xff);
    if (c !== '\n') {
      this.line += c;
      return;
    }
    this.xen.con.printk('warning', `HVM${this.d.domid}: ${this.line}`);
    this.line = '';
  }

  /** A guest-physical read of `size` bytes (little-endian). */
  memRead(gpa: number, size: 1 | 2 | 4): number {
    const e = this.shadow?.lookup(Math.floor(gpa / 0x1000));
    const maddr = e ? e.mfn * 0x1000 + (gpa % 0x1000) : -1;
    if (e && (e.type === P2M_RAM_RW || e.type === P2M_RAM_RO || e.type === P2M_RAM_LOGDIRTY)) return readMem(this.xen, maddr, size);
    if (e && e.type === P2M_MMIO_DIRECT) {
      this.counters.directMmio++;
      return this.xen.world.pc.mmio.read(maddr, size) >>> 0;
    }
    const apic = this.apicAt(gpa);
    if (apic) return apic.read(gpa, size) >>> 0;
    this.counters.ioreqMmio++;
    return this.ioreq ? this.ioreq.mmioRead(gpa, size) >>> 0 : ALL_ONES[size];
  }

  memWrite(gpa: number, size: 1 | 2 | 4, value: number): void {
    const e = this.shadow?.lookup(Math.floor(gpa / 0x1000));
    const maddr = e ? e.mfn * 0x1000 + (gpa % 0x1000) : -1;
    if (e && e.type === P2M_RAM_RW) return writeMem(this.xen, maddr, size, value);
    if (e && (e.type === P2M_RAM_RO || e.type === P2M_RAM_LOGDIRTY)) return;
    if (e && e.type === P2M_MMIO_DIRECT) {
      this.counters.directMmio++;
      this.xen.world.pc.mmio.write(maddr, size, value);
      return;
    }
    const apic = this.apicAt(gpa);
    if (apic) return apic.write(gpa, size, value);
    this.counters.ioreqMmio++;
    this.ioreq?.mmioWrite(gpa, size, value);
  }

  /** hvm_mmio_handlers: Xen's own vIOAPIC and vLAPIC pages, before the device model. */
  private apicAt(gpa: number): HvmMmioPage | undefined {
    if (this.d.vioapic?.claims(gpa)) return this.d.vioapic;
    if (this.d.vlapic?.claims(gpa)) return this.d.vlapic;
    return undefined;
  }
}

/** A machine-memory read of `size` bytes (little-endian). */
export function readMem(xen: Xen, maddr: number, size: 1 | 2 | 4): number {
  const mem = xen.world.pc.mem;
  if (size === 4) return mem.readU32(maddr);
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + mem.readU8(maddr + i);
  return v;
}

export function writeMem(xen: Xen, maddr: number, size: 1 | 2 | 4, value: number): void {
  const mem = xen.world.pc.mem;
  if (size === 4) return mem.writeU32(maddr, value >>> 0);
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (value >>> (8 * i)) & 0xff;
  mem.write(maddr, b);
}
