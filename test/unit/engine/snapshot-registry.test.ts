import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { defineTrace } from '../../../src-sim/engine/trace.ts';

const tick = defineTrace<{ n: number }>('test.tick', (f) => `tick ${f.n}`);

/** A toy component: a counter that ticks on a timer and draws from a stream. */
function counterWorld(seed = 7) {
  const sim = new Simulation(seed);
  const scope = sim.scope('dev.counter');
  const state = { n: 0 };
  const stream = sim.rng.stream('dev.counter.jitter');
  const t = scope.timer('tick', () => {
    state.n++;
    scope.emit(tick, { n: state.n });
    t.armIn(1000 + stream.nextInt(0, 99));
  });
  scope.register({ version: 2, save: () => ({ ...state }), restore: (s: { n: number }) => void (state.n = s.n) });
  return { sim, scope, state, t };
}

describe('world snapshots by registry', () => {
  it('registers engine, random streams and tracer in every world', () => {
    expect(new Simulation().snapshots.ids).toEqual(['engine', 'rng', 'tracer']);
  });

  it('continues with the identical trace hash after a JSON round trip into a fresh world', () => {
    const a = counterWorld();
    a.t.armIn(10);
    a.sim.engine.runFor(25_000);
    const snap = JSON.parse(JSON.stringify(a.sim.save()));
    a.sim.engine.runFor(50_000);

    const b = counterWorld();
    b.sim.restore(snap);
    b.sim.engine.runFor(50_000);
    expect(b.sim.tracer.hash).toBe(a.sim.tracer.hash);
    expect(b.state.n).toBe(a.state.n);
    expect(b.sim.tracer.recent(3)).toEqual(a.sim.tracer.recent(3));
  });

  it('names the component whose version it cannot read', () => {
    const a = counterWorld();
    const snap = a.sim.save();
    snap.components['dev.counter'].version = 3;
    expect(() => counterWorld().sim.restore(snap)).toThrow('snapshot component "dev.counter": snapshot version 3, this build reads version 2');
  });

  it('names a component the snapshot lacks, and one this world lacks, and changes nothing', () => {
    const a = counterWorld();
    a.sim.engine.runFor(5000);
    const snap = a.sim.save();
    const missing = structuredClone(snap);
    delete missing.components['dev.counter'];
    const b = counterWorld();
    expect(() => b.sim.restore(missing)).toThrow('snapshot component "dev.counter": missing from the snapshot');
    const extra = structuredClone(snap);
    extra.components['dom1.vpic'] = { version: 1, state: {} };
    expect(() => b.sim.restore(extra)).toThrow('snapshot component "dom1.vpic": is in the snapshot but not in this world');
    expect(b.sim.engine.now).toBe(0);
  });

  it('refuses a tracer hash that is not hex', () => {
    const snap = counterWorld().sim.save();
    (snap.components.tracer.state as { hash: string }).hash = 'zz';
    expect(() => counterWorld().sim.restore(snap)).toThrow('snapshot component "tracer": tracer snapshot: hash "zz" is not 8 hex digits');
  });
});

describe('scopes', () => {
  it('prefixes timer names and trace sources with the scope name', () => {
    const { sim, t, scope } = counterWorld();
    expect(t.name).toBe('dev.counter.tick');
    t.armIn(1);
    sim.engine.runFor(2);
    expect(sim.tracer.recent(1)[0].source).toBe('dev.counter');
    expect(scope.scope('sub').name).toBe('dev.counter.sub');
  });

  it('cancels every timer and forgets every component of a torn-down scope and its children', () => {
    const sim = new Simulation();
    const dom = sim.scope('dom1');
    const vpic = dom.scope('vpic');
    vpic.timer('retrigger', () => {}).armIn(100);
    dom.timer('watchdog', () => {}).armIn(200);
    vpic.register({ version: 1, save: () => ({}), restore: () => {} });
    expect(sim.engine.pending).toBe(2);
    dom.dispose();
    expect(sim.engine.pending).toBe(0);
    expect(sim.snapshots.has('dom1.vpic')).toBe(false);
    expect(() => sim.engine.timer('dom1.vpic.retrigger', () => {})).not.toThrow();
    expect(() => vpic.timer('again', () => {})).toThrow('scope dom1.vpic was torn down');
  });
});
