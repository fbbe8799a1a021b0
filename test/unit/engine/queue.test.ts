import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src-sim/engine/index.ts';

function recorder(e: Engine) {
  const fired: string[] = [];
  const timer = (name: string) => e.timer(name, (now) => fired.push(`${now}:${name}`));
  return { fired, timer };
}

describe('the event queue', () => {
  it('fires events due at the same nanosecond in the order they were armed', () => {
    const e = new Engine();
    const { fired, timer } = recorder(e);
    const names = ['c', 'a', 'e', 'b', 'd'];
    for (const n of names) timer(n).armAt(100);
    e.runUntil(100);
    expect(fired).toEqual(names.map((n) => `100:${n}`));
  });

  it('orders by time first, then by arming order', () => {
    const e = new Engine();
    const { fired, timer } = recorder(e);
    timer('late').armAt(300);
    timer('early-2').armAt(100);
    timer('mid').armAt(200);
    timer('early-1').armAt(100);
    e.runUntil(1000);
    expect(fired).toEqual(['100:early-2', '100:early-1', '200:mid', '300:late']);
  });

  it('re-arming a timer moves it to the back of its new instant', () => {
    const e = new Engine();
    const { fired, timer } = recorder(e);
    const a = timer('a');
    a.armAt(50);
    timer('b').armAt(50);
    a.armAt(50);
    e.runUntil(50);
    expect(fired).toEqual(['50:b', '50:a']);
  });

  it('a cancelled timer never fires and others keep their order', () => {
    const e = new Engine();
    const { fired, timer } = recorder(e);
    const ts = ['a', 'b', 'c', 'd'].map((n, i) => {
      const t = timer(n);
      t.armAt(10 * (i + 1));
      return t;
    });
    ts[1].cancel();
    ts[1].cancel();
    e.runUntil(100);
    expect(fired).toEqual(['10:a', '30:c', '40:d']);
    expect(ts[1].armed).toBe(false);
  });

  it('keeps heap order under thousands of random arms and cancels', () => {
    const e = new Engine();
    const fired: number[] = [];
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const timers = Array.from({ length: 500 }, (_, i) => e.timer(`t${i}`, (now) => fired.push(now)));
    for (let k = 0; k < 5000; k++) {
      const t = timers[next() % timers.length];
      if (next() % 4 === 0) t.cancel();
      else t.armAt(next() % 100_000);
    }
    const armed = timers.filter((t) => t.armed).length;
    e.runUntil(100_000);
    expect(fired.length).toBe(armed);
    expect(e.pending).toBe(0);
    for (let i = 1; i < fired.length; i++) expect(fired[i]).toBeGreaterThanOrEqual(fired[i - 1]);
  });

  it('runUntil leaves the clock at the target, and refuses to arm in the past', () => {
    const e = new Engine();
    e.runUntil(5_000);
    expect(e.now).toBe(5_000);
    const t = e.timer('t', () => undefined);
    expect(() => t.armAt(4_999)).toThrow(/before now/);
    expect(() => e.runUntil(1.5)).toThrow(/integer/);
  });

  it('a run cut short by maxEvents resumes exactly where it stopped', () => {
    const e = new Engine();
    const { fired, timer } = recorder(e);
    for (let i = 0; i < 10; i++) timer(`t${i}`).armAt(100 + i);
    expect(e.runUntil(1000, 3)).toBe(3);
    expect(e.now).toBe(102);
    e.runUntil(1000);
    expect(fired).toHaveLength(10);
    expect(e.now).toBe(1000);
  });

  it('a snapshot restores the clock and pending events, and the run continues identically', () => {
    const build = () => {
      const e = new Engine();
      const log: string[] = [];
      const a = e.timer('a', (now) => {
        log.push(`a@${now}`);
        a.armAt(now + 7);
      });
      const b = e.timer('b', (now) => {
        log.push(`b@${now}`);
        b.armAt(now + 11);
      });
      return { e, log, a, b };
    };
    const first = build();
    first.a.armAt(0);
    first.b.armAt(3);
    first.e.runUntil(50);
    const snap = JSON.parse(JSON.stringify(first.e.save()));
    first.e.runUntil(200);

    const second = build();
    second.e.restore(snap);
    second.e.runUntil(200);
    expect(second.log).toEqual(first.log.filter((l) => Number(l.split('@')[1]) > 50));
    expect(second.e.eventsDispatched).toBe(first.e.eventsDispatched);
  });

  it('a snapshot naming a timer nobody owns is refused', () => {
    const e = new Engine();
    expect(() => e.restore({ now: 0, nextSeq: 1, eventsDispatched: 0, timers: [{ name: 'ghost', deadline: 5, seq: 0 }] })).toThrow(/ghost/);
  });
});
