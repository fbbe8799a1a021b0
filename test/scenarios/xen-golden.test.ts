/**
 * Golden event logs of the seed's recipe: power-on from grub.conf, `xm create hvm.conf`,
 * hvmloader's PCI setup, the guest's e1000 up, the first frame received, `xm list`, `xm destroy`, as one ordered log (Xen console, dom0 kernel, xend, xm, qemu-dm,
 * hypercalls). Regenerate deliberately with `npm run test:golden` and review the diff like code.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../src-sim/world/world.ts';
import { expectGolden } from '../golden/golden.ts';
import { bootFromGrub } from '../../src-sim/toolstack/host.ts';
import { EventLog } from '../../src-sim/toolstack/event-log.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { hostProfile } from './support/xen-host.ts';
import { grubWith, SEED_GRUB, SEED_HVM } from './support/seed-host.ts';

const golden = (name: string, actual: string) => expectGolden(`xen/${name}`, actual);

function run(era: XenEra, grub: string): { log: string; hash: string } {
  // One world, as the simulator process holds it: the Simulation, the PC, then Xen on top.
  const world = new World(hostProfile('seed-core2-q35'), { seed: 2007 });
  const { pc } = world;
  const events = new EventLog(pc.sim.tracer);
  const host = bootFromGrub(world, grub, era);
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  // hvmloader and the guest's kernel run once vCPU 0 is scheduled; then one frame arrives on the wire.
  pc.sim.engine.runFor(1_000_000);
  const nic = pc.nics[0];
  nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
  pc.sim.engine.runFor(2_000_000);
  host.xm.list();
  host.xm.destroy('fc5-vtd');
  return { log: events.text(), hash: pc.sim.tracer.hash };
}

describe('golden event logs', () => {
  it('2007: the seed grub.conf and hvm.conf, power-on to first packet to destroy', () => {
    golden('seed-2007-create-destroy.log', run('2007', SEED_GRUB).log);
  });

  it('3.4: iommu=1, the same guest', () => {
    golden('seed-3.4-create-destroy.log', run('3.4', grubWith('iommu=1 dom0_mem=1024M loglvl=all guest_loglvl=all')).log);
  });

  it('the same files and seed give the same trace hash', () => {
    expect(run('2007', SEED_GRUB).hash).toBe(run('2007', SEED_GRUB).hash);
  });
});
