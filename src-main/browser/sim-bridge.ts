/**
 * Bridges one page's WebSocket to its own simulator child process. Text frames carry the same
 * protocol objects the MessagePort carries under Electron; the host checks only that a frame is
 * JSON within the protocol's size and nesting limits, answering one over them with a protocol
 * error naming the limit (the simulator validates the rest). Frames that break RFC 6455 (bad
 * UTF-8, unknown opcode, unmasked, bad close code) or are too big to take in at all
 * (MAX_FRAME_BYTES) close this one socket with the code the RFC names, and a log line.
 * Page messages are held until the child's first message, because a Node child drops IPC
 * messages that arrive before it listens.
 * When the child dies the socket closes with code 4001 and the reason, and the page reconnects.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, jsonTooDeep, tooDeepMessage, tooLargeMessage } from '../../src-shared/protocol/limits.ts';

export const CLOSE_SIM_EXITED = 4001;
export const CLOSE_HOST_STOPPING = 1001;

/** Messages held for a child that is still starting; more are refused, not buffered. */
const MAX_HELD_MESSAGES = 64;

/** The close code ws sends for each of its frame errors (RFC 6455 section 7.4.1). */
function closeCodeOf(err: Error): number {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  return 1002;
}

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

  const refuse = (message: string) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'response', id: null, ok: false, error: { code: 'malformed', message } }));
  };

  ws.on('error', (err) => {
    const limit = closeCodeOf(err) === 1009 ? ` (the limit is ${MAX_FRAME_BYTES} bytes)` : '';
    log(`page socket closed with ${closeCodeOf(err)}: ${err.message}${limit}`);
  });

  ws.on('message', (data, isBinary) => {
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      const bytes = (data as Buffer).length;
      if (bytes > MAX_MESSAGE_BYTES) return refuse(tooLargeMessage(bytes));
      const text = data.toString();
      // Before JSON.parse: IPC's JSON.stringify recurses per level and would overflow the stack.
      if (jsonTooDeep(text)) return refuse(tooDeepMessage());
      msg = JSON.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return refuse(`message: not a JSON text frame (${reason})`);
    }
    if (!ready) {
      if (held.length >= MAX_HELD_MESSAGES) return refuse(`message: the simulator is still starting and already holds ${MAX_HELD_MESSAGES} messages; wait for its first status event`);
      held.push(msg);
    } else if (child.connected) child.send(msg as object, (err) => err && log(`simulator (pid ${child.pid}): message not delivered: ${err.message}`));
  });

  ws.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Disconnecting lets the sim exit on its own; kill it if it does not.
      if (child.connected) child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }
  });
}
