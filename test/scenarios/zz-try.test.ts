import { it, expect } from 'vitest';
import { bootedSeedWorld, seedWorld, runView } from './support/xen-world.ts';
import { SEED_HVM } from './support/seed-host.ts';
it('x', () => {
  const w = bootedSeedWorld();
  w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  w.sim.engine.runFor(1_000_000);
  const nic = w.pc.nics[0];
  nic.partner.startStream({ dst: nic.nic.macAddress, count: 200, payloadBytes: 1000 });
  w.sim.engine.runFor(300_000);
  console.log(runView(w).rx, w.sim.snapshots.ids.join(' '));
  const snap = JSON.parse(JSON.stringify(w.save()));
  const c = seedWorld();
  c.restore(snap);
  w.sim.engine.runFor(2_000_000);
  c.sim.engine.runFor(2_000_000);
  console.log(runView(w).rx, runView(c).rx);
  expect(runView(c)).toEqual(runView(w));
});
