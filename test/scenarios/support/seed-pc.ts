/**
 * The seed's machine driven from outside, as Xen and the guest's e1000 driver would: the
 * Core 2 / Q35 profile built into a Pc, its include-all remapping unit programmed through its
 * register page (root table, a context entry for 02:00.0, second-level tables mapping the
 * guest's pages), and the NIC programmed through BAR0 in MMIO, its rings in guest memory.
 *
 * Guest-physical addresses are what the NIC is told (DMA addresses); the domain's pages live in
 * host memory at GUEST_BASE + gpa, which is what the remapping unit's page tables say.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { parseHostProfile, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { DmarUnit, xenDriver, PERM_R, PERM_W } from '../../unit/vtd/vtd-host.ts';
import { cf8Read } from '../../unit/pci/machine.ts';
import { E1000Driver, RX_BUFS, type DriverMemory } from '../../unit/e1000/e1000-driver.ts';

export const SEED_PROFILE: HostProfile = parseHostProfile(readFileSync(fileURLToPath(new URL('../../../resources/hosts/seed-core2-q35.json', import.meta.url)), 'utf8'));

export const NIC = { segment: 0, bus: 2, device: 0, fn: 0 };
export const NIC_SID = 0x0200;
/** Host-physical base of the guest's memory (what Xen's p2m would hand out). */
export const GUEST_BASE = 0x4000_0000;
export const GUEST_MAPPED_BYTES = 0x40_0000;
export { RX_RING, TX_RING, RX_BUFS, TX_BUFS, BUF_SIZE as BUF } from '../../unit/e1000/e1000-driver.ts';
export const DOMAIN_ID = 1;

export { cf8Read } from '../../unit/pci/machine.ts';

export class SeedRig {
  readonly pc: Pc;
  readonly xen: DmarUnit;
  readonly bar0: number;
  /** The guest's driver, in guest-physical addresses (its pages live at GUEST_BASE + gpa). */
  readonly driver: E1000Driver;

  constructor(seed = 2007) {
    this.pc = new Pc(SEED_PROFILE, { seed });
    const unit = this.pc.unitFor(NIC)!;
    const base = unit.registerBase;
    const mmio = this.pc.mmio;
    this.xen = xenDriver({ read: (off, size) => mmio.read(base + off, size), write: (off, size, v) => mmio.write(base + off, size, v) }, this.pc.mem);
    this.bar0 = (cf8Read(this.pc.io, 2, 0, 0, 0x10) & ~0xf) >>> 0;
    const m = this.pc.mem;
    const guest: DriverMemory = {
      readU8: (a) => m.readU8(GUEST_BASE + a),
      readU32: (a) => m.readU32(GUEST_BASE + a),
      readU64: (a) => m.readU64(GUEST_BASE + a),
      writeU32: (a, v) => m.writeU32(GUEST_BASE + a, v),
      writeU64: (a, v) => m.writeU64(GUEST_BASE + a, v),
      write: (a, b) => m.write(GUEST_BASE + a, b),
    };
    this.driver = new E1000Driver(this, guest);
  }

  /** Xen's side: root table, a 3-level domain mapping [0, bytes) of guest memory, context for 02:00.0, translation on. */
  assignNicToDomain(opts: { mappedBytes?: number; readOnlyFrom?: number } = {}): number {
    const x = this.xen;
    x.setRootTable();
    x.setupFaultEvent(0x99, 0);
    const asr = x.newDomainTable();
    const bytes = opts.mappedBytes ?? GUEST_MAPPED_BYTES;
    for (let gpa = 0; gpa < bytes; gpa += 0x1000) {
      const perm = opts.readOnlyFrom !== undefined && gpa >= opts.readOnlyFrom ? PERM_R : PERM_R | PERM_W;
      x.mapPage(asr, 3, gpa, GUEST_BASE + gpa, perm);
    }
    x.mapContext(NIC_SID, { did: DOMAIN_ID, aw: 1, asr });
    x.flushAll();
    x.enableTranslation();
    return asr;
  }

  // ---- the guest's e1000 driver, through BAR0 and guest memory ----------------------------
  rd(off: number): number {
    return this.pc.mmio.read(this.bar0 + off, 4);
  }

  wr(off: number, v: number): void {
    this.pc.mmio.write(this.bar0 + off, 4, v >>> 0);
  }

  guestWrite(gpa: number, bytes: Uint8Array): void {
    this.pc.mem.write(GUEST_BASE + gpa, bytes);
  }

  guestRead(gpa: number, len: number): Uint8Array {
    const b = new Uint8Array(len);
    this.pc.mem.read(GUEST_BASE + gpa, b);
    return b;
  }

  guestU64(gpa: number, v: number): void {
    this.pc.mem.writeU64(GUEST_BASE + gpa, v);
  }

  /** The guest's e1000 driver (the one test driver): rings of `rx` and `tx` descriptors, IMS RXT0|TXDW. */
  bringUp(rx: number, tx: number, rxBufs = RX_BUFS): void {
    this.driver.bringUp(rx, tx, rxBufs);
  }

  send(frame: Uint8Array): void {
    this.driver.send(frame);
  }

  rxDesc(i: number): { length: number; status: number } {
    const { length, status } = this.driver.rxDesc(i);
    return { length, status };
  }

  get nic() {
    return this.pc.nics[0];
  }

  run(ns: number): void {
    this.pc.sim.engine.runFor(ns);
  }
}

export function frameTo(dst: string, src: string, payload: number, seq = 0): Uint8Array {
  const f = new Uint8Array(14 + payload);
  f.set(dst.split(':').map((h) => parseInt(h, 16)), 0);
  f.set(src.split(':').map((h) => parseInt(h, 16)), 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  for (let i = 14; i < f.length; i++) f[i] = (seq + i) & 0xff;
  return f;
}
