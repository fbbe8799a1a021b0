/**
 * A domain's passthrough interrupt state (struct hvm_irq_dpci's counters and pending sets),
 * apart from the code that drives it (io.ts) so the domain can hold it without importing that.
 */
import type { Timer } from '../../../engine/index.ts';

export interface DpciState {
  /** dirq_mask: machine IRQs pending injection. */
  pending: Set<number>;
  /** Machine IRQs the guest has been given and not EOI'd yet. */
  inGuest: Set<number>;
  timers: Map<number, Timer>;
  injected: number;
  eois: number;
  timeouts: number;
  /** vcpu_kicks so far, and the timer that runs vmx_dirq_assist on vCPU 0's next entry. */
  kicks: number;
  kick?: Timer;
}

export function newDpciState(): DpciState {
  return { pending: new Set(), inGuest: new Set(), timers: new Map(), injected: 0, eois: 0, timeouts: 0, kicks: 0 };
}
