/**
 * `vtdw run --attack dma|ioport|bar`: the guest with the assigned NIC runs the malicious driver
 * (guest/linux/drivers/net/e1000-attack.ts) instead of e1000, and this is the host's side of
 * the experiment. It picks the targets a real attacker would aim at — machine pages of Xen, of
 * dom0 and of every other guest, machine ports and BARs of devices that stay with dom0 — lets
 * the driver try, and judges each attempt from what the machine recorded: a VT-d fault record,
 * Xen's refusal (a hypercall's errno, an access left to qemu-dm's emulation), or containment
 * (VT-d translated the address into the attacker's own memory). Every machine page outside the
 * attacker is hashed before and after, grouped by owner.
 */
import type { Simulation } from '../engine/simulation.ts';
import type { Pc } from '../hw/pc/pc.ts';
import { FAULT_REASON_TEXT } from '../hw/vtd/dmar-regs.ts';
import { MaliciousE1000, type GuestDomctl } from '../guest/linux/drivers/net/e1000-attack.ts';
import type { Domain } from '../xen/common/domain.ts';
import { errnoName } from '../xen/common/errno.ts';
import type { XenHost } from './host.ts';

export const ATTACKS = ['dma', 'ioport', 'bar'] as const;
export type AttackKind = (typeof ATTACKS)[number];

export interface AttackAttempt {
  /** What the driver tried, in words. */
  tried: string;
  /** fault: VT-d blocked and recorded it; refused: Xen said no; contained: it landed in the
   * attacker's own memory; reached: it got through (the only failing outcome). */
  outcome: 'fault' | 'refused' | 'contained' | 'reached';
  /** The fault record with its reason, Xen's answer, or where the access went instead. */
  detail: string;
}

export interface AttackReport {
  kind: AttackKind;
  attacker: number;
  attempts: AttackAttempt[];
  /** Hash of every machine page outside the attacker, by owner (xen, dom0, domN). */
  before: Record<string, string>;
  after: Record<string, string>;
  /** Every attempt blocked or contained, and no hash changed. */
  blocked: boolean;
}

type World = { sim: Simulation; pc: Pc };

const PAGE = 0x1000;
const hex = (n: number) => '0x' + n.toString(16);
/** How long the frames carrying the DMA attack take to arrive and be handled. */
const DMA_WAIT_NS = 2_000_000;
/** A gfn in the guest's MMIO hole that hvmloader left unused: where a foreign BAR would go. */
const SPARE_GFN = 0xf8000;

/** FNV-1a over a string, twice with different offsets, as 16 hex digits. */
function hash64(parts: string[]): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (const s of parts) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x01000193) >>> 0;
    }
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Who owns machine frame `mfn`: a domain's name, or `xen` for everything no domain owns. */
function ownerOf(host: XenHost, mfn: number): string {
  for (const d of host.xen.domains.values()) if (d.frames.some((r) => mfn >= r.mfn && mfn < r.mfn + r.count)) return `dom${d.domid}`;
  return 'xen';
}

/**
 * Every machine page outside the attacker, hashed per owner (`hash/N frames, M populated`). A
 * page never written is zero and not stored: any write to it populates it and changes the hash,
 * so the hash covers all N frames while reading only the M that hold data.
 */
export function memoryHashes(world: World, host: XenHost, attacker: number): Record<string, string> {
  const pages = world.pc.mem.save().pages;
  const groups = new Map<string, { parts: string[]; frames: number }>();
  for (const d of host.xen.domains.values()) if (d.domid !== attacker) groups.set(`dom${d.domid}`, { parts: [], frames: d.frames.reduce((n, r) => n + r.count, 0) });
  const owned = [...groups.values()].reduce((n, g) => n + g.frames, 0) + (host.xen.domain(attacker)?.frames.reduce((n, r) => n + r.count, 0) ?? 0);
  groups.set('xen', { parts: [], frames: Math.floor(world.pc.mem.sizeBytes / PAGE) - owned });
  for (const pfn of Object.keys(pages).sort((x, y) => parseInt(x, 16) - parseInt(y, 16))) {
    const owner = ownerOf(host, parseInt(pfn, 16));
    if (owner !== `dom${attacker}`) groups.get(owner)?.parts.push(pfn, pages[pfn]);
  }
  return Object.fromEntries([...groups].map(([k, g]) => [k, `${hash64(g.parts)}/${g.frames} frames, ${g.parts.length / 2} populated`]));
}

/** A page worth aiming at for each other owner: its first populated page, else its first frame. */
function dmaTargets(world: World, host: XenHost, attacker: Domain): { who: string; addr: number }[] {
  const populated = Object.keys(world.pc.mem.save().pages).map((p) => parseInt(p, 16)).sort((x, y) => x - y);
  const out: { who: string; addr: number }[] = [];
  const xenPage = populated.find((pfn) => ownerOf(host, pfn) === 'xen');
  if (xenPage !== undefined) out.push({ who: 'Xen', addr: xenPage * PAGE });
  for (const d of host.xen.domains.values()) {
    if (d.domid === attacker.domid || !d.frames.length) continue;
    const own = populated.find((pfn) => ownerOf(host, pfn) === `dom${d.domid}`);
    out.push({ who: `dom${d.domid}`, addr: (own ?? d.frames[0].mfn) * PAGE });
  }
  // A guest-physical address just past its RAM, and one far beyond.
  const top = attacker.frames.reduce((n, r) => n + r.count, 0) * PAGE;
  out.push({ who: 'past its RAM', addr: top + 0x0100_0000 }, { who: 'far beyond its RAM', addr: 0x4000_0000 });
  return out;
}

function attackDma(world: World, host: XenHost, d: Domain, nic: MaliciousE1000): AttackAttempt[] {
  const targets = dmaTargets(world, host, d);
  const vtd = host.xen.vtd;
  const seen = vtd?.faults.length ?? 0;
  nic.pointRxAt(targets.map((t) => t.addr));
  for (const n of world.pc.nics) n.partner.startStream({ dst: n.nic.macAddress, count: targets.length, payloadBytes: 100 });
  world.sim.engine.runFor(DMA_WAIT_NS);
  const faults = vtd?.faults.slice(seen) ?? [];
  return targets.map(({ who, addr }) => {
    const tried = `receive DMA to ${hex(addr)} (${who})`;
    const f = faults.find((x) => Math.floor(x.addr / PAGE) === Math.floor(addr / PAGE));
    if (f) {
      const sid = `${(f.sid >> 8).toString(16).padStart(2, '0')}:${((f.sid >> 3) & 0x1f).toString(16).padStart(2, '0')}.${f.sid & 7}`;
      return { tried, outcome: 'fault', detail: `VT-d fault record: DMA ${f.read ? 'Read' : 'Write'}, source ${sid}, addr ${hex(f.addr)}, reason ${f.reason} (${FAULT_REASON_TEXT[f.reason] ?? 'unknown'})` };
    }
    const e = d.p2m?.get(Math.floor(addr / PAGE));
    if (vtd && e && d.frames.some((r) => e.mfn >= r.mfn && e.mfn < r.mfn + r.count)) {
      return { tried, outcome: 'contained', detail: `VT-d translated gfn ${hex(Math.floor(addr / PAGE))} into dom${d.domid}'s own mfn ${hex(e.mfn)}: the ${who} page was not reached` };
    }
    return { tried, outcome: 'reached', detail: vtd ? 'no fault recorded and the address is not the guest’s own' : 'VT-d is off: the NIC wrote machine memory unchecked' };
  });
}

/** A guest's domctl, judged: anything but an error is an escape. */
function hypercallAttempt(nic: MaliciousE1000, op: GuestDomctl, tried: string): AttackAttempt {
  const rc = nic.hypercall(op);
  return rc < 0 ? { tried, outcome: 'refused', detail: `Xen: XEN_DOMCTL_${op.cmd} = ${errnoName(rc)} (the caller is not privileged)` } : { tried, outcome: 'reached', detail: `Xen: XEN_DOMCTL_${op.cmd} = ${rc}` };
}

/** Machine resources of the devices dom0 keeps (IORESOURCE_IO 0x100 or IORESOURCE_MEM 0x200). */
function dom0Resources(host: XenHost, flag: number): { dev: string; start: number; end: number }[] {
  return host.dom0.devices.filter((x) => x.driver !== 'pciback').flatMap((x) => x.resources.filter((r) => r.flags & flag).map((r) => ({ dev: x.name, start: r.start, end: r.end })));
}

function attackPorts(host: XenHost, d: Domain, nic: MaliciousE1000): AttackAttempt[] {
  const io = d.hvmIo!;
  const ports = [...d.iommu.g2mIoports.filter((m) => m.mport !== m.gport).map((m) => ({ who: 'the NIC’s machine I/O BAR', port: m.mport })), ...dom0Resources(host, 0x100).slice(0, 2).map((r) => ({ who: `dom0's ${r.dev}`, port: r.start }))];
  const out: AttackAttempt[] = [];
  for (const { who, port } of ports) {
    const given = d.iommu.g2mIoports.some((m) => port >= m.gport && port < m.gport + m.np);
    const before = io.counters.dpciPortio;
    const [value] = nic.touchPorts([port]);
    const tried = `inl/outl port ${hex(port)} (${who})`;
    if (io.counters.dpciPortio !== before) out.push({ tried, outcome: given ? 'contained' : 'reached', detail: given ? `the guest was given gport ${hex(port)}: Xen did the access on its own device's port` : 'Xen did the access on the machine port' });
    else out.push({ tried, outcome: 'refused', detail: `not in dom${d.domid}'s I/O port mappings: the access went to qemu-dm, the read gave ${hex(value)}, the machine port was not touched` });
    out.push(hypercallAttempt(nic, { cmd: 'ioport_permission', firstPort: port, nrPorts: 4 }, `XEN_DOMCTL_ioport_permission for port ${hex(port)} (${who})`));
  }
  return out;
}

function attackBar(world: World, host: XenHost, d: Domain, nic: MaliciousE1000): AttackAttempt[] {
  const io = d.hvmIo!;
  const bars = dom0Resources(host, 0x200).slice(0, 2);
  const unit = host.xen.vtd?.unitFor(world.pc.nics[0].bdf);
  const targets = [...bars.map((b) => ({ who: `dom0's ${b.dev} BAR`, mfn: Math.floor(b.start / PAGE) })), ...(unit ? [{ who: 'Xen’s VT-d unit registers', mfn: Math.floor(unit.registerBase / PAGE) }] : [])];
  const out: AttackAttempt[] = [];
  for (const { who, mfn } of targets) {
    out.push(hypercallAttempt(nic, { cmd: 'memory_mapping', firstGfn: SPARE_GFN, firstMfn: mfn, nrMfns: 1 }, `XEN_DOMCTL_memory_mapping gfn ${hex(SPARE_GFN)} → mfn ${hex(mfn)} (${who})`));
    out.push(hypercallAttempt(nic, { cmd: 'iomem_permission', firstMfn: mfn, nrMfns: 1 }, `XEN_DOMCTL_iomem_permission mfn ${hex(mfn)} (${who})`));
    const direct = io.counters.directMmio;
    for (const gfn of [SPARE_GFN, mfn]) {
      const tried = `read/write gpa ${hex(gfn * PAGE)} (${gfn === mfn ? `${who} at its machine address` : `where it would be mapped`})`;
      const value = nic.touchMmio(gfn * PAGE);
      const e = d.p2m?.get(gfn);
      if (io.counters.directMmio !== direct && e && e.mfn === mfn) out.push({ tried, outcome: 'reached', detail: `the p2m maps gfn ${hex(gfn)} to mfn ${hex(mfn)}` });
      else out.push({ tried, outcome: 'refused', detail: `no direct p2m entry to mfn ${hex(mfn)}: qemu-dm emulated the access, the read gave ${hex(value)}` });
    }
  }
  return out;
}

/** Runs attack `kind` from the first guest that holds an assigned NIC with the malicious driver. */
export function runAttack(world: World, host: XenHost, kind: AttackKind): AttackReport | string {
  const dom = [...host.xend.domains.values()].find((x) => x.pci.length && x.guest?.nic instanceof MaliciousE1000);
  const d = dom && host.xen.domain(dom.domid);
  if (!dom || !d) return 'no guest holds an assigned e1000 with the malicious driver bound (is pci = [...] in the hvm.conf?)';
  const nic = dom.guest!.nic as MaliciousE1000;
  const before = memoryHashes(world, host, d.domid);
  const attempts = kind === 'dma' ? attackDma(world, host, d, nic) : kind === 'ioport' ? attackPorts(host, d, nic) : attackBar(world, host, d, nic);
  const after = memoryHashes(world, host, d.domid);
  const same = Object.keys(before).every((k) => before[k] === after[k]);
  return { kind, attacker: d.domid, attempts, before, after, blocked: same && attempts.length > 0 && attempts.every((a) => a.outcome !== 'reached') };
}

/** The report as `vtdw run --attack` prints it. */
export function attackText(r: AttackReport): string {
  const lines = [`attack ${r.kind} from dom${r.attacker}: ${r.attempts.length} attempts`];
  for (const a of r.attempts) lines.push(`  ${a.outcome.toUpperCase().padEnd(9)} ${a.tried}: ${a.detail}`);
  lines.push('memory outside the attacker (owner: before → after):');
  for (const k of Object.keys(r.before)) lines.push(`  ${k.padEnd(5)} ${r.before[k]} → ${r.after[k] ?? '(gone)'}${r.before[k] === r.after[k] ? '  unchanged' : '  CHANGED'}`);
  lines.push(r.blocked ? 'every attempt was blocked; no other memory changed' : 'NOT ISOLATED: an attempt got through or other memory changed');
  return lines.join('\n') + '\n';
}
