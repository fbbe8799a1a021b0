/**
 * The simulator process entry, unchanged under both hosts:
 *  - Electron `utilityProcess.fork`: main posts a MessagePortMain on `process.parentPort` for each
 *    window (again after a reload); each port becomes a session on the one runtime.
 *  - Node `child_process.fork` (browser mode, tests): the IPC channel is the one connection; the
 *    process exits when its parent disconnects.
 * Options come from argv: `--seed N`, `--speed X|max`, `--paused`, `--standby`.
 *
 * `--standby` (Node child only) lets a host start a simulator before any page asks for one: the
 * world is built at once, then the child says `{ type: 'standby' }` and waits, its clock held at
 * zero, for the host's `{ type: 'attach' }`. Only then does the run start and the session greet
 * the page (status first, as without standby), so a page never sees time that passed unwatched.
 */
import { parseArgs } from 'node:util';
import { SimRuntime } from './runtime.ts';
import { SimSession } from './session.ts';
import { nodeChildConnection, portConnection, type Connection, type PortLike } from './transport.ts';
import type { Speed } from '../../src-shared/protocol/index.ts';

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

/** The host's word to a standby child that a page is now connected (the only non-protocol message it sends). */
const ATTACH = 'attach';

function optionsFromArgv(argv: string[]): { seed?: number; speed?: Speed; paused: boolean; standby: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string' }, speed: { type: 'string' }, paused: { type: 'boolean' }, standby: { type: 'boolean' } },
    strict: false,
  });
  const seed = typeof values.seed === 'string' ? Number(values.seed) : undefined;
  const speed: Speed | undefined = values.speed === 'max' ? 'max' : typeof values.speed === 'string' ? Number(values.speed) : undefined;
  return { seed, speed, paused: values.paused === true, standby: values.standby === true };
}

function serve(runtime: SimRuntime, conn: Connection): void {
  const session = new SimSession(runtime, (msg) => conn.send(msg));
  conn.onMessage((msg) => session.handle(msg));
  conn.onClose(() => session.close());
}

/** A standby child: build the world, say so, and start the run when the host attaches a page. */
function standBy(proc: NodeJS.Process, opts: ReturnType<typeof optionsFromArgv>): void {
  const runtime = new SimRuntime({ seed: opts.seed, speed: opts.speed, paused: true });
  proc.once('message', (msg) => {
    if ((msg as { type?: unknown } | null)?.type !== ATTACH) {
      process.stderr.write(`vtdw sim: standing by, expected the host's "${ATTACH}" first\n`);
      process.exit(2);
    }
    if (!opts.paused) runtime.resume();
    serve(runtime, nodeChildConnection(proc));
  });
  exitWithParent(proc, runtime);
  // A host gone in this instant fails the send asynchronously; 'disconnect' then ends us.
  proc.send!({ type: 'standby' }, undefined, undefined, () => undefined);
}

/** A Node child lives as long as its IPC channel: the parent disconnecting is the end of the run. */
function exitWithParent(proc: NodeJS.Process, runtime: SimRuntime): void {
  proc.on('disconnect', () => {
    runtime.dispose();
    process.exit(0);
  });
}

const opts = optionsFromArgv(process.argv.slice(2));
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort) {
  const runtime = new SimRuntime(opts);
  parentPort.on('message', (e) => {
    const port = e.ports?.[0];
    if (port) serve(runtime, portConnection(port));
  });
} else if (process.send && opts.standby) {
  standBy(process, opts);
} else if (process.send) {
  const runtime = new SimRuntime(opts);
  serve(runtime, nodeChildConnection(process));
  exitWithParent(process, runtime);
} else {
  process.stderr.write('vtdw sim: no parent to talk to (start me with utilityProcess.fork or child_process.fork)\n');
  process.exit(2);
}
