/**
 * dom0's software bridge `xenbr0` (net/bridge: br_input.c, br_forward.c, br_fdb.c, as Linux
 * 2.6.18 runs it): ports are net devices enslaved by `brctl addif` — netback's vifD.N, qemu-dm's
 * tapD.N (its qemu-ifup script adds it) — and the bridge device itself, which is dom0's own
 * interface on the segment (with no physical NIC in dom0 once the seed hides 02:00.0, the
 * bridge carries host-only traffic). Frames are forwarded by a learned forwarding database:
 * a known destination goes to its port, broadcast and unknown ones flood every port but the
 * one they came in on; nothing goes back out of its ingress port.
 */
import { macText } from '../core/pktgen.ts';

export interface BridgePort {
  readonly name: string;
  /** dev_queue_xmit on the port's device: the frame leaves the bridge here. */
  xmit(frame: Uint8Array): void;
}

export interface BridgeState {
  version: 1;
  /** The forwarding database: MAC → port name. */
  fdb: [string, string][];
}

export class Bridge {
  private readonly ports = new Map<string, BridgePort>();
  private readonly fdb = new Map<string, string>();
  /** Frames for the bridge's own address, or broadcast: dom0's stack (netif_receive_skb on xenbr0). */
  local?: (frame: Uint8Array) => void;

  constructor(
    readonly name: string,
    /** The bridge device's own MAC (dom0's address on xenbr0). */
    readonly mac: string,
  ) {}

  /** brctl addif. */
  addif(port: BridgePort): void {
    if (this.ports.has(port.name)) throw new Error(`${this.name}: ${port.name} is already a port of the bridge`);
    this.ports.set(port.name, port);
  }

  /** brctl delif (or the device going away): its learned addresses are forgotten. */
  delif(name: string): void {
    this.ports.delete(name);
    for (const [mac, p] of [...this.fdb]) if (p === name) this.fdb.delete(mac);
  }

  portNames(): string[] {
    return [...this.ports.keys()];
  }

  /** br_handle_frame: a frame received on port `from` (or sent by dom0 itself when `from` is the bridge). */
  input(from: string, frame: Uint8Array): void {
    const dst = macText(frame, 0);
    const src = macText(frame, 6);
    if (from !== this.name) this.fdb.set(src, from);
    const broadcast = (frame[0] & 1) !== 0;
    if (dst === this.mac || broadcast) {
      if (from !== this.name) this.local?.(frame);
      if (!broadcast) return;
    }
    const known = this.fdb.get(dst);
    if (known !== undefined) {
      if (known !== from) this.ports.get(known)?.xmit(frame);
      return;
    }
    for (const p of this.ports.values()) if (p.name !== from) p.xmit(frame);
  }

  save(): BridgeState {
    return { version: 1, fdb: [...this.fdb] };
  }

  restore(s: BridgeState): void {
    this.fdb.clear();
    for (const [mac, port] of s.fdb) this.fdb.set(mac, port);
  }
}
