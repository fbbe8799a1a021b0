/**
 * Event channels (xen/common/event_channel.c, Xen 3.1/3.2 of 2007), as far as netfront,
 * netback and dom0's own devices use them: `EVTCHNOP_alloc_unbound` (a port another domain may
 * bind), `EVTCHNOP_bind_interdomain` (the other end binds it: both ports become
 * ECS_INTERDOMAIN), `EVTCHNOP_bind_pirq` (a physical IRQ on a port of its own: ECS_PIRQ),
 * `EVTCHNOP_send` (sets the peer port's pending bit) and `EVTCHNOP_close`. Each domain has one
 * port table for all of them; the pending and mask bits live in its shared_info page
 * (`evtchn_pending[]`, `evtchn_mask[]`). Setting a pending bit of an unmasked port marks the
 * vCPU's upcall pending, and the domain's upcall (its `evtchn_do_upcall`) runs on the vCPU's
 * next entry and finds every pending port, whatever it is bound to. Every call lands in the
 * hypercall log; errors are Xen's errno values.
 */
import { EEXIST, EINVAL, EPERM, ESRCH } from './errno.ts';
import { DOMID_SELF, type Domain } from './domain.ts';
import { ECS_FREE, ECS_INTERDOMAIN, ECS_PIRQ, ECS_UNBOUND, EvtchnTable } from './event_channel-state.ts';

export * from './event_channel-state.ts';
import type { Xen } from '../xen.ts';

export const EVTCHNOP_bind_interdomain = 0;
export const EVTCHNOP_bind_pirq = 2;
export const EVTCHNOP_close = 3;
export const EVTCHNOP_send = 4;
export const EVTCHNOP_alloc_unbound = 6;

/** evtchn_bind_pirq_t.flags: the kernel will share the line with other domains' devices. */
export const BIND_PIRQ__WILL_SHARE = 1;
/** NR_PIRQS on x86 of the time (= NR_IRQS). */
const NR_PIRQS = 256;

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

/**
 * EVTCHNOP_bind_pirq: a physical IRQ the domain may use (dom0: every one; another domain: those
 * XEN_DOMCTL_irq_permission gave it) on a free port; pirq_guest_bind refuses a line Xen keeps
 * or that will not be shared. Returns the port or -errno.
 */
export function evtchnBindPirq(xen: Xen, caller: number, pirq: number, flags: number): number {
  const rc = bindPirq(xen, caller, pirq, flags);
  log(xen, caller, 'EVTCHNOP_bind_pirq', EVTCHNOP_bind_pirq, caller, { pirq, flags, port: rc < 0 ? 0 : rc }, rc < 0 ? rc : 0);
  return rc;
}

function bindPirq(xen: Xen, caller: number, pirq: number, flags: number): number {
  const d = xen.domain(caller);
  if (!d) return -ESRCH;
  if (pirq < 0 || pirq >= NR_PIRQS) return -EINVAL;
  if (!d.isPrivileged && !d.irqCaps.contains(pirq, pirq)) return -EPERM;
  const t = evtchnOf(d);
  if (t.pirqToPort.has(pirq)) return -EEXIST;
  const port = t.freePort();
  if (port < 0) return port;
  const rc = xen.irqs.bind(d.domid, pirq, (flags & BIND_PIRQ__WILL_SHARE) !== 0, d.domid);
  if (rc) return rc;
  t.ports[port] = { state: ECS_PIRQ, remoteDomid: 0, remotePort: 0, pirq };
  t.pirqToPort.set(pirq, port);
  xen.guestIrqs.startup(pirq);
  return port;
}

/** send_guest_pirq: the IRQ's port becomes pending; false when the domain has none for it. */
export function sendGuestPirq(d: Domain, pirq: number): boolean {
  const port = d.evtchn?.pirqToPort.get(pirq);
  if (port === undefined) return false;
  d.evtchn!.setPending(port);
  return true;
}

/**
 * pirq_guest_unbind: the domain leaves the line and owes it no EOI; a line nobody is bound to
 * any more is disabled, so a device left interrupting cannot storm.
 */
function pirqGuestUnbind(xen: Xen, d: Domain, pirq: number): void {
  xen.irqs.unbind(d.domid, pirq);
  xen.guestIrqs.pirqGuestEoi(d, pirq);
  if (xen.irqs.desc(pirq).guests.length === 0) xen.guestIrqs.shutdown(pirq);
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
  if (chn.state === ECS_PIRQ && chn.pirq !== undefined) {
    pirqGuestUnbind(xen, d, chn.pirq);
    d.evtchn!.pirqToPort.delete(chn.pirq);
  }
  Object.assign(chn, { state: ECS_FREE, remoteDomid: 0, remotePort: 0 });
  delete chn.pirq;
  return 0;
}

/** evtchn_destroy at domain_kill: every port is closed, peers see their ends unbound. */
export function evtchnDestroy(xen: Xen, d: Domain): void {
  const t = d.evtchn;
  if (!t) return;
  for (let p = 1; p < t.ports.length; p++) if (t.ports[p].state !== ECS_FREE) closePort(xen, d, p);
}
