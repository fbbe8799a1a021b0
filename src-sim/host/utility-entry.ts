/**
 * The simulator process entry, unchanged under both hosts:
 *  - Electron `utilityProcess.fork`: main posts a MessagePortMain on `process.parentPort` for each
 *    window (again after a reload); each port becomes a session on the one runtime.
 *  - Node `child_process.fork` (browser mode, tests): the IPC channel is the one connection; the
 *    process exits when its parent disconnects.
 * Options come from argv: `--seed N`, `--speed X|max`, `--paused`.
 */
import { parseArgs } from 'node:util';
import { SimRuntime } from './runtime.ts';
import { SimSession } from './session.ts';
import { nodeChildConnection, portConnection, type Connection, type PortLike } from './transport.ts';
import type { Speed } from '../../src-shared/protocol/index.ts';

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

function runtimeFromArgv(argv: string[]): SimRuntime {
  const { values } = parseArgs({
    args: argv,
    options: { seed: { type: 'string' }, speed: { type: 'string' }, paused: { type: 'boolean' } },
    strict: false,
  });
  const seed = typeof values.seed === 'string' ? Number(values.seed) : undefined;
  const speed: Speed | undefined = values.speed === 'max' ? 'max' : typeof values.speed === 'string' ? Number(values.speed) : undefined;
  return new SimRuntime({ seed, speed, paused: values.paused === true });
}

function serve(runtime: SimRuntime, conn: Connection): void {
  const session = new SimSession(runtime, (msg) => conn.send(msg));
  conn.onMessage((msg) => session.handle(msg));
  conn.onClose(() => session.close());
}

const runtime = runtimeFromArgv(process.argv.slice(2));
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

if (parentPort) {
  parentPort.on('message', (e) => {
    const port = e.ports?.[0];
    if (port) serve(runtime, portConnection(port));
  });
} else if (process.send) {
  serve(runtime, nodeChildConnection(process));
  process.on('disconnect', () => {
    runtime.dispose();
    process.exit(0);
  });
} else {
  process.stderr.write('vtdw sim: no parent to talk to (start me with utilityProcess.fork or child_process.fork)\n');
  process.exit(2);
}
