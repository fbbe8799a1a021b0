/**
 * netback's XenBus side in dom0 (drivers/xen/netback/xenbus.c) and what the vif-bridge hotplug
 * script does for it: a new backend directory `backend/vif/D/N` (xend writes it) makes the
 * backend create vifD.N and wait (InitWait); when the frontend says it is Initialised or
 * Connected, the backend reads `tx-ring-ref`, `rx-ring-ref` and `event-channel`, maps and binds
 * them, adds the vif to the bridge the `bridge` node names and switches to Connected. A
 * frontend that closes, or a backend directory xend removes at destroy, disconnects the vif.
 */
import type { Scope } from '../../../../../engine/scope.ts';
import type { XenHypercalls } from '../../../include/xen/hypercall.ts';
import type { Bridge } from '../../../net/bridge/br.ts';
import type { KernelLog } from '../../../printk.ts';
import type { EvtchnDispatch } from '../core/evtchn.ts';
import { XenbusStateClosed, XenbusStateClosing, XenbusStateConnected, XenbusStateInitialised, XenbusStateInitWait, xenbusReadState, xenbusSwitchState, type Xenbus } from '../xenbus/xenbus.ts';
import { Netif } from './netback.ts';

const BACKEND = '/local/domain/0/backend/vif';

export interface NetbackHost {
  hv: XenHypercalls;
  evtchn: EvtchnDispatch;
  xenbus: Xenbus;
  /** Bridges by name (brctl's view of dom0). */
  bridges: Map<string, Bridge>;
  /** dom0's "netback" scope: each vif's timers and snapshot live under it. */
  scope: Scope;
  skbPages: number[];
  log: KernelLog;
}

interface Backend {
  path: string;
  frontend: string;
  netif?: Netif;
  unwatch: () => void;
}

export class NetbackDriver {
  readonly backends = new Map<string, Backend>();

  constructor(private readonly host: NetbackHost) {
    host.xenbus.watch(BACKEND, (path) => this.backendChanged(path));
  }

  /** The connected vifs, by name. */
  get vifs(): Netif[] {
    return [...this.backends.values()].flatMap((b) => (b.netif ? [b.netif] : []));
  }

  private backendChanged(path: string): void {
    const bus = this.host.xenbus;
    // A removed directory (xend's destroy removes backend/vif/D at once) takes its backends with it.
    for (const be of [...this.backends.values()]) if ((be.path === path || be.path.startsWith(path + '/')) && bus.read(`${be.path}/state`) === undefined) this.remove(be);
    const m = /^(\/local\/domain\/0\/backend\/vif\/\d+\/\d+)(\/state)?$/.exec(path);
    if (!m) return;
    const dir = m[1];
    const existing = this.backends.get(dir);
    if (bus.read(`${dir}/state`) === undefined) return;
    if (existing || xenbusReadState(bus, dir) !== 1) return;
    const frontend = bus.read(`${dir}/frontend`) ?? '';
    const be: Backend = { path: dir, frontend, unwatch: () => {} };
    this.backends.set(dir, be);
    xenbusSwitchState(bus, dir, XenbusStateInitWait);
    be.unwatch = bus.watch(`${frontend}/state`, () => this.frontendChanged(be));
    this.frontendChanged(be);
  }

  private frontendChanged(be: Backend): void {
    const bus = this.host.xenbus;
    const state = xenbusReadState(bus, be.frontend);
    if ((state === XenbusStateInitialised || state === XenbusStateConnected) && !be.netif) this.connect(be);
    else if ((state === XenbusStateClosing || state === XenbusStateClosed) && be.netif) this.disconnect(be);
  }

  private connect(be: Backend): void {
    const bus = this.host.xenbus;
    const num = (node: string) => Number(bus.read(`${be.frontend}/${node}`) ?? NaN);
    const [frontDomid, handle] = be.path.split('/').slice(-2).map(Number);
    const bridgeName = bus.read(`${be.path}/bridge`) ?? 'xenbr0';
    const bridge = this.host.bridges.get(bridgeName);
    if (!bridge) {
      bus.write(`${be.path}/hotplug-status`, 'error');
      this.host.log.printk(3, `vif-bridge: Could not find bridge device ${bridgeName}`);
      return;
    }
    const cfg = { frontDomid, handle, txRingRef: num('tx-ring-ref'), rxRingRef: num('rx-ring-ref'), remotePort: num('event-channel') };
    if (![cfg.txRingRef, cfg.rxRingRef, cfg.remotePort].every(Number.isInteger)) {
      this.host.log.printk(3, `netback: reading ${be.frontend}/tx-ring-ref and rx-ring-ref and event-channel failed`);
      return;
    }
    const netif = new Netif(this.host.hv, this.host.evtchn, this.host.scope.scope(`vif${frontDomid}_${handle}`), cfg, this.host.skbPages);
    const rc = netif.connect();
    if (rc !== 0) {
      this.host.log.printk(3, `netback: mapping shared-frames ${cfg.txRingRef}/${cfg.rxRingRef} port ${cfg.remotePort} failed: ${rc}`);
      netif.disconnect();
      return;
    }
    be.netif = netif;
    netif.deliver = (frame) => bridge.input(netif.name, frame);
    bridge.addif(netif);
    bus.write(`${be.path}/hotplug-status`, 'connected');
    xenbusSwitchState(bus, be.path, XenbusStateConnected);
  }

  private disconnect(be: Backend): void {
    const netif = be.netif!;
    for (const b of this.host.bridges.values()) b.delif(netif.name);
    netif.disconnect();
    be.netif = undefined;
  }

  private remove(be: Backend): void {
    if (be.netif) this.disconnect(be);
    be.unwatch();
    this.backends.delete(be.path);
  }
}
