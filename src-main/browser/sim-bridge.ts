/**
 * Bridges one page's WebSocket to its own simulator child process. Text frames carry the same
 * protocol objects the MessagePort carries under Electron; the host checks only that a frame is
 * JSON (the simulator validates the rest). Page messages are held until the child's first
 * message, because a Node child drops IPC messages that arrive before it listens.
 * When the child dies the socket closes with code 4001 and the reason, and the page reconnects.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';

export const CLOSE_SIM_EXITED = 4001;
export const CLOSE_HOST_STOPPING = 1001;

export interface SimLaunch {
  entry: string;
  execArgv: string[];
  args: string[];
}

export function bridgePage(ws: WebSocket, launch: SimLaunch, log: (line: string) => void, onChild: (c: ChildProcess, alive: boolean) => void): void {
  const child = fork(launch.entry, launch.args, { execArgv: launch.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onChild(child, true);
  log(`simulator started (pid ${child.pid})`);
  let ready = false;
  const held: unknown[] = [];

  child.on('message', (msg) => {
    if (!ready) {
      ready = true;
      for (const m of held.splice(0)) child.send(m as object);
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  });

  child.on('exit', (code, signal) => {
    onChild(child, false);
    const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
    log(`simulator (pid ${child.pid}) ${why}`);
    if (ws.readyState === ws.OPEN) ws.close(CLOSE_SIM_EXITED, `simulator ${why}`.slice(0, 120));
  });

  child.on('error', (err) => log(`simulator (pid ${child.pid}) error: ${err.message}`));

  ws.on('message', (data, isBinary) => {
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      msg = JSON.parse(data.toString());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      ws.send(JSON.stringify({ type: 'response', id: null, ok: false, error: { code: 'malformed', message: `message: not a JSON text frame (${reason})` } }));
      return;
    }
    if (!ready) held.push(msg);
    else if (child.connected) child.send(msg as object);
  });

  ws.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Disconnecting lets the sim exit on its own; kill it if it does not.
      if (child.connected) child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }
  });
}
