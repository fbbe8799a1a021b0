/**
 * The toolstack, dom0 and the guests in world snapshots, and restore by construction.
 *
 * `toolstack` records how the host was built: the grub.conf text it booted, the Xen era, and
 * the journal of xm creates, destroys and guest boots (journal.ts). `rebuildHost` replays that
 * on a fresh world — the same boot, the same creates with the same config texts, the same
 * guest boots, in the same order — so every object, wire, handler and timer exists exactly as
 * it did; then the registry loads every component's saved fields over it. Components:
 *
 * - `toolstack`: the build record (checked against the replay's own journal on restore);
 * - `dom0.linux`: dom0's PCI devices and their drivers, pciback's hide list, its log;
 * - `xend`: pids, the attack switch, its log, libxc's errno, each domain's name and state;
 * - `qemu-dm.N`: domain N's device model — its log, exit status, CONFIG_ADDRESS latch, and
 *   each device's shadow config space, region addresses and pass-through bases;
 * - `guest.dN`: domain N's guest OS and its e1000 driver.
 */
import { restoreFields, saveFields, type Plain } from '../engine/fields.ts';
import type { ComponentSnapshots, SnapshotComponent, SnapshotRegistry } from '../engine/snapshot.ts';
import { bytesToHex, hexToBytes } from '../../src-shared/units/bytes.ts';
import type { Fc5GuestState } from '../guest/linux/hvm-guest.ts';
import { PtDevice } from '../qemu/ioemu/hw/pass-through.ts';
import { PtDevice34, type PtDevice34State } from '../qemu/ioemu/hw/pass-through-34.ts';
import type { QemuDm } from '../qemu/ioemu/vl.ts';
import { QemuIoreq } from '../qemu/ioemu/ioreq.ts';
import type { XenEra } from '../xen/common/version.ts';
import type { BuildStep } from './journal.ts';
import type { Dom0Linux } from '../guest/linux/dom0.ts';
import type { Xen, XenWorld } from '../xen/xen.ts';
import type { Xm } from './xm/main.ts';
import type { Xend, XendDomain } from './xend/xend.ts';

export const TOOLSTACK_SNAPSHOT_VERSION = 1;
export const BUILD_ID = 'toolstack';

/** How the host was built: enough to build it again. */
export interface HostBuild {
  grub: string;
  era: XenEra;
  steps: BuildStep[];
}

/** The booted host as host.ts's XenHost has it (named here so the two files do not import each other). */
export interface HostParts {
  xen: Xen;
  dom0: Dom0Linux;
  xend: Xend;
  xm: Xm;
}

function component<S>(save: () => S, restore: (s: S) => void, target: unknown): SnapshotComponent<S> {
  return { version: TOOLSTACK_SNAPSHOT_VERSION, save, restore, target };
}

/** Called once the host has booted: the build record, dom0, xend; per-domain parts as they come. */
export function registerToolstackSnapshots(world: XenWorld, host: HostParts, boot: { grub: string; era: XenEra }): void {
  const reg = world.sim.snapshots;
  const journal = host.xend.journal;
  reg.register<HostBuild>(
    BUILD_ID,
    component(
      () => ({ grub: boot.grub, era: boot.era, steps: journal.steps.map((st) => ({ ...st })) }),
      (s) => {
        if (JSON.stringify(s.steps) !== JSON.stringify(journal.steps)) throw new Error('the rebuilt host was built by other steps than the snapshot records');
      },
      journal,
    ),
  );
  const dom0 = host.dom0;
  const DOM0_FIELDS = ['devices', 'hidden', 'netdevs'] as const;
  reg.register(
    'dom0.linux',
    component(
      () => ({ fields: saveFields(dom0, DOM0_FIELDS, 'dom0.linux'), log: [...dom0.log.lines] }),
      (s: { fields: Record<string, Plain>; log: string[] }) => {
        restoreFields(dom0, s.fields, DOM0_FIELDS, 'dom0.linux');
        dom0.log.lines.splice(0, dom0.log.lines.length, ...s.log);
      },
      dom0,
    ),
  );
  reg.register('xend', component(() => saveXend(host.xend), (s) => restoreXend(host.xend, s), host.xend));
  journal.onRecord = () => syncDomainComponents(reg, host.xend);
}

interface XendState {
  nextPid: number;
  maliciousGuests: boolean;
  errno: number;
  log: string[];
  domains: { domid: number; name: string; state: XendDomain['state'] }[];
}

function saveXend(x: Xend): XendState {
  const domains = [...x.domains.values()].map((d) => ({ domid: d.domid, name: d.name, state: d.state }));
  return { nextPid: x.nextPid, maliciousGuests: x.maliciousGuests, errno: x.xc.errno, log: [...x.log.lines], domains };
}

function restoreXend(x: Xend, s: XendState): void {
  const here = [...x.domains.keys()].join(',');
  const there = s.domains.map((d) => d.domid).join(',');
  if (here !== there) throw new Error(`xend manages domains [${here}] after the rebuild, the snapshot [${there}]`);
  for (const d of s.domains) x.domains.get(d.domid)!.state = d.state;
  x.nextPid = s.nextPid;
  x.maliciousGuests = s.maliciousGuests;
  x.xc.errno = s.errno;
  x.log.lines.splice(0, x.log.lines.length, ...s.log);
}

const qemuId = (domid: number) => `qemu-dm.${domid}`;
const guestId = (domid: number) => `guest.d${domid}`;

/** Registers the device model and guest OS of each live domain, drops those of dead ones. */
function syncDomainComponents(reg: SnapshotRegistry, x: Xend): void {
  for (const id of reg.ids) {
    const m = /^(?:qemu-dm\.|guest\.d)(\d+)$/.exec(id);
    if (m && !x.domains.has(Number(m[1]))) reg.unregister(id);
  }
  for (const dom of x.domains.values()) {
    const { qemu, guest } = dom;
    if (qemu && !reg.has(qemuId(dom.domid))) reg.register(qemuId(dom.domid), component(() => saveQemu(qemu), (s) => restoreQemu(qemu, s, qemuId(dom.domid)), qemu));
    if (guest && !reg.has(guestId(dom.domid))) reg.register<Fc5GuestState>(guestId(dom.domid), component(() => guest.save(), (s) => guest.restore(s), guest));
  }
}

interface QemuDeviceState {
  devfn: number;
  name: string;
  config: string;
  regions: number[];
  bases?: { ePhys: number; eSize: number; machine: number }[];
  /** 3.3+: the register-table device's own state (emulated registers, BAR bases, MSI). */
  pt34?: PtDevice34State;
}

interface QemuState {
  /** What xend spawned it with (MACs drawn from xend's stream): a rebuild must give the same. */
  argv: string[];
  log: string[];
  exitCode?: number;
  ioreq: { configAddress: number };
  devices: QemuDeviceState[];
}

function saveQemu(q: QemuDm): QemuState {
  const devices = q.bus.devices.map(
    (d): QemuDeviceState => ({
      devfn: d.devfn,
      name: d.name,
      config: bytesToHex(d.config),
      regions: d.regions.map((r) => r.addr),
      ...(d instanceof PtDevice ? { bases: d.bases.map((b) => ({ ...b })) } : {}),
      ...(d instanceof PtDevice34 ? { pt34: d.save() } : {}),
    }),
  );
  return { argv: [...q.argv], log: [...q.log.lines], exitCode: q.exitCode, ioreq: q.ioreq instanceof QemuIoreq ? q.ioreq.save() : { configAddress: 0 }, devices };
}

function restoreQemu(q: QemuDm, s: QemuState, id: string): void {
  if (s.argv.join(' ') !== q.argv.join(' ')) throw new Error(`the rebuilt device model was started as "${q.argv.join(' ')}", the snapshot's as "${s.argv.join(' ')}"`);
  const layout = (ds: { devfn: number; name: string }[]) => ds.map((d) => `${d.devfn}:${d.name}`).join(', ');
  if (layout(s.devices) !== layout(q.bus.devices)) throw new Error(`the rebuilt virtual bus is [${layout(q.bus.devices)}], the snapshot's [${layout(s.devices)}]`);
  s.devices.forEach((ds, i) => {
    const d = q.bus.devices[i];
    d.config.set(hexToBytes(ds.config, `${id}: device ${ds.devfn} config`, d.config.length));
    if (ds.regions.length !== d.regions.length) throw new Error(`${id}: device ${ds.devfn} has ${d.regions.length} regions, the snapshot ${ds.regions.length}`);
    ds.regions.forEach((addr, r) => (d.regions[r].addr = addr));
    if (d instanceof PtDevice && ds.bases) d.bases.splice(0, d.bases.length, ...ds.bases.map((b) => ({ ...b })));
    if (d instanceof PtDevice34) {
      if (!ds.pt34) throw new Error(`${id}: device ${ds.devfn} is a 3.3+ pass-through device, the snapshot has no register-table state for it`);
      d.restore(ds.pt34);
    }
  });
  q.log.lines.splice(0, q.log.lines.length, ...s.log);
  q.exitCode = s.exitCode;
  if (q.ioreq instanceof QemuIoreq) q.ioreq.restore(s.ioreq);
}

/** The build record in a world snapshot's components, if the world had booted Xen. */
export function hostBuildOf(components: ComponentSnapshots): HostBuild | undefined {
  const c = components[BUILD_ID];
  if (!c) return undefined;
  if (c.version !== TOOLSTACK_SNAPSHOT_VERSION) {
    throw new Error(`snapshot component "${BUILD_ID}": snapshot version ${c.version}, this build reads version ${TOOLSTACK_SNAPSHOT_VERSION}`);
  }
  const b = c.state as HostBuild;
  if (typeof b?.grub !== 'string' || typeof b.era !== 'string' || !Array.isArray(b.steps)) throw new Error(`snapshot component "${BUILD_ID}": expected { grub, era, steps }`);
  return b;
}

/**
 * Builds the host again on a fresh world: boot from the same grub.conf, then every recorded
 * step in order. `boot` is the toolstack's bootFromGrub (passed in: host.ts registers us).
 */
export function replayBuild(host: HostParts, steps: BuildStep[]): void {
  for (const [i, step] of steps.entries()) {
    const where = `snapshot component "${BUILD_ID}": step ${i + 1} (${step.op} of domain ${step.domid ?? 'none'})`;
    if (step.op === 'create') {
      host.xend.maliciousGuests = step.malicious;
      host.xm.create(step.file, step.source, { paused: step.paused });
      const got = host.xend.journal.steps.at(-1);
      if (got?.op !== 'create' || got.domid !== step.domid) throw new Error(`${where}: the replayed xm create gave domain ${got?.domid ?? 'none'}`);
    } else if (step.op === 'destroy') {
      const out = host.xm.destroy(String(step.domid));
      if (out.exitCode !== 0) throw new Error(`${where}: ${out.stderr.join(' ')}`);
    } else {
      const d = host.xen.domain(step.domid);
      if (!d?.vcpuEntry) throw new Error(`${where}: the rebuilt domain has no vCPU entry to run`);
      d.vcpuEntry();
    }
  }
}
