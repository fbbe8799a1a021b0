/**
 * Keeps one simulator utility process alive for the app: starts it, restarts it with backoff
 * when it dies (0.5 s doubling to 10 s; gives up after 5 deaths in a minute, as VS Code does
 * for its utility processes), and hands out MessagePorts to it. Electron objects are injected,
 * so this runs under vitest without the Electron binary.
 */

export interface ChildLike {
  postMessage(msg: unknown, transfer?: unknown[]): void;
  on(event: 'exit', cb: (code: number) => void): void;
  kill(): boolean;
}

export interface ChannelLike<P> {
  port1: P;
  port2: P;
}

export interface SupervisorDeps<P> {
  fork(): ChildLike;
  channel(): ChannelLike<P>;
  setTimer(cb: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
  now(): number;
}

export interface SupervisorEvents {
  /** The simulator died; `restartInMs` null means the supervisor gave up. */
  exited(generation: number, reason: string, restartInMs: number | null): void;
  restarted(generation: number): void;
}

export const BACKOFF_START_MS = 500;
export const BACKOFF_MAX_MS = 10_000;
export const MAX_DEATHS_PER_MINUTE = 5;

export class SimSupervisor<P> {
  private child: ChildLike | undefined;
  private generationNo = 0;
  private deaths: number[] = [];
  private timer: unknown;
  private stopping = false;
  /** Set by the Electron glue when the OS reports why (crashed, oom, killed). */
  pendingReason: string | undefined;

  constructor(
    private readonly deps: SupervisorDeps<P>,
    private readonly events: SupervisorEvents,
  ) {}

  get generation(): number {
    return this.generationNo;
  }

  get alive(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    this.stopping = false;
    this.spawn();
  }

  /** A new port to the running simulator, or undefined while it is down. */
  connect(): P | undefined {
    if (!this.child) return undefined;
    const { port1, port2 } = this.deps.channel();
    this.child.postMessage({ type: 'connect' }, [port2]);
    return port1;
  }

  stop(): void {
    this.stopping = true;
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    this.child?.kill();
    this.child = undefined;
  }

  private spawn(): void {
    const child = this.deps.fork();
    this.child = child;
    this.generationNo++;
    const gen = this.generationNo;
    child.on('exit', (code) => this.onExit(child, gen, code));
    if (gen > 1) this.events.restarted(gen);
  }

  private onExit(child: ChildLike, gen: number, code: number): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopping) return;
    const reason = this.pendingReason ?? `exited with code ${code}`;
    this.pendingReason = undefined;
    const now = this.deps.now();
    this.deaths = [...this.deaths.filter((t) => now - t < 60_000), now];
    if (this.deaths.length >= MAX_DEATHS_PER_MINUTE) {
      this.events.exited(gen, reason, null);
      return;
    }
    const delay = Math.min(BACKOFF_START_MS * 2 ** (this.deaths.length - 1), BACKOFF_MAX_MS);
    this.events.exited(gen, reason, delay);
    this.timer = this.deps.setTimer(() => {
      this.timer = undefined;
      if (!this.stopping) this.spawn();
    }, delay);
  }
}
