/**
 * Stopping everything, however vtdw is stopped. `npm start` runs us under `sh -c`, and npm
 * forwards SIGTERM to that shell only: the shell dies and we are re-parented, so besides SIGINT,
 * SIGTERM and SIGHUP we also stop when our parent process is gone. Children we start (the build,
 * Electron) are tracked and killed on the way out, even when we exit through an uncaught error;
 * simulator children exit by themselves when their IPC channel to us closes.
 */
import type { ChildProcess } from 'node:child_process';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often we look whether our parent is still there. */
const PARENT_POLL_MS = 500;

const tracked = new Set<ChildProcess>();
let exitHook = false;

/** Kills `child` when this process exits, whatever the way. */
export function track(child: ChildProcess): ChildProcess {
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of tracked) c.kill('SIGKILL');
    });
  }
  return child;
}

export class Lifecycle {
  /** Resolves with the reason once a stop is asked for. */
  readonly stopped: Promise<string>;
  private stopReason: string | undefined;
  private readonly disposers: (() => void)[] = [];

  constructor(parentPid = process.ppid) {
    let resolveStop!: (why: string) => void;
    this.stopped = new Promise((r) => (resolveStop = r));
    const stop = (why: string) => {
      if (this.stopReason !== undefined) {
        // Asked twice (a second Ctrl-C): stop waiting for a graceful close.
        process.exit(1);
      }
      this.stopReason = why;
      for (const c of tracked) c.kill('SIGTERM');
      resolveStop(why);
    };
    for (const sig of STOP_SIGNALS) {
      const h = () => stop(sig);
      process.on(sig, h);
      this.disposers.push(() => process.off(sig, h));
    }
    // Re-parented (to init or a subreaper) means whoever started us is gone.
    const timer = setInterval(() => {
      if (process.ppid !== parentPid) stop('its parent process is gone');
    }, PARENT_POLL_MS);
    timer.unref();
    this.disposers.push(() => clearInterval(timer));
  }

  /** Why a stop was asked for, or undefined while running. */
  get stopping(): string | undefined {
    return this.stopReason;
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
  }
}
