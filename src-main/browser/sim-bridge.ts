/**
 * Bridges one page's WebSocket to its own simulator child process. Text frames carry the same
 * protocol objects the MessagePort carries under Electron; the host checks only that a frame is
 * JSON within the protocol's size and nesting limits, answering one over them with a protocol
 * error naming the limit (the simulator validates the rest). Frames that break RFC 6455 (bad
 * UTF-8, unknown opcode, unmasked, bad close code) or are too big to take in at all
 * (MAX_FRAME_BYTES) close this one socket with the code the RFC names, and a log line.
 * Page messages are held until the child says it stands by, because a Node child drops IPC
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

/** The child's word that it is built and listening (never forwarded to a page). */
const STANDBY = 'standby';

/**
 * One simulator child, started `--standby`: it builds its world before any page needs it and
 * runs from the moment a page is attached. The host may start one ahead of the first page (or
 * the next one), so a page gets a simulator that is ready at once.
 */
export class SimChild {
  readonly child: ChildProcess;
  private readonly outbox: SimOutbox;
  private ws: WebSocket | undefined;

  constructor(
    launch: SimLaunch,
    private readonly log: (line: string) => void,
    onExit: (sim: SimChild) => void,
  ) {
    this.child = fork(launch.entry, [...launch.args, '--standby'], { execArgv: launch.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.outbox = new SimOutbox(this.child, (err) => log(`simulator (pid ${this.child.pid}): message not delivered: ${err.message}`));
    this.child.on('message', (msg) => {
      if ((msg as { type?: unknown }).type === STANDBY) return this.outbox.listening();
      if (this.pageOpen()) this.ws!.send(JSON.stringify(msg));
    });
    this.child.on('exit', (code, signal) => {
      onExit(this);
      const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
      log(`simulator (pid ${this.child.pid}) ${why}`);
      if (this.pageOpen()) this.ws!.close(CLOSE_SIM_EXITED, `simulator ${why}`.slice(0, 120));
    });
    this.child.on('error', (err) => log(`simulator (pid ${this.child.pid}) error: ${err.message}`));
  }

  private pageOpen(): boolean {
    return this.ws !== undefined && this.ws.readyState === this.ws.OPEN;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Gives this simulator to the page on `ws`: its run starts now, and the page's frames reach it. */
  attach(ws: WebSocket): void {
    this.ws = ws;
    this.log(`simulator started (pid ${this.child.pid})`);
    // Held until the child says it listens, then sent ahead of every page message.
    this.outbox.push({ type: 'attach' }, 0);
    bridgeFrames(ws, this.outbox, this.log);
    ws.on('close', () => this.stop());
  }

  /** Disconnecting lets the sim exit on its own; it is killed if it does not. */
  stop(): void {
    if (!this.alive) return;
    if (this.child.connected) this.child.disconnect();
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }
}

/** A page's frames, checked, on their way into the outbox; refusals go back to the page. */
function bridgeFrames(ws: WebSocket, outbox: SimOutbox, log: (line: string) => void): void {
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
}
