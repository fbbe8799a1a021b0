/**
 * dom0's networking as xend's start-up leaves it (tools/examples/network-bridge, the netback
 * module, xenstored): a bridge `xenbr0` whose own device is dom0's interface on it. The seed
 * hides dom0's only NIC (02:00.0) from it, so there is no peth0 to enslave (xen.md row 13):
 * the bridge is host-only, like a bridge over a dummy interface — dom0 and its guests reach
 * each other through it, nothing leaves the machine. netback's vifD.N and qemu-dm's tapD.N
 * join it as their guests connect.
 */
import type { Xen } from '../xen/xen.ts';
import { Bridge, type BridgeState } from '../guest/linux/net/bridge/br.ts';
import type { EvtchnDispatch } from '../guest/linux/drivers/xen/core/evtchn.ts';
import { NetbackDriver } from '../guest/linux/drivers/xen/netback/xenbus.ts';
import type { XenHypercalls } from '../guest/linux/include/xen/hypercall.ts';
import type { Dom0Linux } from '../guest/linux/dom0.ts';
import { Xenstored, type XenstoreState } from './xenstore/xenstored.ts';

/** dom0 pages netback copies received frames from (its skb data for up to 32 frames). */
const SKB_PAGES = 16;
const PAGE = 0x1000;

export interface Dom0Network {
  xenstore: Xenstored;
  bridges: Map<string, Bridge>;
  xenbr0: Bridge;
  netback: NetbackDriver;
  /** dom0 kernel's hypercalls and event dispatch (netback's, and anything else in dom0). */
  hv: XenHypercalls;
  evtchn: EvtchnDispatch;
}

/** `hv` and `evtchn` are dom0's kernel's own (bootFromGrub makes them; its pirq chip shares them). */
export function startNetwork(xen: Xen, dom0: Dom0Linux, hv: XenHypercalls, evtchn: EvtchnDispatch): Dom0Network {
  const d0 = xen.dom0;
  const scope = d0.scope;
  const xenstore = new Xenstored();
  scope.register<XenstoreState>({ version: 1, save: () => xenstore.save(), restore: (s) => xenstore.restore(s), target: xenstore }, 'xenstore');
  // The bridge takes its address from its one enslaved device, the dummy interface.
  const rng = xen.world.sim.rng.stream('dom0.dummy0.mac');
  const octet = () => rng.nextInt(0, 255).toString(16).padStart(2, '0');
  const xenbr0 = new Bridge('xenbr0', `02:${octet()}:${octet()}:${octet()}:${octet()}:${octet()}`);
  scope.register<BridgeState>({ version: 1, save: () => xenbr0.save(), restore: (s) => xenbr0.restore(s), target: xenbr0 }, 'xenbr0');
  const bridges = new Map([[xenbr0.name, xenbr0]]);
  const last = d0.frames[d0.frames.length - 1];
  const skbPages = Array.from({ length: SKB_PAGES }, (_, i) => (last.mfn + last.count - SKB_PAGES + i) * PAGE);
  const netback = new NetbackDriver({ hv, evtchn, xenbus: xenstore, bridges, scope: scope.scope('netback'), skbPages, log: dom0.log });
  return { xenstore, bridges, xenbr0, netback, hv, evtchn };
}
