/**
 * Which source-id DMA carries into the remapping unit (VT-d spec §3.6.1; vtd.md §3): a PCIe
 * endpoint its own, a conventional PCI device behind a PCI Express-to-PCI bridge the bridge's
 * (secondary bus, devfn 0), one behind a conventional PCI-to-PCI bridge that bridge's own BDF.
 * The machine is driven from outside: Xen's side programs the unit through its registers, the
 * dom0 side programs the NIC through BAR0, the link partner sends a frame.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { buildPciHost, parseHostProfile, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { dmaRequesterId } from '../../../src-sim/hw/pci/requester-id.ts';
import { PERM_R, PERM_W, xenDriver, type DmarUnit } from './vtd-host.ts';
import { E1000Driver, RX_BUFS } from '../e1000/e1000-driver.ts';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { cf8Read } from '../pci/machine.ts';

const load = (name: string): HostProfile => parseHostProfile(readFileSync(new URL(`../../../resources/hosts/${name}.json`, import.meta.url), 'utf8'));
const BRIDGE_HOST = load('desktop-q35-pci-bridge');
const bdf = (bus: number, device: number, fn = 0) => ({ segment: 0, bus, device, fn });

/** The bridge desktop with its include-all unit programmed by `program`, and a driver for the NIC at 05:`slot`.0. */
function rig(slot: number, program: (x: DmarUnit) => void) {
  const pc = new Pc(BRIDGE_HOST, { seed: 7 });
  const unit = pc.unitFor(bdf(5, slot))!;
  const x = xenDriver({ read: (o, s) => pc.mmio.read(unit.registerBase + o, s), write: (o, s, v) => pc.mmio.write(unit.registerBase + o, s, v) }, pc.mem);
  x.setRootTable();
  x.setupFaultEvent(0x98, 0);
  program(x);
  x.flushAll();
  x.enableTranslation();
  const bar0 = (cf8Read(pc.io, 5, slot, 0, 0x10) & ~0xf) >>> 0;
  const m = pc.mem;
  // dom0's driver: its DMA addresses are machine addresses.
  const driver = new E1000Driver(
    { rd: (o) => pc.mmio.read(bar0 + o, 4), wr: (o, v) => pc.mmio.write(bar0 + o, 4, v >>> 0) },
    { readU8: (a) => m.readU8(a), readU32: (a) => m.readU32(a), readU64: (a) => m.readU64(a), writeU32: (a, v) => m.writeU32(a, v), writeU64: (a, v) => m.writeU64(a, v), write: (a, b) => m.write(a, b) },
  );
  const nic = pc.nics.find((n) => n.bdf.bus === 5 && n.bdf.device === slot)!;
  const receiveOne = () => {
    driver.bringUp(8, 8);
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    pc.sim.engine.runFor(100_000);
  };
  return { pc, x, driver, nic, receiveOne };
}

/** A 3-level identity map of the first 4 MiB for domain `did` at `sid`. */
function identity(x: DmarUnit, sid: number, did: number): void {
  const asr = x.newDomainTable();
  for (let a = 0; a < 0x40_0000; a += 0x1000) x.mapPage(asr, 3, a, a, PERM_R | PERM_W);
  x.mapContext(sid, { did, aw: 1, asr });
}

describe('the requester id of DMA behind a PCIe-to-PCI bridge', () => {
  it('is the bridge’s secondary bus with devfn 0 for both cards behind it, the endpoint’s own elsewhere', () => {
    const host = buildPciHost(BRIDGE_HOST);
    expect(dmaRequesterId(host, bdf(5, 0))).toBe(0x0500);
    expect(dmaRequesterId(host, bdf(5, 1))).toBe(0x0500);
    expect(dmaRequesterId(host, bdf(2, 0))).toBe(0x0200);
    expect(dmaRequesterId(host, bdf(0, 0x1f, 2))).toBe(0x00fa);
  });

  it('is a conventional PCI-to-PCI bridge’s own BDF for a card behind the ICH’s hub bridge 00:1e.0', () => {
    const seed = load('seed-core2-q35');
    const card = BRIDGE_HOST.pci.find((f) => f.bdf === '0000:05:01.0')!;
    const host = buildPciHost({ ...seed, pci: [...seed.pci, { ...card, bdf: '0000:03:02.0' }] });
    expect(dmaRequesterId(host, bdf(3, 2))).toBe(0x00f0);
  });

  it('lets 05:01.0 receive through the context entry of 05:00.0 alone', () => {
    const r = rig(1, (x) => identity(x, 0x0500, 1));
    r.receiveOne();
    expect(r.driver.rxDesc(0).status & R.RXD_STA_DD).toBe(R.RXD_STA_DD);
    expect(r.x.fsts() & 2).toBe(0);
    expect(r.pc.mem.readU8(RX_BUFS)).toBe(parseInt(r.nic.nic.macAddress.slice(0, 2), 16));
  });

  it('faults 05:01.0’s DMA under source-id 05:00.0 when only its own BDF has a context entry', () => {
    const r = rig(1, (x) => identity(x, 0x0501, 1));
    const before = r.pc.mem.readU32(RX_BUFS);
    r.receiveOne();
    expect(r.x.fsts() & 2).toBe(2);
    const rec = r.x.faultRecord((r.x.fsts() >>> 8) & 0xff);
    expect(rec.fault).toBe(true);
    expect(rec.sid).toBe(0x0500);
    expect(rec.reason).toBe(2); // bus 5's context table exists (for 05:01.0), its devfn-0 entry is not present
    expect(r.driver.rxDesc(0).status & R.RXD_STA_DD).toBe(0);
    expect(r.pc.mem.readU32(RX_BUFS)).toBe(before);
  });
});
