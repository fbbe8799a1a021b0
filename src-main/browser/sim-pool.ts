/**
 * The browser-mode host's simulator children: one per connected page, plus one spare built ahead
 * so the next page (the first one, a reload, a reconnect after a crash) gets a simulator whose
 * world is already built instead of waiting for a fork, a bundle load and a PC. The spare counts
 * against the cap like any simulator: a host never runs more than `max` children, and the page
 * that would go past it is refused exactly as before (the spare is only ever handed to a page).
 */
import type { ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';
import { SimChild, type SimLaunch } from './sim-bridge.ts';

/**
 * How long after a page took its simulator the next spare starts: later than the page's own
 * start (the browser compiling the editor, the simulator's first answers), which a spare
 * building its world at the same moment would slow down on a small machine.
 */
export const SPARE_DELAY_MS = 3000;

export class SimPool {
  /** Children serving a page (what the host reports as its simulators). */
  readonly pages = new Set<ChildProcess>();
  private spare: SimChild | undefined;
  private refillTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly launch: SimLaunch,
    private readonly max: number,
    private readonly log: (line: string) => void,
  ) {
    this.refill();
  }

  /** Gives the page on `ws` a simulator, the spare when there is one; false when at the cap. */
  take(ws: WebSocket): boolean {
    let sim = this.spare;
    this.spare = undefined;
    if (!sim?.alive) {
      if (this.pages.size >= this.max) return false;
      sim = this.start();
    }
    this.pages.add(sim.child);
    sim.attach(ws);
    this.refillLater();
    return true;
  }

  /** Stops every child, the spare included, and waits until all have exited. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.refillTimer);
    const all = [...this.pages];
    if (this.spare) all.push(this.spare.child);
    const exits = all.map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))));
    for (const c of all) c.kill('SIGTERM');
    await Promise.all(exits);
  }

  /** Starts a spare when none is waiting and the cap leaves room for one. */
  private refill(): void {
    if (this.closing || this.spare || this.pages.size >= this.max) return;
    this.spare = this.start();
    this.log(`simulator standing by for the next page (pid ${this.spare.child.pid})`);
  }

  private refillLater(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = setTimeout(() => this.refill(), SPARE_DELAY_MS);
    this.refillTimer.unref();
  }

  private start(): SimChild {
    return new SimChild(this.launch, this.log, (sim) => this.exited(sim));
  }

  private exited(sim: SimChild): void {
    if (sim === this.spare) {
      // A spare that dies unused is not replaced at once (no restart loop); the next page forks.
      this.spare = undefined;
      return;
    }
    this.pages.delete(sim.child);
    this.refillLater();
  }
}
