/**
 * How a simulator process reaches its clients. Under Electron the utility process gets a
 * MessagePortMain per window through `process.parentPort`; as a plain Node child (browser mode,
 * tests) the IPC channel itself carries the protocol. Both carry the same structured objects,
 * and both refuse a message over the protocol's size or nesting limit before anything walks it
 * recursively (the browser-mode host checks page frames as text before they get here).
 */
import { valueOverLimits } from '../../src-shared/protocol/limits.ts';

export interface Connection {
  send(msg: unknown): void;
  onMessage(cb: (msg: unknown) => void): void;
  onClose(cb: () => void): void;
}

/** The subset of Electron's MessagePortMain we use, typed here so no Electron import is needed. */
export interface PortLike {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  on(event: 'close', cb: () => void): void;
  start(): void;
}

/** Passes a message on, or answers one over the limits with a protocol error naming the limit. */
function withinLimits(send: (msg: unknown) => void, cb: (msg: unknown) => void): (msg: unknown) => void {
  return (msg) => {
    const over = valueOverLimits(msg);
    if (over === undefined) return cb(msg);
    send({ type: 'response', id: null, ok: false, error: { code: 'malformed', message: over } });
  };
}

export function portConnection(port: PortLike): Connection {
  const send = (msg: unknown) => port.postMessage(msg);
  return {
    send,
    onMessage: (cb) => {
      const checked = withinLimits(send, cb);
      port.on('message', (e) => checked(e.data));
      port.start();
    },
    onClose: (cb) => port.on('close', cb),
  };
}

export function nodeChildConnection(proc: NodeJS.Process): Connection {
  // A message sent in the instant the parent disconnects fails asynchronously (EPIPE); the
  // 'disconnect' handler ends the process, so that failure is expected, not a crash.
  proc.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_IPC_CHANNEL_CLOSED') throw err;
  });
  const send = (msg: unknown) => {
    if (proc.connected) proc.send!(msg, undefined, undefined, () => undefined);
  };
  return {
    send,
    onMessage: (cb) => proc.on('message', withinLimits(send, cb)),
    onClose: (cb) => proc.on('disconnect', cb),
  };
}
