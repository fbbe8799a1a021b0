/**
 * Xen in world snapshots. The hypervisor's objects are rebuilt by construction (the toolstack
 * replays the boot and every xm create/destroy on a fresh world, toolstack/journal.ts); these
 * components then load what has changed since: the hypervisor's own state under `xen.*`, and
 * each domain's under its scope (`d0`, `d1`, `d1.vpic`, `d1.hvm`), registered when the domain
 * is built and gone with its scope when it is destroyed.
 *
 * Timers a domain creates lazily (`vcpu0.dirq_assist`, `pt_irq_timeout.N`) are re-created here
 * from the names the snapshot lists, with their handlers found through io.ts, before the engine
 * re-arms them from their saved (deadline, seq).
 */
import { restoreFields, saveFields, type Plain } from '../engine/fields.ts';
import type { SnapshotComponent } from '../engine/snapshot.ts';
import type { Domain } from './common/domain.ts';
import type { Range } from './common/rangeset.ts';
import { GuestIrqs } from './arch/x86/irq_guest.ts';
import type { IrqDesc } from './arch/x86/irq.ts';
import { HvmIo } from './arch/x86/hvm/io.ts';
import { kickTimer, timerFor } from './drivers/passthrough/io.ts';
import { restoreDomainMsi, saveDomainMsi } from './drivers/passthrough/io-msi.ts';
import { restorePirqs, savePirqs } from './arch/x86/physdev.ts';
import type { Xen } from './xen.ts';

/** The version of every component below; bump the one whose fields change. */
export const XEN_SNAPSHOT_VERSION = 1;

const XEN_FIELDS = ['params', 'maxPage', 'booted', 'nextDomid'] as const;

interface XenCoreState {
  fields: Record<string, Plain>;
  ackNew: boolean;
  console: { loglvl: string; guestLoglvl: string; ring: string[] };
}

function component<S>(save: () => S, restore: (s: S) => void, target: unknown): SnapshotComponent<S> {
  return { version: XEN_SNAPSHOT_VERSION, save, restore, target };
}

/** The hypervisor's own state: parameters, console, heap, hypercall log, IRQs, VT-d driver. */
export function registerXenSnapshots(xen: Xen): void {
  const reg = xen.world.sim.snapshots;
  reg.register<XenCoreState>(
    'xen',
    component(
      () => ({ fields: saveFields(xen, XEN_FIELDS, 'xen'), ackNew: xen.ioapicAck.ackNew, console: { loglvl: xen.con.loglvl, guestLoglvl: xen.con.guestLoglvl, ring: [...xen.con.ring] } }),
      (s) => {
        if (s.fields?.booted !== xen.booted) throw new Error(`Xen was ${s.fields?.booted ? '' : 'not '}booted in the snapshot, and is${xen.booted ? '' : ' not'} here`);
        restoreFields(xen, s.fields, XEN_FIELDS, 'xen');
        xen.ioapicAck.ackNew = s.ackNew;
        xen.con.loglvl = s.console.loglvl as typeof xen.con.loglvl;
        xen.con.guestLoglvl = s.console.guestLoglvl as typeof xen.con.guestLoglvl;
        xen.con.ring.splice(0, xen.con.ring.length, ...s.console.ring);
      },
      xen,
    ),
  );
  reg.register('xen.heap', component(() => xen.heap.save(), (s) => xen.heap.restore(s), xen.heap));
  reg.register(
    'xen.hypercalls',
    component(() => xen.hypercalls.records.map((r) => ({ ...r, args: { ...r.args } })), (s) => xen.hypercalls.records.splice(0, xen.hypercalls.records.length, ...s), xen.hypercalls),
  );
  reg.register('xen.irq', component(() => saveIrqs(xen), (s) => restoreIrqs(xen, s), xen.irqs));
  if (xen.vtd) {
    const vtd = xen.vtd;
    reg.register(
      'xen.vtd',
      component(
        () => ({ faults: vtd.faults.map((f) => ({ ...f })), units: vtd.units.map((u) => ({ gcmd: u.hw.gcmd, root: u.hw.root })), bus2bridge: vtd.bus2bridge.save() }),
        (s) => {
          if (s.units.length !== vtd.units.length) throw new Error(`${s.units.length} remapping units in the snapshot, ${vtd.units.length} here`);
          vtd.faults.splice(0, vtd.faults.length, ...s.faults);
          s.units.forEach((u, i) => Object.assign(vtd.units[i].hw, u));
          vtd.bus2bridge.restore(s.bus2bridge);
        },
        vtd,
      ),
    );
  }
}

interface IrqState {
  descs: IrqDesc[];
  guest?: ReturnType<GuestIrqs['save']>;
}

function saveIrqs(xen: Xen): IrqState {
  return { descs: xen.irqs.save(), guest: xen.guestIrqs instanceof GuestIrqs ? xen.guestIrqs.save() : undefined };
}

function restoreIrqs(xen: Xen, s: IrqState): void {
  xen.irqs.restore(s.descs);
  if (xen.guestIrqs instanceof GuestIrqs && s.guest) xen.guestIrqs.restore(s.guest);
}

const DOMAIN_FIELDS = ['state', 'maxVcpus', 'maxPages', 'frames', 'xenPages', 'pciLinkRoute', 'started', 'mirq', 'girq', 'iommu'] as const;
const DPCI_FIELDS = ['pending', 'inGuest', 'injected', 'eois', 'timeouts', 'kicks'] as const;

interface DomainSnapshot {
  fields: Record<string, Plain>;
  caps: { iomem: Range[]; ioports: Range[]; irqs: Range[] };
  dpci: Record<string, Plain>;
  /** Which lazily created timers exist (armed or not): `dirq_assist`, and the mirqs with a timeout timer. */
  timers: { kick: boolean; timeouts: number[] };
  /** Where the p2m's top table is: a rebuilt domain whose table landed elsewhere was built differently. */
  p2mRoot?: number;
}

/** One domain's state under its scope: `dN`, and for HVM `dN.vpic` and `dN.hvm`. */
export function registerDomainSnapshots(xen: Xen, d: Domain): void {
  const id = d.scope.name;
  d.scope.register<DomainSnapshot>(
    component(
      () => ({
        fields: saveFields(d, DOMAIN_FIELDS, id),
        caps: { iomem: d.iomemCaps.list(), ioports: d.ioportCaps.list(), irqs: d.irqCaps.list() },
        dpci: saveFields(d.dpci, DPCI_FIELDS, `${id}.dpci`),
        timers: { kick: d.dpci.kick !== undefined, timeouts: [...d.dpci.timers.keys()] },
        p2mRoot: d.p2m?.root,
      }),
      (s) => restoreDomain(xen, d, s),
      d,
    ),
  );
  // 3.3+'s pirq table (PHYSDEVOP_map_pirq) and MSI bindings live beside the domain, not in it.
  d.scope.register(
    component(
      () => ({ pirqs: savePirqs(d), msi: saveDomainMsi(d) }),
      (s) => {
        restorePirqs(d, s.pirqs);
        restoreDomainMsi(d, s.msi);
      },
      // No single object holds both tables (they live in physdev.ts's and io-msi.ts's per-domain maps).
      undefined,
    ),
    'physdev',
  );
  if (d.vpic) d.scope.register({ version: XEN_SNAPSHOT_VERSION, save: () => d.vpic!.pic.save(), restore: (s) => d.vpic!.pic.restore(s), target: d.vpic }, 'vpic');
  const { vioapic, vlapic } = d;
  if (vioapic) d.scope.register(component(() => vioapic.save(), (s) => vioapic.restore(s), vioapic), 'vioapic');
  if (vlapic) d.scope.register(component(() => vlapic.save(), (s) => vlapic.restore(s), vlapic), 'vlapic');
  const { hvmIo, hvmIrq } = d;
  if (hvmIo instanceof HvmIo && hvmIrq) {
    const where = `${id}.hvm.irq`;
    d.scope.register(
      component(
        () => ({ io: hvmIo.save(), irq: saveFields(hvmIrq, HVM_IRQ_FIELDS, where) }),
        (s) => {
          hvmIo.restore(s.io);
          restoreFields(hvmIrq, s.irq, HVM_IRQ_FIELDS, where);
        },
        hvmIrq,
      ),
      'hvm',
    );
  }
}

const HVM_IRQ_FIELDS = ['intx', 'gsiAssertCount', 'linkAssertCount'] as const;

function restoreDomain(xen: Xen, d: Domain, s: DomainSnapshot): void {
  if (s.p2mRoot !== d.p2m?.root) throw new Error(`the rebuilt domain's p2m is at ${d.p2m?.root}, the snapshot's at ${s.p2mRoot}: it was built differently`);
  restoreFields(d, s.fields, DOMAIN_FIELDS, d.scope.name);
  d.iomemCaps.restore(s.caps.iomem);
  d.ioportCaps.restore(s.caps.ioports);
  d.irqCaps.restore(s.caps.irqs);
  restoreFields(d.dpci, s.dpci, DPCI_FIELDS, `${d.scope.name}.dpci`);
  // The timers the original had created by now, so the engine finds an owner for each saved one.
  if (s.timers.kick) kickTimer(xen, d);
  for (const mirq of s.timers.timeouts) timerFor(xen, d, mirq);
}
