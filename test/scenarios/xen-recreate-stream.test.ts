/**
 * A guest destroyed in the middle of a stream, then created again with the same NIC (seed host).
 *
 * The link partner is another machine: it never stops because the NIC's ring is full; the NIC
 * drops what it has no room for and counts it (RNBC, MPC). 2007's Xen does no function-level
 * reset at destroy, so the NIC keeps its rings, its pending causes and its INTx line asserted;
 * the re-created guest's e1000 driver resets it (CTRL.RST) and sets up fresh rings, and a new
 * stream must reach that guest.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { SEED_GRUB, SEED_HVM } from './support/seed-host.ts';
import { bootedSeedWorld, guestReceiving } from './support/xen-world.ts';

const FRAMES = 200;

/** The guest receiving a 200-frame stream is destroyed 317 µs into it (after ~38 frames). */
function destroyedMidStream(era: XenEra = '2007') {
  const w = guestReceiving(FRAMES, bootedSeedWorld(SEED_GRUB, era));
  const port = w.pc.nics[0];
  w.sim.engine.runFor(317_113);
  expect(w.xen!.xm.destroy('fc5-vtd').exitCode).toBe(0);
  return { w, port };
}

/** The NIC's statistics register as a driver reads it (read-to-clear). */
function stat(port: ReturnType<typeof destroyedMidStream>['port'], offset: number): number {
  return port.nic.barRead(0, offset, 4);
}

describe('a guest destroyed in the middle of a 200-frame stream', () => {
  it('does not stop the link partner: it sends all 200 frames, and the NIC counts those it had no room for as missed', () => {
    const { w, port } = destroyedMidStream();
    w.sim.engine.runFor(5_000_000);
    expect(port.partner.counters.framesSent).toBe(FRAMES);
    expect(port.partner.counters.txDropped).toBe(0);
    expect(stat(port, R.RNBC)).toBeGreaterThan(0);
    expect(stat(port, R.MPC)).toBeGreaterThan(0);
  });
});

describe.each(['2007', '3.2'] as const)('after xm create again with the same NIC (%s)', (era) => {
  function recreatedAndStreamed(frames: number) {
    const { w, port } = destroyedMidStream(era);
    w.sim.engine.runFor(5_000_000);
    expect(w.xen!.xm.create('/etc/xen/hvm.conf', SEED_HVM).exitCode).toBe(0);
    w.sim.engine.runFor(1_000_000);
    const sentBefore = port.partner.counters.framesSent;
    if (frames) port.partner.startStream({ dst: port.nic.macAddress, count: frames, payloadBytes: 1000 });
    w.sim.engine.runFor(20_000_000);
    const guest = w.xen!.xend.byName('fc5-vtd')!.guest!;
    return { w, port, guest, sent: port.partner.counters.framesSent - sentBefore };
  }

  it('the new guest’s driver resets the NIC: fresh rings, nothing left of the old stream', () => {
    const { port } = recreatedAndStreamed(0);
    expect(port.nic.barRead(0, R.RDBAL, 4)).toBe(0x0100_0000);
    expect(port.nic.barRead(0, R.RDH, 4)).toBe(0);
    expect(port.nic.barRead(0, R.RDT, 4)).toBe(63);
    expect(stat(port, R.MPC)).toBe(0);
  });

  it('a new 50-frame stream arrives in the new guest, every frame of it', () => {
    const { guest, sent } = recreatedAndStreamed(50);
    expect(sent).toBe(50);
    expect(guest.nic!.stats.rxFrames).toBe(50);
    expect(guest.nic!.stats.rxBytes).toBe(50 * 1014);
  });
});
