/**
 * world.snapshotRoundTripMs: the seed PC mid-transfer (remapping on, frames on the wire both
 * ways, descriptors in flight) saved through the snapshot registry, serialised to JSON, parsed,
 * and restored into a freshly built machine — the cost of a checkpoint and a rewind.
 *
 * world.xenSnapshotRoundTripMs: the same for the seed host under Xen with the FC5 guest receiving
 * a stream through VT-d: save, JSON both ways, and restore into a fresh World, which rebuilds
 * Xen, dom0, xend, qemu-dm and the guest by replaying their construction before loading fields.
 */
import { performance } from 'node:perf_hooks';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import { SEED_PROFILE, SeedRig, frameTo } from '../scenarios/support/seed-pc.ts';
import { medianMs, type Figures } from './measure.ts';
import { guestMidTransfer, runView, seedWorld } from '../scenarios/support/xen-world.ts';

function midTransfer(): SeedRig {
  const rig = new SeedRig(2007);
  rig.assignNicToDomain();
  rig.bringUp(64, 64);
  rig.nic.partner.startStream({ dst: rig.nic.nic.macAddress, count: 40, payloadBytes: 1000 });
  for (let n = 0; n < 20; n++) rig.send(frameTo('00:1b:21:00:00:02', rig.nic.nic.macAddress, 1400, n));
  rig.run(47_311);
  return rig;
}

async function snapshotRoundTripMs(): Promise<number> {
  const rig = midTransfer();
  return medianMs(async () => {
    const t0 = performance.now();
    const text = JSON.stringify(rig.pc.save());
    const copy = new Pc(SEED_PROFILE, { seed: 2007 });
    copy.restore(JSON.parse(text));
    const ms = performance.now() - t0;
    if (copy.sim.tracer.hash !== rig.pc.sim.tracer.hash) throw new Error('restored world diverged');
    return ms;
  }, 9);
}

async function xenSnapshotRoundTripMs(): Promise<number> {
  const w = guestMidTransfer();
  const before = JSON.stringify(runView(w));
  return medianMs(async () => {
    const t0 = performance.now();
    const text = JSON.stringify(w.save());
    const copy = seedWorld();
    copy.restore(JSON.parse(text));
    const ms = performance.now() - t0;
    if (JSON.stringify(runView(copy)) !== before) throw new Error('restored Xen world diverged');
    return ms;
  }, 9);
}

export const figures: Figures = {
  'world.snapshotRoundTripMs': snapshotRoundTripMs,
  'world.xenSnapshotRoundTripMs': xenSnapshotRoundTripMs,
};
