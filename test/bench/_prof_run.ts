import { machine } from './_prof_e1000.ts';
const m = machine(46, 195);
for (let k = 0; k < 15; k++) {
  const t0 = performance.now(); const p0 = m.packets();
  for (let j = 0; j < 20; j++) m.sim.engine.runFor(1_000_000);
  const dt = performance.now() - t0;
  if (k > 11) console.log(m.packets() - p0, 'packets in', dt.toFixed(0), 'ms =', ((m.packets() - p0) / dt * 1000).toFixed(0), '/s');
}
