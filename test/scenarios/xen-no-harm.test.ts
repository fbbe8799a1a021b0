/**
 * Issue 14 item 11, "no harm done": a PV guest (netfront ↔ netback over grant tables and event
 * channels) and an HVM guest whose only NIC is qemu-dm's emulated RTL8139 run beside the guest
 * the E1000 is assigned to, and what they get is the same whether that guest is absent, running
 * its e1000 driver, or running the malicious driver that aims DMA at every other domain.
 */
import { describe, expect, it } from 'vitest';
import { RX_TARGET, TX_PAGES } from '../../src-sim/guest/linux/drivers/xen/netfront.ts';
import { pktgenFrame, PktgenSink } from '../../src-sim/guest/linux/net/core/pktgen.ts';
import { bootVariant, emuMemoryHash, FRAMES, PV_MAC, pvMemoryHash, runNoHarm, startTraffic, type NoHarmRun, type Variant } from './support/no-harm.ts';

const runs = new Map<Variant, NoHarmRun>();
const run = (v: Variant) => runs.get(v) ?? runs.set(v, runNoHarm(v)).get(v)!;

/** What a bystander's result must not depend on. */
const outcome = (r: NoHarmRun) => ({
  pv: { frames: r.pv.got.frames, bytes: r.pv.got.bytes, payloads: r.pv.got.digest, dom0Got: [r.pv.dom0Got.frames, r.pv.dom0Got.bytes, r.pv.dom0Got.digest], memory: r.pv.memory },
  emu: { frames: r.emu.got.frames, bytes: r.emu.got.bytes, payloads: r.emu.got.digest, dom0Got: [r.emu.dom0Got.frames, r.emu.dom0Got.bytes, r.emu.dom0Got.digest], memory: r.emu.memory },
});

describe('no harm done: a PV guest and an emulated-NIC guest beside the assigned one', () => {
  it('with traffic to all three at once, each gets every frame, checksums intact and in order', () => {
    const r = run('beside the assigned guest');
    for (const s of [r.pv.got, r.pv.dom0Got, r.emu.got, r.emu.dom0Got]) {
      expect(s).toMatchObject({ frames: FRAMES, bad: 0, outOfOrder: 0 });
      expect(s.bytes).toBe(FRAMES * (14 + 20 + 8 + 600));
    }
    expect(r.assignedRx).toBe(FRAMES);
  });

  it('the bystanders get the same frames, bytes, payloads and memory alone as beside the assigned guest', () => {
    expect(outcome(run('beside the assigned guest'))).toEqual(outcome(run('alone')));
  });

  it('and the same again while the assigned guest runs the malicious driver, whose every DMA is blocked', () => {
    const r = run('beside the malicious assigned guest');
    expect(r.attack!.attempts.length).toBeGreaterThan(0);
    expect(r.attack!.attempts.filter((a) => a.outcome === 'reached')).toEqual([]);
    expect(outcome(r)).toEqual(outcome(run('alone')));
  });

  it('the memory hashes see a byte changed outside the receive buffers, and only there', () => {
    const { host } = run('alone');
    const mem = host.pc.mem;
    const pv = host.xend.byName('pv-net')!.pvGuest!;
    const [pvHash, emuHash] = [pvMemoryHash(host), emuMemoryHash(host)];
    const rxPage = pv.netdevs[0].rxPages[0];
    mem.writeU32(rxPage + 0x800, mem.readU32(rxPage + 0x800) ^ 1);
    expect(pvMemoryHash(host)).toBe(pvHash);
    const txPage = pv.allocated[2 + TX_PAGES - 1]; // after the two ring pages: the last tx buffer
    mem.writeU32(txPage + 0x800, mem.readU32(txPage + 0x800) ^ 1);
    expect(pvMemoryHash(host)).not.toBe(pvHash);
    expect(emuMemoryHash(host)).toBe(emuHash);
  });

  it('the PV path is grant copies, maps and event channels; the emulated NIC interrupts through HVMOP_set_pci_intx_level', () => {
    const ops = new Set(run('beside the assigned guest').host.xen.hypercalls.records.map((h) => h.op));
    for (const op of ['GNTTABOP_setup_table', 'GNTTABOP_map_grant_ref', 'GNTTABOP_unmap_grant_ref', 'GNTTABOP_copy', 'EVTCHNOP_alloc_unbound', 'EVTCHNOP_bind_interdomain', 'EVTCHNOP_send', 'HVMOP_set_pci_intx_level']) expect(ops).toContain(op);
  });

  it('the emulated NIC is the guest’s 8139too eth0 on an XT-PIC line, its ports trapped to qemu-dm, no machine IRQ bound for it', () => {
    const r = run('beside the assigned guest');
    const emu = r.host.xend.byName('fc5-emu')!;
    const irq = emu.guest!.rtl!.irq;
    expect(emu.guest!.procInterrupts()).toMatch(new RegExp(`^ *${irq}: +\\d+ +XT-PIC +eth0$`, 'm'));
    expect(emu.guest!.interruptCount(irq)).toBeGreaterThan(0);
    const d = r.host.xen.domain(emu.domid)!;
    expect(d.mirq.size).toBe(0);
    // Its port accesses all went to qemu-dm as ioreqs; Xen passed none through to a machine port.
    expect(d.hvmIo!.counters.ioreqPortio).toBeGreaterThan(FRAMES);
    expect(d.hvmIo!.counters.dpciPortio).toBe(0);
  });

  it('xm list shows dom0 and all three guests; xenbr0 holds the PV vif and both taps', () => {
    const r = run('beside the assigned guest');
    const names = r.host.xm.list().stdout.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['Domain-0', 'pv-net', 'fc5-emu', 'fc5-vtd']);
    expect(r.host.xend.net!.xenbr0.portNames().sort()).toEqual(['tap2.0', 'tap3.0', 'vif1.0']);
  });

  it('destroying the assigned guest leaves the others running, and their traffic still flows', () => {
    const host = bootVariant('beside the assigned guest');
    expect(host.xm.destroy('fc5-vtd').exitCode).toBe(0);
    expect(host.xm.list().stdout.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['Domain-0', 'pv-net', 'fc5-emu']);
    expect(host.xend.net!.xenbr0.portNames().sort()).toEqual(['tap2.0', 'vif1.0']);
    const f = startTraffic(host, 40);
    host.pc.sim.engine.runFor(4_000_000);
    for (const s of [f.toPv, f.fromPv, f.toEmu, f.fromEmu]) expect(s.stats).toMatchObject({ frames: 40, bad: 0, outOfOrder: 0 });
  });

  it('a burst bigger than the buffers the guests posted waits for them to post more, and arrives whole', () => {
    const host = bootVariant('alone');
    const f = startTraffic(host, 300, 100);
    host.pc.sim.engine.runFor(20_000_000);
    for (const s of [f.toPv, f.fromPv, f.toEmu, f.fromEmu]) expect(s.stats).toMatchObject({ frames: 300, bad: 0, outOfOrder: 0 });
    // dom0 alone sends three rings' worth of buffers at once: netback must wait for the refills.
    const net = host.xend.net!;
    const sink = new PktgenSink(PV_MAC);
    host.xend.byName('pv-net')!.pvGuest!.netdevs[0].receive = (fr) => sink.receive(fr);
    for (let seq = 0; seq < 3 * RX_TARGET; seq++) net.xenbr0.input('xenbr0', pktgenFrame({ srcMac: net.xenbr0.mac, dstMac: PV_MAC, srcIp: 1, dstIp: 2 }, seq, 200, (i) => i));
    host.pc.sim.engine.runFor(5_000_000);
    expect(sink.stats).toMatchObject({ frames: 3 * RX_TARGET, bad: 0, outOfOrder: 0 });
  });

  it('destroying the PV guest disconnects its vif: the grants are unmapped and dom0’s port closed', () => {
    const host = bootVariant('alone');
    expect(host.xm.destroy('pv-net').exitCode).toBe(0);
    expect(host.xend.net!.xenbr0.portNames()).toEqual(['tap2.0']);
    expect(host.xend.net!.netback.vifs).toEqual([]);
    expect(host.xen.dom0.grantTable!.maptrack.every((m) => m === null)).toBe(true);
    expect(host.xen.dom0.evtchn!.ports.filter((p) => p.state !== 0 && p.state !== 1)).toEqual([]);
  });
});
