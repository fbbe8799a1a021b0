/**
 * The Xen host the app drives on the run's one world: booted from grub.conf on request, with its
 * event log (attached before boot, so power-on lines are in it), its hypercall log and who holds
 * each PCI function. Sessions are told when something new is there and read it by index, so
 * every window sees the whole log in order and a reloaded window starts again from line 0.
 */
import type { HostDevice } from '../../src-shared/protocol/index.ts';
import { formatBdf } from '../../src-shared/units/bdf.ts';
import { hostDevices } from '../world/host-devices.ts';
import type { World } from '../world/world.ts';
import { EventLog } from '../toolstack/event-log.ts';
import type { XenHost } from '../toolstack/host.ts';

type Listener = (what: 'log' | 'ownership') => void;

export class XenRun {
  host: XenHost | undefined;
  readonly log: EventLog;
  private readonly listeners = new Set<Listener>();
  private seenLines = 0;
  private seenHypercalls = 0;

  constructor(readonly world: World) {
    this.log = new EventLog(world.sim.tracer);
    // Registered after the log's own listener, so the line is there when we look.
    world.sim.tracer.on(() => {
      const calls = this.hypercalls.length;
      if (this.log.lines.length === this.seenLines && calls === this.seenHypercalls) return;
      this.seenLines = this.log.lines.length;
      this.seenHypercalls = calls;
      this.notify('log');
    });
  }

  get hypercalls() {
    return this.host?.xen.hypercalls.records ?? [];
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Boot, create and destroy call this: the Host panel's owners may have changed. */
  ownershipChanged(): void {
    this.notify('ownership');
  }

  /** The Host panel's table with each function's holder: dom0's driver, pciback, or a guest. */
  devices(): HostDevice[] {
    const rows = hostDevices(this.world);
    const host = this.host;
    if (!host) return rows;
    const guests = new Map<string, string>();
    for (const d of host.xend.domains.values()) {
      for (const b of host.xen.domain(d.domid)?.iommu.pdevs ?? []) guests.set(formatBdf(b), `guest dom${d.domid} (${d.name})`);
    }
    return rows.map((r) => {
      const guest = guests.get(r.bdf);
      if (guest) return { ...r, owner: guest };
      const dev = host.dom0.devices.find((d) => formatBdf(d.bdf) === r.bdf);
      if (!dev) return { ...r, owner: 'not seen by dom0' };
      return { ...r, owner: dev.driver === 'pciback' ? 'dom0 pciback (hidden)' : dev.driver ? `dom0 driver ${dev.driver}` : 'dom0 (no driver)' };
    });
  }

  private notify(what: 'log' | 'ownership'): void {
    for (const l of this.listeners) l(what);
  }
}

const runs = new WeakMap<World, XenRun>();

/** The world's Xen run, made on first use (before boot, so the log sees power-on). */
export function xenRun(world: World): XenRun {
  let r = runs.get(world);
  if (!r) runs.set(world, (r = new XenRun(world)));
  return r;
}
