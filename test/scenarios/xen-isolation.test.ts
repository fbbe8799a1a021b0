/**
 * Isolation with the seed's patches (2007): a malicious guest driver cannot reach beyond what
 * it was given. DMA pointed outside its memory is blocked by VT-d, recorded in the unit's fault
 * registers and logged by Xen's fault handler; ports it was not given never reach the machine;
 * it cannot map anything itself. No byte of anyone else's memory changes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { doDomctl } from '../../src-sim/xen/common/domctl.ts';
import { bootSeedHost, SEED_HVM } from './support/seed-host.ts';
import { RX_DESCS } from '../../src-sim/guest/linux/drivers/net/e1000.ts';

function running() {
  const host = bootSeedHost();
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const dom = host.xend.byName('fc5-vtd')!;
  const d = host.xen.domain(dom.domid)!;
  return { host, dom, d, io: d.hvmIo!, nic: host.pc.nics[0] };
}

/** A hash of every machine page the guest does not own. */
function othersHash(host: ReturnType<typeof running>['host'], domid: number): string {
  const own = new Set<number>();
  for (const r of host.xen.domain(domid)!.frames) for (let i = 0; i < r.count; i++) own.add(r.mfn + i);
  const pages = host.pc.mem.save().pages;
  const h = createHash('sha256');
  for (const pfn of Object.keys(pages).sort()) if (!own.has(parseInt(pfn, 16))) h.update(pfn + pages[pfn]);
  return h.digest('hex');
}

describe('a malicious guest driver (2007, VT-d on)', () => {
  it('points the NIC’s receive DMA outside its memory: blocked, recorded, logged by Xen, nothing else changes', () => {
    const { host, d, io, nic } = running();
    const rxRing = 0x0100_0000;
    for (let i = 0; i < RX_DESCS; i++) io.memWrite(rxRing + 16 * i, 4, 0x4000_0000 + 0x800 * i);
    const before = othersHash(host, d.domid);
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    expect(othersHash(host, d.domid)).toBe(before);
    expect(host.xen.con.ring).toContain('(XEN) intel-iommu.c:694: iommu_page_fault:DMA Write: DEVICE 2:0.0 addr 40000000 REASON 5');
    expect(host.xen.vtd!.faults).toEqual([{ read: false, sid: 0x0200, addr: 0x4000_0000, reason: 5 }]);
    // Xen's handler cleared the record: no primary fault pending any more.
    expect(host.xen.vtd!.unitFor(nic.bdf)!.fsts() & 2).toBe(0);
  });

  it('reads a machine port it was not given (the NIC’s real I/O BAR): qemu-dm answers all-ones, the machine port is never touched', () => {
    const { io, host } = running();
    let touched = 0;
    const off = host.pc.sim.tracer.on((r) => {
      if (r.name.startsWith('e1000')) touched++;
    });
    expect(io.portRead(0xe004, 4)).toBe(0xffffffff);
    off();
    expect(touched).toBe(0);
    expect(io.counters.dpciPortio).toBe(0);
  });

  it('cannot map a foreign BAR itself: domctl from a guest is -EPERM', () => {
    const { host, d } = running();
    expect(doDomctl(host.xen, d.domid, { cmd: 'memory_mapping', domain: d.domid, firstGfn: 0xf8000, firstMfn: 0xfed90, nrMfns: 1, add: true }).rc).toBe(-1);
    expect(d.p2m!.get(0xf8000)).toBeUndefined();
  });
});

describe('destroy and re-create', () => {
  it('ten times leaks nothing: memory, Xen pages, IRQ bindings, context entries', () => {
    const host = bootSeedHost();
    const free = host.xen.heap.freePages;
    for (let i = 0; i < 10; i++) {
      expect(host.xm.create('/etc/xen/hvm.conf', SEED_HVM).exitCode).toBe(0);
      host.pc.sim.engine.runFor(1_000_000);
      expect(host.xm.destroy('fc5-vtd').exitCode).toBe(0);
    }
    expect(host.xen.heap.freePages).toBe(free);
    expect(host.xen.irqs.bound()).toEqual([]);
    expect(host.xen.vtd!.unitFor({ segment: 0, bus: 2, device: 0, fn: 0 })!.readContext(0x200)?.did).toBe(0);
    expect([...host.xen.domains.keys()]).toEqual([0]);
  });
});

describe('after xm destroy (2007: no function-level reset)', () => {
  it('the NIC still has bus mastering and its rings: a late frame is written 1:1 into host memory at the guest’s old addresses', () => {
    const { host, nic } = running();
    host.xm.destroy('fc5-vtd');
    const rxRing = 0x0100_0000;
    const owner = [...host.xen.domains.values()].find((d) => d.frames.some((r) => r.mfn <= rxRing / 0x1000 && rxRing / 0x1000 < r.mfn + r.count));
    // In this host's layout that machine page is Xen's own heap (no domain owns it).
    expect(owner).toBeUndefined();
    const before = host.pc.mem.readU8(rxRing + 12);
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    // The descriptor write-back (DD) landed there: translated by dom0's 1:1 table, so no fault stops it.
    expect(before & 1).toBe(0);
    expect(host.pc.mem.readU8(rxRing + 12) & 1).toBe(1);
    expect(host.xen.vtd!.faults).toEqual([]);
  });
});
