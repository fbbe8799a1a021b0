/**
 * How a simulator process reaches its clients. Under Electron the utility process gets a
 * MessagePortMain per window through `process.parentPort`; as a plain Node child (browser mode,
 * tests) the IPC channel itself carries the protocol. Both carry the same structured objects.
 */
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

export function portConnection(port: PortLike): Connection {
  return {
    send: (msg) => port.postMessage(msg),
    onMessage: (cb) => {
      port.on('message', (e) => cb(e.data));
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
  return {
    send: (msg) => {
      if (proc.connected) proc.send!(msg, undefined, undefined, () => undefined);
    },
    onMessage: (cb) => proc.on('message', cb),
    onClose: (cb) => proc.on('disconnect', cb),
  };
}
