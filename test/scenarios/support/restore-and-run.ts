/**
 * A fresh process for the world-snapshot test: reads a seed-PC snapshot (JSON) on stdin,
 * builds the machine from the profile, restores, runs the given virtual ns and prints the
 * tracer's hash — what the original process printed, if restore is exact.
 */
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { SEED_PROFILE } from './seed-pc.ts';

const ns = Number(process.argv[2]);
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => {
  const snap = JSON.parse(text);
  const pc = new Pc(SEED_PROFILE, { seed: snap.world.seed });
  pc.restore(snap);
  pc.sim.engine.runFor(ns);
  process.stdout.write(JSON.stringify({ hash: pc.sim.tracer.hash, now: pc.sim.engine.now }) + '\n');
});
