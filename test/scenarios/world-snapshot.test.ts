/**
 * A world snapshot of the seed PC taken mid-transfer and restored into a fresh process
 * continues with the identical trace hash (count, FNV state and ring carried over).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SeedRig, frameTo } from './support/seed-pc.ts';

const PEER = '00:1b:21:00:00:02';
const script = fileURLToPath(new URL('./support/restore-and-run.ts', import.meta.url));

function midTransfer(): SeedRig {
  const rig = new SeedRig(4242);
  rig.assignNicToDomain();
  rig.bringUp(64, 64);
  rig.nic.partner.startStream({ dst: rig.nic.nic.macAddress, count: 40, payloadBytes: 1000 });
  for (let n = 0; n < 20; n++) rig.send(frameTo(PEER, rig.nic.nic.macAddress, 1400, n));
  rig.run(47_311);
  return rig;
}

describe('a world snapshot of the seed PC', () => {
  it('restored into a fresh process, continues with the identical trace hash', () => {
    const rig = midTransfer();
    const snap = JSON.stringify(rig.pc.save());
    rig.run(400_000);
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, '400000'], { input: snap, encoding: 'utf8' });
    const theirs = JSON.parse(out) as { hash: string; now: number };
    expect(rig.pc.sim.tracer.recordCount).toBeGreaterThan(100);
    expect(theirs).toEqual({ hash: rig.pc.sim.tracer.hash, now: rig.pc.sim.engine.now });
  });

  it('names the component a snapshot lacks', () => {
    const rig = midTransfer();
    const snap = rig.pc.save();
    delete snap.world.components.dmar1;
    expect(() => new SeedRig(4242).pc.restore(snap)).toThrow('snapshot component "dmar1": missing from the snapshot');
  });

  it('names the E1000 by its scope when its state is of another version', () => {
    const snap = midTransfer().pc.save();
    snap.world.components['pci.0000:02:00.0'].version = 1;
    expect(() => new SeedRig(4242).pc.restore(snap)).toThrow('snapshot component "pci.0000:02:00.0": snapshot version 1, this build reads version 2');
  });

  it('refuses a bad hex pair in a register snapshot instead of reading it as zero', () => {
    const snap = JSON.parse(JSON.stringify(midTransfer().pc.save()));
    const pci = snap.world.components.pci.state;
    pci.functions['0000:02:00.0'].config.registers.values.COMMAND = '0g00';
    expect(() => new SeedRig(4242).pc.restore(snap)).toThrow(/snapshot component "pci": .*"0g" at byte 0 is not a hex pair/);
  });
});
