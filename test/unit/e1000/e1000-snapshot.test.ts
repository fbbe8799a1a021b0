import { describe, expect, it } from 'vitest';
import { Tracer, type TraceDef, type TraceFields } from '../../../src-sim/engine/index.ts';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { E1000Rig } from './e1000-rig.ts';

/** Folds every record emitted from now on into a separate tracer's hash. */
function hashFromNow(tracer: Tracer): () => string {
  const clock = { now: 0 };
  const h = new Tracer(clock);
  tracer.on((r) => {
    clock.now = r.t;
    const def: TraceDef<TraceFields> = { name: r.name, format: () => r.text };
    h.emit(def, r.fields);
  });
  return () => h.hash;
}

/** A NIC under load: a receive stream, a transmit burst, ITR and a CPU that services it. */
function busyRig(): E1000Rig {
  const rig = new E1000Rig();
  const isr = rig.sim.engine.timer('cpu.isr', () => {
    rig.rd(R.ICR);
    rig.cleanRx();
  });
  rig.intx.connect((level) => {
    if (level) isr.armIn(2_000);
  });
  return rig;
}

function startLoad(rig: E1000Rig): void {
  rig.resetHw();
  rig.setupTx(64);
  rig.setupRx(32);
  rig.wr(R.ITR, 195);
  rig.wr(R.IMS, R.IMS_ENABLE_MASK);
  rig.partner.startStream({ dst: rig.nic.macAddress, count: 300, payloadBytes: 600, framesPerSecond: 150_000 });
  for (let i = 0; i < 40; i++) rig.post(rig.frameToPartner(1000, i));
  rig.doorbell();
}

function snapshot(rig: E1000Rig) {
  return JSON.parse(
    JSON.stringify({
      engine: rig.sim.engine.save(),
      mem: rig.mem.save(),
      nic: rig.nic.save(),
      wire: rig.wire.save(),
      partner: rig.partner.save(),
      drv: rig.drv,
    }),
  ) as {
    engine: ReturnType<E1000Rig['sim']['engine']['save']>;
    mem: ReturnType<E1000Rig['mem']['save']>;
    nic: ReturnType<E1000Rig['nic']['save']>;
    wire: ReturnType<E1000Rig['wire']['save']>;
    partner: ReturnType<E1000Rig['partner']['save']>;
    drv: E1000Rig['drv'];
  };
}

describe('E1000 snapshot', () => {
  it('restored mid-transfer into a fresh machine, continues with the same trace hash and memory', () => {
    const a = busyRig();
    startLoad(a);
    a.run(100_000);
    const snap = snapshot(a);
    // mid-transfer: TX frames queued in the FIFO, one on the wire, the ITR window open
    expect(snap.nic.tx.fifo.frames.length).toBeGreaterThan(0);
    expect(snap.engine.timers.map((t) => t.name)).toEqual(expect.arrayContaining(['e1000.0.itr', 'cable0.a_to_b.arrive']));
    const hashA = hashFromNow(a.sim.tracer);
    a.run(3_000_000);

    const b = busyRig();
    const hashB = hashFromNow(b.sim.tracer);
    b.mem.restore(snap.mem);
    b.nic.restore(snap.nic);
    b.wire.restore(snap.wire);
    b.partner.restore(snap.partner);
    b.drv = { ...snap.drv };
    b.sim.engine.restore(snap.engine);
    b.run(3_000_000);

    expect(a.partner.counters.framesReceived).toBe(40);
    expect(hashB()).toBe(hashA());
    expect(b.sim.engine.now).toBe(a.sim.engine.now);
    expect(b.partner.counters).toEqual(a.partner.counters);
    expect(JSON.stringify(b.mem.save())).toBe(JSON.stringify(a.mem.save()));
    expect(b.nic.save()).toEqual(a.nic.save());
    expect([a.rd(R.GPRC), b.rd(R.GPRC)]).toEqual([300, 300]);
  });

  it('round-trips its state: save, restore into a fresh NIC, save again gives the same object', () => {
    const a = busyRig();
    startLoad(a);
    a.run(50_000);
    const s1 = a.nic.save();
    const b = busyRig();
    b.nic.restore(JSON.parse(JSON.stringify(s1)));
    expect(b.nic.save()).toEqual(s1);
    expect(b.intx.level).toBe(a.intx.level);
  });
});
