/**
 * Stopping everything, however vtdw is stopped. `npm start` runs us under `sh -c`: npm forwards
 * SIGTERM and SIGINT to that shell only, which dies and leaves us re-parented, and SIGHUP kills
 * npm alone, leaving the shell waiting on us. So besides SIGINT, SIGTERM and SIGHUP we stop when
 * our parent or grandparent is gone: that pair changes only when one of them dies.
 * Children we start (the build, Electron) are tracked and killed on the way out, even when we
 * exit through an uncaught error; simulator children exit by themselves when their IPC channel
 * to us closes.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How often we look whether the processes above us are still there. */
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

/**
 * Our parent's and grandparent's pids: npm's shell and npm itself under `npm start`. From /proc
 * where there is one (Linux), else just the parent. Farther ancestors are not watched: a wrapper
 * far above that exits and leaves its job running should not stop us. A string, so two
 * readings compare with ===.
 */
export function ancestry(): string {
  const chain = [process.ppid];
  try {
    if (chain[0] > 1) {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${chain[0]}/stat`, 'utf8');
      chain.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    }
  } catch {
    // No /proc, or the parent exited while we read: the next reading tells.
  }
  return chain.join(' ');
}

export class Lifecycle {
  /** Resolves with the reason once a stop is asked for. */
  readonly stopped: Promise<string>;
  private stopReason: string | undefined;
  private readonly disposers: (() => void)[] = [];

  constructor() {
    const ancestors = ancestry();
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
    // A changed pair means our parent or grandparent died (re-parenting happens only then).
    const timer = setInterval(() => {
      if (ancestry() !== ancestors) stop(process.ppid === Number(ancestors.split(' ')[0]) ? 'a process that started it is gone' : 'its parent process is gone');
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
