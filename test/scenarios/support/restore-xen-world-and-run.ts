/**
 * A fresh process for the Xen world-snapshot scenario: reads `{ snapshot, ns, destroy }` (JSON)
 * on stdin, builds a fresh World of the snapshot's host profile and seed, restores it (which
 * rebuilds Xen, dom0, xend and the guests by replaying their construction), runs `ns` of virtual
 * time, then `xm destroy`s the named domain; prints what the run looked like before and after.
 */
import { World } from '../../../src-sim/world/world.ts';
import { hostProfile } from './xen-host.ts';
import { leftovers, runView } from './xen-world.ts';

let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => {
  const { snapshot, ns, destroy } = JSON.parse(text);
  const world = new World(hostProfile(snapshot.profile), { seed: snapshot.world.seed });
  world.restore(snapshot);
  world.sim.engine.runFor(ns);
  const view = runView(world);
  const xm = world.xen!.xm.destroy(destroy);
  process.stdout.write(JSON.stringify({ view, destroyExit: xm.exitCode, afterDestroy: leftovers(world) }) + '\n');
});
