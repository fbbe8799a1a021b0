/**
 * Event channels (xen/common/event_channel.c, Xen 3.1/3.2 of 2007), as far as netfront and
 * netback use them: `EVTCHNOP_alloc_unbound` (a port another domain may bind), 
 * `EVTCHNOP_bind_interdomain` (the other end binds it: both ports become ECS_INTERDOMAIN),
 * `EVTCHNOP_send` (sets the peer port's pending bit) and `EVTCHNOP_close`. Each domain has its
 * own port table; the pending and mask bits live in its shared_info page (`evtchn_pending[]`,
 * `evtchn_mask[]`). Setting a pending bit of an unmasked port marks the vCPU's upcall pending,
 * and the domain's upcall (its `evtchn_do_upcall`) runs on the vCPU's next entry. Every call
 * lands in the hypercall log; errors are Xen's errno values.
 */
import type { Scope } from '../../engine/scope.ts';
import type { Timer } from '../../engine/index.ts';
import { checkVersion } from '../../engine/snapshot.ts';
import { EINVAL, ENOSPC, EPERM, ESRCH } from './errno.ts';
import { DOMID_SELF, type Domain } from './domain.ts';
import type { Xen } from '../xen.ts';

export const EVTCHNOP_bind_interdomain = 0;
export const EVTCHNOP_close = 3;
export const EVTCHNOP_send = 4;
export const EVTCHNOP_alloc_unbound = 6;

export const ECS_FREE = 0;
export const ECS_RESERVED = 1;
export const ECS_UNBOUND = 2;
export const ECS_INTERDOMAIN = 3;

/** NR_EVENT_CHANNELS on x86_32: 32 × 32 bits of shared_info. */
export const NR_EVENT_CHANNELS = 1024;

/** struct evtchn: its state and, by state, who may bind it or what it is bound to. */
export interface Evtchn {
  state: number;
  /** ECS_UNBOUND: the domain allowed to bind it. */
  remoteDomid: number;
  /** ECS_INTERDOMAIN: the other end. */
  remotePort: number;
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
    this.pending.set(s.pending);
    this.mask.set(s.mask);
    this.upcallPending = s.upcallPending;
    if (this.upcallPending) this.timer.armIn(0);
  }
}

/** The domain's table, created on first use (evtchn_init at domain creation). */
export function evtchnOf(d: Domain): EvtchnTable {
  d.evtchn ??= new EvtchnTable(d.scope.scope('evtchn'));
  return d.evtchn;
}

function log(xen: Xen, caller: number, op: string, cmd: number, domain: number, args: Record<string, number>, rc: number): void {
  xen.hypercalls.add({ caller, hypercall: 'event_channel_op', op, cmd, domain, args, result: rc }, xen.now);
}

const self = (caller: number, dom: number) => (dom === DOMID_SELF ? caller : dom);

/** EVTCHNOP_alloc_unbound: a port in `dom` that `remoteDom` may bind; returns the port or -errno. */
export function evtchnAllocUnbound(xen: Xen, caller: number, dom: number, remoteDom: number): number {
  const rc = allocUnbound(xen, caller, self(caller, dom), self(caller, remoteDom));
  log(xen, caller, 'EVTCHNOP_alloc_unbound', EVTCHNOP_alloc_unbound, self(caller, dom), { remote_dom: self(caller, remoteDom), port: rc < 0 ? 0 : rc }, rc < 0 ? rc : 0);
  return rc;
}

function allocUnbound(xen: Xen, caller: number, dom: number, remoteDom: number): number {
  if (dom !== caller && !xen.domain(caller)?.isPrivileged) return -EPERM;
  const d = xen.domain(dom);
  if (!d) return -ESRCH;
  const t = evtchnOf(d);
  const port = t.freePort();
  if (port < 0) return port;
  t.ports[port] = { state: ECS_UNBOUND, remoteDomid: remoteDom, remotePort: 0 };
  return port;
}

/** EVTCHNOP_bind_interdomain: binds `remotePort` of `remoteDom` (which must have been offered to the caller). */
export function evtchnBindInterdomain(xen: Xen, caller: number, remoteDom: number, remotePort: number): number {
  const rdom = self(caller, remoteDom);
  const rc = bindInterdomain(xen, caller, rdom, remotePort);
  log(xen, caller, 'EVTCHNOP_bind_interdomain', EVTCHNOP_bind_interdomain, caller, { remote_dom: rdom, remote_port: remotePort, local_port: rc < 0 ? 0 : rc }, rc < 0 ? rc : 0);
  return rc;
}

function bindInterdomain(xen: Xen, caller: number, remoteDom: number, remotePort: number): number {
  const ld = xen.domain(caller);
  const rd = xen.domain(remoteDom);
  if (!ld || !rd) return -ESRCH;
  const rchn = evtchnOf(rd).port(remotePort);
  if (!rchn || rchn.state !== ECS_UNBOUND || rchn.remoteDomid !== caller) return -EINVAL;
  const lt = evtchnOf(ld);
  const lport = lt.freePort();
  if (lport < 0) return lport;
  lt.ports[lport] = { state: ECS_INTERDOMAIN, remoteDomid: remoteDom, remotePort };
  rd.evtchn!.ports[remotePort] = { state: ECS_INTERDOMAIN, remoteDomid: caller, remotePort: lport };
  // The binding end gets a pending event at once, so neither side misses a notification.
  lt.setPending(lport);
  return lport;
}

/** EVTCHNOP_send: the peer's port becomes pending. An unbound port swallows the event. */
export function evtchnSend(xen: Xen, caller: number, port: number): number {
  const rc = send(xen, caller, port);
  log(xen, caller, 'EVTCHNOP_send', EVTCHNOP_send, caller, { port }, rc);
  return rc;
}

function send(xen: Xen, caller: number, port: number): number {
  const ld = xen.domain(caller);
  if (!ld) return -ESRCH;
  const chn = evtchnOf(ld).port(port);
  if (!chn) return -EINVAL;
  if (chn.state === ECS_INTERDOMAIN) {
    const rd = xen.domain(chn.remoteDomid);
    if (rd) evtchnOf(rd).setPending(chn.remotePort);
    return 0;
  }
  return chn.state === ECS_UNBOUND ? 0 : -EINVAL;
}

/** EVTCHNOP_close: frees the port; an interdomain peer goes back to ECS_UNBOUND (offered to us). */
export function evtchnClose(xen: Xen, caller: number, port: number): number {
  const d = xen.domain(caller);
  const rc = d ? closePort(xen, d, port) : -ESRCH;
  log(xen, caller, 'EVTCHNOP_close', EVTCHNOP_close, caller, { port }, rc);
  return rc;
}

function closePort(xen: Xen, d: Domain, port: number): number {
  const chn = evtchnOf(d).port(port);
  if (!chn || chn.state === ECS_FREE) return -EINVAL;
  if (chn.state === ECS_INTERDOMAIN) {
    const peer = xen.domain(chn.remoteDomid)?.evtchn?.port(chn.remotePort);
    if (peer) Object.assign(peer, { state: ECS_UNBOUND, remoteDomid: d.domid, remotePort: 0 });
  }
  Object.assign(chn, { state: ECS_FREE, remoteDomid: 0, remotePort: 0 });
  return 0;
}

/** evtchn_destroy at domain_kill: every port is closed, peers see their ends unbound. */
export function evtchnDestroy(xen: Xen, d: Domain): void {
  if (!d.evtchn) return;
  d.evtchn.ports.forEach((_, p) => p > 0 && d.evtchn!.ports[p].state !== ECS_FREE && closePort(xen, d, p));
}
