/**
 * xend's network device controller (tools/python/xen/xend/server/netif.py + DevController.py,
 * 2007): for each PV `vif` entry — `'mac=00:16:3e:…, bridge=xenbr0'`, xm 3.x's comma-separated
 * key=value form — a device number in config order, the MAC (xend's randomMAC when none is
 * given), the bridge (default xenbr0) and the vif-bridge script, written as the backend's
 * directory under dom0 and the frontend's under the guest; netback and netfront meet there.
 * `type=ioemu` entries are qemu-dm's (image.py) and get no backend here. Destroying the domain
 * removes both directories, which disconnects the backend.
 */
import { randomMac } from '../image.ts';
import type { Xend, XendDomain } from '../xend.ts';
import type { XmVif } from '../../xm/config.ts';
import type { QemuDm } from '../../../qemu/ioemu/vl.ts';
import type { Dom0Network } from '../../network-bridge.ts';

const pyDict = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;

export interface NetifDevice {
  devid: number;
  mac: string;
  bridge: string;
}

/** NetifController.getDeviceDetails + DevController.createDevice for each PV vif of `dom`. */
export function createVifs(xend: Xend, dom: XendDomain, vifs: XmVif[]): NetifDevice[] {
  const store = xend.net?.xenstore;
  if (!store) return [];
  const out: NetifDevice[] = [];
  vifs.forEach((vif, devid) => {
    if (vif.type === 'ioemu') return;
    const mac = vif.mac ?? randomMac(xend.rng);
    const bridge = vif.bridge ?? 'xenbr0';
    const backpath = `/local/domain/0/backend/vif/${dom.domid}/${devid}`;
    const frontpath = `/local/domain/${dom.domid}/device/vif/${devid}`;
    const front = { 'backend-id': '0', mac, handle: String(devid), state: '1', backend: backpath };
    const back = { 'frontend-id': String(dom.domid), domain: dom.name, handle: String(devid), script: '/etc/xen/scripts/vif-bridge', state: '1', frontend: frontpath, mac, online: '1', bridge };
    xend.log.log('DEBUG', `DevController: writing ${pyDict(front)} to ${frontpath}.`);
    xend.log.log('DEBUG', `DevController: writing ${pyDict(back)} to ${backpath}.`);
    for (const [k, v] of Object.entries(front)) store.write(`${frontpath}/${k}`, v);
    // The backend's state goes last: netback probes the directory when it appears complete.
    for (const [k, v] of Object.entries(back)) if (k !== 'state') store.write(`${backpath}/${k}`, v);
    store.write(`${backpath}/state`, back.state);
    out.push({ devid, mac, bridge });
  });
  return out;
}

/** DevController.destroyDevice for every vif: the backend directory goes first, then the frontend's. */
export function destroyVifs(xend: Xend, dom: XendDomain): void {
  const store = xend.net?.xenstore;
  if (!store) return;
  store.rm(`/local/domain/0/backend/vif/${dom.domid}`);
  store.rm(`/local/domain/${dom.domid}`);
}

/** qemu-ifup (tools/ioemu/qemu-ifup, run by qemu-dm per `-net tap`): `brctl addif BRIDGE tapD.N`. */
export function attachTaps(net: Dom0Network, qemu: QemuDm): void {
  for (const tap of qemu.taps) {
    const bridge = net.bridges.get(tap.bridge);
    if (!bridge) {
      qemu.log.write(`qemu-ifup: bridge ${tap.bridge} does not exist: ${tap.name} stays unconnected`);
      continue;
    }
    tap.nic.send = (frame) => bridge.input(tap.name, frame);
    bridge.addif({ name: tap.name, xmit: (frame) => tap.nic.receive(frame) });
  }
}

/** qemu-dm exits: its taps vanish from their bridges. */
export function detachTaps(net: Dom0Network, qemu: QemuDm): void {
  for (const tap of qemu.taps) net.bridges.get(tap.bridge)?.delif(tap.name);
}
