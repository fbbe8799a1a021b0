/**
 * The seed's PC end to end below the hypervisor: the E1000 at 02:00.0 does its DMA through the
 * Q35's include-all remapping unit, which Xen has programmed through its registers.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { DOMAIN_ID, GUEST_BASE, NIC, NIC_SID, RX_BUFS, RX_RING, BUF, SeedRig, cf8Read, frameTo, SEED_PROFILE } from './support/seed-pc.ts';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import type { TraceRecord } from '../../src-sim/engine/index.ts';

const PEER = '00:1b:21:00:00:02';

describe('the seed PC', () => {
  it('answers config cycles for the 82572EI at 02:00.0 and decodes its BAR0 where firmware put it', () => {
    const rig = new SeedRig();
    expect(cf8Read(rig.pc.io, 2, 0, 0, 0x00)).toBe(0x10b98086);
    expect(rig.bar0).toBe(0xfe8e0000);
    expect(rig.rd(R.STATUS) & R.STATUS_LU).toBe(R.STATUS_LU);
  });

  it('puts 02:00.0 under the include-all remapping unit at 0xfed93000', () => {
    const rig = new SeedRig();
    expect(rig.pc.unitFor(NIC)?.registerBase).toBe(0xfed93000);
    expect(rig.pc.unitFor({ segment: 0, bus: 0, device: 2, fn: 0 })?.registerBase).toBe(0xfed91000);
  });

  it('delivers frames from the link partner into the host pages VT-d maps the guest buffers to', () => {
    const rig = new SeedRig();
    rig.assignNicToDomain();
    rig.bringUp(8, 8);
    const nicMac = rig.nic.nic.macAddress;
    rig.nic.partner.startStream({ dst: nicMac, count: 3, payloadBytes: 100 });
    rig.run(100_000);
    for (let i = 0; i < 3; i++) {
      const d = rig.rxDesc(i);
      expect(d.status & R.RXD_STA_DD).toBe(R.RXD_STA_DD);
      expect(d.length).toBe(114);
      // The frame is in host memory at GUEST_BASE + the buffer's guest address, not at the guest address itself.
      const hostCopy = rig.guestRead(RX_BUFS + BUF * i, 6);
      expect([...hostCopy]).toEqual(nicMac.split(':').map((h) => parseInt(h, 16)));
    }
    expect(rig.pc.gsi[16].level).toBe(true);
  });

  it('sends the guest’s frames to the link partner through translated descriptor and buffer reads', () => {
    const rig = new SeedRig();
    rig.assignNicToDomain();
    rig.bringUp(8, 8);
    for (let n = 0; n < 4; n++) rig.send(frameTo(PEER, rig.nic.nic.macAddress, 500, n));
    rig.run(200_000);
    expect(rig.nic.partner.counters.framesReceived).toBe(4);
    expect(rig.nic.partner.counters.badFcs).toBe(0);
    expect(rig.xen.fsts() & 0x2).toBe(0);
  });

  it('blocks a receive into a page the domain did not map: fault recorded, event raised, no byte written', () => {
    const rig = new SeedRig();
    const messages: unknown[] = [];
    rig.pc.onInterruptMessage((m) => messages.push(m));
    rig.assignNicToDomain({ mappedBytes: 0x10_0000 }); // rings mapped, buffers at 1 MiB not
    rig.bringUp(8, 8);
    const before = rig.pc.mem.save();
    rig.nic.partner.startStream({ dst: rig.nic.nic.macAddress, count: 1, payloadBytes: 100 });
    rig.run(100_000);
    const f = rig.xen.faultRecord(0);
    expect(f).toMatchObject({ fault: true, reason: 0x05, read: false, sid: NIC_SID, addr: RX_BUFS });
    expect(rig.xen.fsts() & 0x2).toBe(0x2);
    expect(messages).toEqual([{ from: 'vtd', address: 0xfee00000, data: 0x4099 }]);
    const after = rig.pc.mem.save();
    const changed = Object.keys(after.pages).filter((pfn) => after.pages[pfn] !== before.pages[pfn]).map((p) => parseInt(p, 16) * 4096);
    // Only the RX descriptor's write-back page changed; the buffer's would-be host page stayed untouched.
    expect(changed).toEqual([GUEST_BASE + RX_RING]);
  });

  it('refuses a write into a page the domain mapped read-only, with the write-permission reason', () => {
    const rig = new SeedRig();
    rig.assignNicToDomain({ readOnlyFrom: RX_BUFS });
    rig.bringUp(8, 8);
    rig.nic.partner.startStream({ dst: rig.nic.nic.macAddress, count: 1, payloadBytes: 60 });
    rig.run(100_000);
    expect(rig.xen.faultRecord(0)).toMatchObject({ fault: true, reason: 0x05, sid: NIC_SID });
    expect([...rig.guestRead(RX_BUFS, 16)]).toEqual(new Array(16).fill(0));
  });

  it('keeps the context’s domain id as Xen wrote it', () => {
    const rig = new SeedRig();
    rig.assignNicToDomain();
    const ctx = rig.pc.mem.readU64(rig.pc.mem.readU32(rig.xen.root + 16 * 2) - 1 + 8);
    expect(Math.floor(ctx / 256) % 65536).toBe(DOMAIN_ID);
  });

  it('a snapshot taken mid-transfer and restored into a fresh machine continues identically', () => {
    const rig = new SeedRig();
    rig.assignNicToDomain();
    rig.bringUp(64, 64);
    rig.nic.partner.startStream({ dst: rig.nic.nic.macAddress, count: 40, payloadBytes: 1000 });
    for (let n = 0; n < 20; n++) rig.send(frameTo(PEER, rig.nic.nic.macAddress, 1400, n));
    rig.run(47_311); // frames on the wire both ways, descriptors in flight
    const snap = JSON.parse(JSON.stringify(rig.pc.save()));

    const record = (pc: Pc) => {
      const seen: string[] = [];
      pc.sim.tracer.on((r: TraceRecord) => seen.push(`${r.t} ${r.name} ${r.text}`));
      return seen;
    };
    const original = record(rig.pc);
    rig.run(500_000);

    const copy = new Pc(SEED_PROFILE);
    copy.restore(snap);
    const restored = record(copy);
    copy.sim.engine.runFor(500_000);

    expect(original.length).toBeGreaterThan(50);
    expect(restored).toEqual(original);
    expect(JSON.stringify(copy.save())).toBe(JSON.stringify(rig.pc.save()));
  });
});
