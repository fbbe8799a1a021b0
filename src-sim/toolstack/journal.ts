/**
 * How a host's domains came to be: every `xm create` (its config text, whether it was paused,
 * the simulator's attack switch, the domid it got or none when xm refused), every `xm destroy`,
 * and every first run of a domain's vCPU 0 (when hvmloader and the guest OS booted), in order.
 * A world snapshot carries it so restore rebuilds the same objects on a fresh world by doing the
 * same things again (toolstack/snapshot.ts), before loading their saved fields.
 */
export type BuildStep =
  | { op: 'create'; file: string; source: string; paused: boolean; malicious: boolean; domid?: number }
  | { op: 'destroy'; domid: number }
  | { op: 'boot'; domid: number };

export class BuildJournal {
  readonly steps: BuildStep[] = [];
  /** Told after each step (the snapshot plumbing registers or drops per-domain components). */
  onRecord?: (step: BuildStep) => void;

  record(step: BuildStep): void {
    this.steps.push(step);
    this.onRecord?.(step);
  }
}
