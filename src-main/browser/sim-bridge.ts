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

/** Bytes of one page's messages the child has not taken yet; past this they are refused, not buffered. */
export const MAX_PENDING_BYTES = 4 * MAX_MESSAGE_BYTES;

/** The close code ws sends for each of its frame errors (RFC 6455 section 7.4.1). */
function closeCodeOf(err: Error): number {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  return 1002;
}

/** A page's text frame as a protocol object, or why it is refused (limits first, then JSON). */
function pageMessage(data: Buffer, isBinary: boolean): { value: object } | string {
  if (isBinary) return 'message: not a JSON text frame (binary frames are not part of the protocol)';
  if (data.length > MAX_MESSAGE_BYTES) return tooLargeMessage(data.length);
  const text = data.toString();
  // Before JSON.parse: IPC's JSON.stringify recurses per level and would overflow the stack.
  if (jsonTooDeep(text)) return tooDeepMessage();
  try {
    return { value: JSON.parse(text) as object };
  } catch (err) {
    return `message: not a JSON text frame (${(err as Error).message})`;
  }
}

export interface SimLaunch {
  entry: string;
  execArgv: string[];
  args: string[];
}

/** The part of a child process the outbox uses (a fake in tests). */
export interface ChildChannel {
  readonly connected: boolean;
  send(msg: object, cb: (err: Error | null) => void): boolean;
}

/**
 * A page's messages on their way to its simulator: held until the child first speaks (a Node
 * child drops IPC messages that arrive before it listens), then in flight until IPC has taken
 * them. Both count against one byte budget, so a page that floods a slow or starting child gets
 * protocol errors instead of growing the host's memory.
 */
export class SimOutbox {
  private readonly held: [object, number][] = [];
  private pendingBytes = 0;
  private ready = false;

  constructor(
    private readonly child: ChildChannel,
    private readonly onSendError: (err: Error) => void,
  ) {}

  /** Sends or holds `msg` (`bytes` long as text); returns a refusal when the budget is spent. */
  push(msg: object, bytes: number): string | undefined {
    if (this.pendingBytes + bytes > MAX_PENDING_BYTES) {
      return `message: the simulator has not yet taken ${this.pendingBytes} bytes of earlier messages (the limit is ${MAX_PENDING_BYTES}); wait for its answers`;
    }
    this.pendingBytes += bytes;
    if (this.ready) this.deliver(msg, bytes);
    else this.held.push([msg, bytes]);
    return undefined;
  }

  /** The child spoke: it listens now; send what was held. */
  listening(): void {
    if (this.ready) return;
    this.ready = true;
    for (const [m, b] of this.held.splice(0)) this.deliver(m, b);
  }

  private deliver(msg: object, bytes: number): void {
    if (!this.child.connected) {
      this.pendingBytes -= bytes;
      return;
    }
    this.child.send(msg, (err) => {
      this.pendingBytes -= bytes;
      if (err) this.onSendError(err);
    });
  }
}

export function bridgePage(ws: WebSocket, launch: SimLaunch, log: (line: string) => void, onChild: (c: ChildProcess, alive: boolean) => void): void {
  const child = fork(launch.entry, launch.args, { execArgv: launch.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onChild(child, true);
  log(`simulator started (pid ${child.pid})`);
  const outbox = new SimOutbox(child, (err) => log(`simulator (pid ${child.pid}): message not delivered: ${err.message}`));

  child.on('message', (msg) => {
    outbox.listening();
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
    const bytes = (data as Buffer).length;
    const msg = pageMessage(data as Buffer, isBinary);
    if (typeof msg === 'string') return refuse(msg);
    const refusal = outbox.push(msg.value, bytes);
    if (refusal) refuse(refusal);
  });

  ws.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Disconnecting lets the sim exit on its own; kill it if it does not.
      if (child.connected) child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }
  });
}
