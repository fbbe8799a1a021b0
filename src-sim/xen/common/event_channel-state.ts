/**
 * A domain's event-channel state (struct domain's evtchn[] and its shared_info's
 * evtchn_pending / evtchn_mask bits, xen/common/event_channel.c): the port table, the bits, the
 * upcall. Kept apart from event_channel.ts (the hypercalls, which need the Domain and Xen) so
 * the Domain can hold it without a cycle of imports.
 */
import type { Scope } from '../../engine/scope.ts';
import type { Timer } from '../../engine/index.ts';
import { checkVersion } from '../../engine/snapshot.ts';
import { ENOSPC } from './errno.ts';

export const ECS_FREE = 0;
export const ECS_RESERVED = 1;
export const ECS_UNBOUND = 2;
export const ECS_INTERDOMAIN = 3;
export const ECS_PIRQ = 4;

/** NR_EVENT_CHANNELS on x86_32: 32 × 32 bits of shared_info. */
export const NR_EVENT_CHANNELS = 1024;

/** struct evtchn: its state and, by state, who may bind it or what it is bound to. */
export interface Evtchn {
  state: number;
  /** ECS_UNBOUND: the domain allowed to bind it. */
  remoteDomid: number;
  /** ECS_INTERDOMAIN: the other end. */
  remotePort: number;
  /** ECS_PIRQ: the physical IRQ bound to it (u.pirq). */
  pirq?: number;
}

export interface EvtchnState {
  version: 1;
  ports: Evtchn[];
  pending: number[];
  mask: number[];
  upcallPending: boolean;
}

/** A domain's event-channel table and its shared_info bits. */
export class EvtchnTable {
  readonly ports: Evtchn[] = [{ state: ECS_RESERVED, remoteDomid: 0, remotePort: 0 }];
  /** shared_info.evtchn_pending / evtchn_mask, one bit per port. */
  readonly pending = new Uint32Array(NR_EVENT_CHANNELS / 32);
  readonly mask = new Uint32Array(NR_EVENT_CHANNELS / 32);
  /** vcpu_info.evtchn_upcall_pending. */
  upcallPending = false;
  /** The guest kernel's event entry (hypervisor_callback → evtchn_do_upcall). */
  upcall?: () => void;
  /** d->pirq_to_evtchn[]: the port each bound physical IRQ raises (rebuilt from the ports on restore). */
  readonly pirqToPort = new Map<number, number>();
  private readonly timer: Timer;

  /** `scope` is the domain's "evtchn" scope (d1.evtchn): the upcall timer and snapshot live there. */
  constructor(scope: Scope) {
    this.timer = scope.timer('upcall', () => {
      if (this.upcallPending) this.upcall?.();
    });
    scope.register({ version: 1, save: () => this.save(), restore: (s: EvtchnState) => this.restore(s), target: this });
  }

  isPending(port: number): boolean {
    return (this.pending[port >> 5] & (1 << (port & 31))) !== 0;
  }

  isMasked(port: number): boolean {
    return (this.mask[port >> 5] & (1 << (port & 31))) !== 0;
  }

  /** The guest's side of shared_info: clears a pending bit (test_and_clear_bit). */
  clearPending(port: number): boolean {
    const was = this.isPending(port);
    this.pending[port >> 5] &= ~(1 << (port & 31));
    return was;
  }

  /** Ports pending and unmasked, lowest first (what evtchn_do_upcall scans). */
  takePending(): number[] {
    this.upcallPending = false;
    const out: number[] = [];
    for (let w = 0; w < this.pending.length; w++) {
      let bits = this.pending[w] & ~this.mask[w];
      while (bits) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= ~(1 << b);
        this.pending[w] &= ~(1 << b);
        out.push(w * 32 + b);
      }
    }
    return out;
  }

  /** evtchn_set_pending: a newly pending, unmasked port raises the upcall. */
  setPending(port: number): void {
    if (this.isPending(port)) return;
    this.pending[port >> 5] |= 1 << (port & 31);
    if (this.isMasked(port) || this.upcallPending) return;
    this.upcallPending = true;
    this.timer.armIn(0);
  }

  /** get_free_port. */
  freePort(): number {
    const i = this.ports.findIndex((p) => p.state === ECS_FREE);
    if (i >= 0) return i;
    if (this.ports.length >= NR_EVENT_CHANNELS) return -ENOSPC;
    this.ports.push({ state: ECS_FREE, remoteDomid: 0, remotePort: 0 });
    return this.ports.length - 1;
  }

  port(p: number): Evtchn | undefined {
    return p > 0 && p < this.ports.length ? this.ports[p] : undefined;
  }

  save(): EvtchnState {
    return { version: 1, ports: this.ports.map((p) => ({ ...p })), pending: [...this.pending], mask: [...this.mask], upcallPending: this.upcallPending };
  }

  restore(s: EvtchnState): void {
    checkVersion('evtchn', s, 1);
    this.ports.length = 0;
    this.ports.push(...s.ports.map((p) => ({ ...p })));
    this.pirqToPort.clear();
    this.ports.forEach((p, port) => {
      if (p.state === ECS_PIRQ && p.pirq !== undefined) this.pirqToPort.set(p.pirq, port);
    });
    this.pending.set(s.pending);
    this.mask.set(s.mask);
    this.upcallPending = s.upcallPending;
    if (this.upcallPending) this.timer.armIn(0);
  }
}
