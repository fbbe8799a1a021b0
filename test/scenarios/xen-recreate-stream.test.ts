/**
 * A guest destroyed in the middle of a stream, then created again with the same NIC (seed host).
 *
 * The link partner is another machine: it never stops because the NIC's ring is full; the NIC
 * drops what it has no room for and counts it (RNBC, MPC). 2007's Xen does no function-level
 * reset at destroy, so the NIC keeps its rings, its pending causes and its INTx line asserted;
 * the re-created guest's e1000 driver resets it (CTRL.RST) and sets up fresh rings.
 *
 * The line the old guest left asserted fires as soon as the new domain binds it, before
 * hvmloader has routed the PCI links. From 2007-10 (3.2) Xen ends such an interrupt when the
 * guest EOIs the ISA IRQ its link routes to now, or after the 8 ms pt_irq timeout, so a new
 * stream reaches the new guest. The seed's 2007-09 code records girq[] under the route of the
 * moment (none yet) and has no timeout: the guest's EOIs of IRQ 5 never end the machine line,
 * Linux disables the storming IRQ ("nobody cared"), and the new guest receives nothing.
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

function recreatedAndStreamed(era: XenEra, frames: number) {
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

describe.each(['2007', '3.2'] as const)('after xm create again with the same NIC (%s)', (era) => {
  it('the new guest’s driver resets the NIC: fresh rings, nothing left of the old stream', () => {
    const { port } = recreatedAndStreamed(era, 0);
    expect(port.nic.barRead(0, R.RDBAL, 4)).toBe(0x0100_0000);
    expect(port.nic.barRead(0, R.RDH, 4)).toBe(0);
    expect(port.nic.barRead(0, R.RDT, 4)).toBe(63);
    expect(stat(port, R.MPC)).toBe(0);
  });

  it('the link partner sends every frame of a new 50-frame stream', () => {
    expect(recreatedAndStreamed(era, 50).sent).toBe(50);
  });
});

describe.each(['3.2'] as const)('after xm create again with the same NIC (%s: EOI by the current route, 8 ms timeout)', (era) => {
  it('a new 50-frame stream arrives in the new guest, every frame of it', () => {
    const { guest } = recreatedAndStreamed(era, 50);
    expect(guest.nic!.stats.rxFrames).toBe(50);
    expect(guest.nic!.stats.rxBytes).toBe(50 * 1014);
  });
});

describe('after xm create again with the same NIC (2007-09: girq[] under the route of the moment, no timeout)', () => {
  it('the stale line wedges IRQ 5: the guest disables it as nobody cared, receives nothing, and the simulator carries on', () => {
    const { guest, w } = recreatedAndStreamed('2007', 50);
    expect(guest.log.lines.join('\n')).toContain('irq 5: nobody cared');
    expect(guest.log.lines.join('\n')).toContain('Disabling IRQ #5');
    expect(guest.nic!.stats.rxFrames).toBe(0);
    expect(w.xen!.xen.guestIrqs.isInFlight(16)).toBe(true);
  });
});
