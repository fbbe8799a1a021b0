/** engine.eventsPerSecond: timers firing and re-arming through the (time, seq) heap. */
import { Engine } from '../../src-sim/engine/index.ts';
import { opsPerSecond, type Figures } from './measure.ts';

/**
 * 64 periodic timers with co-prime periods, each re-arming itself when it fires: the shape of a
 * machine with a few dozen device timers, where every event is a pop plus a push.
 */
function eventsPerSecond(): number {
  const e = new Engine();
  for (let i = 0; i < 64; i++) {
    const period = 997 + i * 13;
    const t = e.timer(`t${i}`, (now) => t.armAt(now + period));
    t.armAt(i);
  }
  return opsPerSecond(() => {
    const before = e.eventsDispatched;
    e.runFor(2_000_000);
    return e.eventsDispatched - before;
  });
}

export const figures: Figures = {
  'engine.eventsPerSecond': eventsPerSecond,
};
