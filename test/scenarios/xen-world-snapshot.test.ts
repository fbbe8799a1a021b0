/**
 * World snapshots of a Xen host: the hypervisor, dom0, xend, qemu-dm and the guests are rebuilt
 * by replaying how they were built (boot, xm creates and destroys, guest boots), then every
 * component loads its named fields — so a restored world runs on exactly as the original does.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { World, WorldSnapshot } from '../../src-sim/world/world.ts';
import { expectGolden } from '../golden/golden.ts';
import { PtDevice34 } from '../../src-sim/qemu/ioemu/hw/pass-through-34.ts';
import { domainPirqs } from '../../src-sim/xen/arch/x86/physdev.ts';
import { domainMsi } from '../../src-sim/xen/drivers/passthrough/io-msi.ts';
import { guestConfig, SLOT3 } from './support/guest-config.ts';
import { grubWith, hvmWith, SEED_HVM } from './support/seed-host.ts';
import { armedTimers, bootedSeedWorld, guestMidTransfer, guestReceiving, leftovers, runView, seedWorld, type Leftovers, type RunView } from './support/xen-world.ts';

const script = fileURLToPath(new URL('./support/restore-xen-world-and-run.ts', import.meta.url));
const SECOND_HVM = hvmWith({ name: '"fc5-emulated"', pci: '[]' });
const RUN_ON_NS = 2_000_000;
/** The NIC's MSI capability in the guest's view (3.4's register table keeps it at 0xd0). */
const MSI_CAP = 0xd0;

/** A JSON round trip: what a file or a pipe would carry. */
const throughJson = (s: WorldSnapshot): WorldSnapshot => JSON.parse(JSON.stringify(s));

function restoredCopy(snap: WorldSnapshot): World {
  const w = seedWorld();
  w.restore(throughJson(snap));
  return w;
}

describe('a world snapshot of the seed host with the guest mid-transfer, restored in a fresh process', () => {
  let atSnapshot: RunView;
  let original: { view: RunView; afterDestroy: Leftovers };
  let restored: { view: RunView; destroyExit: number; afterDestroy: Leftovers };
  let neverCreated: Leftovers;

  beforeAll(() => {
    const w = guestMidTransfer();
    atSnapshot = runView(w);
    const snapshot = w.save();
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { input: JSON.stringify({ snapshot, ns: RUN_ON_NS, destroy: 'fc5-vtd' }), encoding: 'utf8' });
    restored = JSON.parse(out);
    w.sim.engine.runFor(RUN_ON_NS);
    const view = runView(w);
    w.xen!.xm.destroy('fc5-vtd');
    original = { view, afterDestroy: leftovers(w) };
    neverCreated = leftovers(bootedSeedWorld());
  }, 120_000);

  it('was taken with frames still arriving at the guest', () => {
    expect(atSnapshot.rx['fc5-vtd'].rxFrames).toBeGreaterThan(0);
    expect(original.view.rx['fc5-vtd'].rxFrames).toBeGreaterThan(atSnapshot.rx['fc5-vtd'].rxFrames);
  });

  it('runs on to the identical trace hash, guest receive counters and hypercall log', () => {
    expect(restored.view.traceCount).toBeGreaterThan(atSnapshot.traceCount);
    expect(restored.view.traceHash).toBe(original.view.traceHash);
    expect(restored.view.rx).toEqual(original.view.rx);
    expect(restored.view.hypercalls).toEqual(original.view.hypercalls);
    expect(restored.view).toEqual(original.view);
  });

  it('then destroys the guest with xm and is left with nothing of it: no component, timer, IRQ binding or domain, the NIC back with dom0', () => {
    expect(restored.destroyExit).toBe(0);
    expect(restored.afterDestroy).toEqual(original.afterDestroy);
    expect(restored.afterDestroy.timers).toEqual([]);
    expect(restored.afterDestroy.boundIrqs).toEqual([]);
    expect(restored.afterDestroy.xenDomains).toEqual([0]);
    expect(restored.afterDestroy.xendDomains).toEqual([]);
    expect(restored.afterDestroy.dom0Devices).toContain('2:0.0');
    expect(restored.afterDestroy.components).toEqual(neverCreated.components);
    expect(restored.afterDestroy.freePages).toBe(original.afterDestroy.freePages);
  });
});

describe('world snapshots taken around xm create and xm destroy', () => {
  it('one taken between two xm creates round-trips: both worlds then create the second guest and run on identically', () => {
    const w = bootedSeedWorld();
    w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    w.sim.engine.runFor(1_000_000);
    const copy = restoredCopy(w.save());
    for (const world of [w, copy]) {
      expect(world.xen!.xm.create('/etc/xen/second.conf', SECOND_HVM).exitCode).toBe(0);
      world.sim.engine.runFor(1_000_000);
    }
    expect([...copy.xen!.xend.domains.values()].map((d) => `${d.domid} ${d.name}`)).toEqual(['1 fc5-vtd', '2 fc5-emulated']);
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken after xm refused a create (the name is taken) and after a second guest took the same NIC (as 2007 let it) round-trips', () => {
    const w = bootedSeedWorld();
    w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    w.sim.engine.runFor(1_000_000);
    expect(w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM).stderr).toEqual(["Error: Domain 'fc5-vtd' already exists with ID '1'"]);
    expect(w.xen!.xm.create('/etc/xen/again.conf', hvmWith({ name: '"fc5-again"' })).exitCode).toBe(0);
    w.sim.engine.runFor(1_000_000);
    const copy = restoredCopy(w.save());
    expect([...copy.xen!.xend.domains.values()].map((d) => `${d.domid} ${d.name}`)).toEqual(['1 fc5-vtd', '2 fc5-again']);
    for (const world of [w, copy]) {
      const nic = world.pc.nics[0];
      nic.partner.startStream({ dst: nic.nic.macAddress, count: 5, payloadBytes: 100 });
      world.sim.engine.runFor(1_000_000);
    }
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken right after xm create, before the guest’s vCPU 0 first ran, round-trips: the restored guest boots when its start timer fires', () => {
    const w = bootedSeedWorld();
    w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(armedTimers(w)).toContain('d1.vcpu0.start');
    expect(w.xen!.xend.byName('fc5-vtd')!.guest).toBeUndefined();
    const copy = restoredCopy(w.save());
    for (const world of [w, copy]) world.sim.engine.runFor(1_000_000);
    expect(copy.xen!.xend.byName('fc5-vtd')!.guest!.nic!.mac).toBe(copy.pc.nics[0].nic.macAddress);
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken in 3.4 while the guest owes an EOI (its 8 ms pt_irq_timeout armed) round-trips, the timer re-armed by name', () => {
    const w = guestReceiving(50, bootedSeedWorld(grubWith('iommu=1 dom0_mem=1024M'), '3.4'));
    // The guest EOIs within the same virtual instant: stop between two events, before it does.
    for (let i = 0; i < 100_000 && !armedTimers(w).some((t) => t.startsWith('d1.pt_irq_timeout.')); i++) w.sim.engine.step();
    const pending = armedTimers(w).filter((t) => t.startsWith('d1.pt_irq_timeout.'));
    expect(pending).toHaveLength(1);
    const copy = restoredCopy(w.save());
    expect(armedTimers(copy)).toEqual(armedTimers(w));
    for (const world of [w, copy]) world.sim.engine.runFor(RUN_ON_NS);
    expect(runView(copy).rx['fc5-vtd'].rxFrames).toBe(50);
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken in 3.4 with MSI enabled by the guest round-trips: the pirq table, the MSI binding and the register-table device come back alike', () => {
    const w = guestReceiving(10, bootedSeedWorld(grubWith('iommu=1 dom0_mem=1024M'), '3.4'));
    const msi = guestConfig(w.xen!, 1, SLOT3);
    msi.write(MSI_CAP + 4, 4, 0xfee0100c);
    msi.write(MSI_CAP + 0x0c, 2, 0x4149);
    msi.write(MSI_CAP + 2, 2, msi.read(MSI_CAP + 2, 2) | 1);
    const copy = restoredCopy(w.save());
    const view = (x: World) => {
      const d = x.xen!.xen.domain(1)!;
      const pt = x.xen!.xend.byName('fc5-vtd')!.qemu!.bus.devices.find((dev) => dev instanceof PtDevice34) as PtDevice34;
      return { pirqs: domainPirqs(d), msi: domainMsi(d), device: pt.save(), control: guestConfig(x.xen!, 1, SLOT3).read(MSI_CAP + 2, 2) };
    };
    expect(view(w).msi.bindings).toHaveLength(1);
    expect(view(copy)).toEqual(view(w));
    for (const world of [w, copy]) world.sim.engine.runFor(RUN_ON_NS);
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken in 3.2 with an apic = 1 guest mid-transfer round-trips: its vIOAPIC and vLAPIC come back, frames keep arriving alike', () => {
    const w = guestReceiving(100, bootedSeedWorld(grubWith('vtd=1 dom0_mem=1024M'), '3.2'), hvmWith({ acpi: '1', apic: '1' }));
    w.sim.engine.runFor(317_113);
    const copy = restoredCopy(w.save());
    const apics = (x: World) => ({ vioapic: x.xen!.xen.domain(1)!.vioapic!.save(), vlapic: x.xen!.xen.domain(1)!.vlapic!.save() });
    expect(apics(copy)).toEqual(apics(w));
    for (const world of [w, copy]) world.sim.engine.runFor(RUN_ON_NS);
    expect(runView(w).rx['fc5-vtd'].rxFrames).toBeGreaterThan(0);
    expect(runView(copy)).toEqual(runView(w));
  });

  it('one taken after a destroy round-trips: the next guest gets the next domid in both, and frames reach it alike', () => {
    const w = guestReceiving(20);
    w.sim.engine.runFor(1_000_000);
    w.xen!.xm.destroy('fc5-vtd');
    w.sim.engine.runFor(100_000);
    const copy = restoredCopy(w.save());
    expect(leftovers(copy)).toEqual(leftovers(w));
    for (const world of [w, copy]) {
      world.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
      world.sim.engine.runFor(1_000_000);
      const nic = world.pc.nics[0];
      nic.partner.startStream({ dst: nic.nic.macAddress, count: 5, payloadBytes: 100 });
      world.sim.engine.runFor(1_000_000);
    }
    expect(copy.xen!.xend.byName('fc5-vtd')!.domid).toBe(2);
    expect(runView(copy).rx['fc5-vtd'].rxFrames).toBe(5);
    expect(runView(copy)).toEqual(runView(w));
  });
});

describe('a restored Xen world', () => {
  it('snapshots again and restores again: its build record is the original’s, so the copy of a copy runs on alike', () => {
    const w = guestMidTransfer();
    const copy = restoredCopy(w.save());
    expect(copy.save().world.components.toolstack).toEqual(w.save().world.components.toolstack);
    const copyOfCopy = restoredCopy(copy.save());
    for (const world of [w, copyOfCopy]) world.sim.engine.runFor(RUN_ON_NS);
    expect(runView(copyOfCopy)).toEqual(runView(w));
  });
});

describe('a Xen world snapshot that cannot be restored says which component and why', () => {
  let snap: WorldSnapshot;
  beforeAll(() => {
    const w = bootedSeedWorld();
    w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    w.sim.engine.runFor(1_000_000);
    snap = throughJson(w.save());
  });
  const edited = (edit: (c: WorldSnapshot['world']['components']) => void) => {
    const s = throughJson(snap);
    edit(s.world.components);
    return s;
  };

  it('names the domain component it lacks', () => {
    const s = edited((c) => delete c['d1.vpic']);
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "d1.vpic": missing from the snapshot');
  });

  it('names the guest whose state is of another version', () => {
    const s = edited((c) => (c['guest.d1'].version = 9));
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "guest.d1": snapshot version 9, this build reads version 1');
  });

  it('names the build record when it is of another version, before building anything', () => {
    const s = edited((c) => (c.toolstack.version = 2));
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "toolstack": snapshot version 2, this build reads version 1');
  });

  it('names a domain the recorded build never creates', () => {
    const s = edited((c) => (c.d7 = c.d1));
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "d7": is in the snapshot but not in this world');
  });

  it('names the build record when its grub.conf no longer boots', () => {
    const s = edited((c) => ((c.toolstack.state as { grub: string }).grub = 'default=0\n'));
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "toolstack": booting its grub.conf again (era 2007): grub.conf has no boot entry: GRUB stops at its menu');
  });

  it('names the build step that no longer gives the recorded domain', () => {
    const s = edited((c) => ((c.toolstack.state as { steps: { domid?: number }[] }).steps[0].domid = 4));
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "toolstack": step 1 (create of domain 4): the replayed xm create gave domain 1');
  });

  it('names a field missing from a domain’s state', () => {
    const s = edited((c) => delete (c.d1.state as { fields: Record<string, unknown> }).fields.mirq);
    expect(() => seedWorld().restore(s)).toThrow('snapshot component "d1": d1: field "mirq" is missing');
  });

  it('names the device model a rebuild started differently (another MAC drawn for its NIC)', () => {
    const s = edited((c) => {
      const q = c['qemu-dm.1'].state as { argv: string[] };
      q.argv = q.argv.map((a) => a.replace(/macaddr=[0-9a-f:]+/, 'macaddr=00:16:3e:00:00:01'));
    });
    expect(() => seedWorld().restore(s)).toThrow(/^snapshot component "qemu-dm\.1": the rebuilt device model was started as ".*macaddr=00:16:3e:[0-9a-f:]+.*", the snapshot's as ".*macaddr=00:16:3e:00:00:01/);
  });

  it('refuses to restore into a world that has booted Xen already', () => {
    expect(() => bootedSeedWorld().restore(throughJson(snap))).toThrow('restore it into a freshly built world');
  });

  it('refuses a Xen snapshot in a bare PC world, naming the hypervisor component it has no place for', () => {
    const s = throughJson(snap);
    const pcOnly = seedWorld();
    delete s.world.components.toolstack;
    expect(() => pcOnly.restore(s)).toThrow(/snapshot component "(xen|xen\.heap|d0|dom0\.linux)[^"]*": is in the snapshot but not in this world/);
  });
});

describe('the Xen part of a world snapshot', () => {
  it('is named fields under stable ids, as the golden file shows (the PC’s own components left out)', () => {
    const { components } = guestMidTransfer().save().world;
    const xenIds = Object.keys(components).filter((id) => /^(xen|d\d|dom0\.|xend$|qemu-dm\.|guest\.|toolstack$)/.test(id));
    expect(xenIds).toEqual(['xen', 'xen.heap', 'xen.hypercalls', 'xen.irq', 'xen.vtd', 'd0', 'd0.physdev', 'd0.evtchn', 'd0.xenstore', 'd0.xenbr0', 'toolstack', 'dom0.linux', 'xend', 'd1', 'd1.physdev', 'd1.vpic', 'd1.vioapic', 'd1.vlapic', 'd1.hvm', 'd1.qemu-dm.rtl8139-0', 'qemu-dm.1', 'guest.d1']);
    const xenPart = Object.fromEntries(xenIds.map((id) => [id, components[id]]));
    expectGolden('xen/seed-2007-mid-transfer-snapshot.json', JSON.stringify(xenPart, null, 1) + '\n');
  });
});
