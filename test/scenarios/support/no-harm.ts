/**
 * Test support for "no harm done" (issue 14 item 11): the seed host with a PV guest (netfront on
 * xenbr0), an HVM guest whose only NIC is qemu-dm's emulated RTL8139 (tap on xenbr0) and, by
 * variant, the seed's assigned-E1000 guest — running the real e1000 driver or the malicious one.
 * Traffic runs to all at once: pktgen flows dom0 → each guest and each guest → dom0 over
 * xenbr0, the link partner → the assigned NIC. What each bystander got (frames, bytes, the
 * digest of its checksummed payloads) and a hash of its memory outside its receive buffers are
 * what the variants must agree on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PktgenSender, PktgenSink, type SinkStats } from '../../../src-sim/guest/linux/net/core/pktgen.ts';
import { runAttack, type AttackReport } from '../../../src-sim/toolstack/attack.ts';
import { XM_CONFIG_FIXTURES } from '../../fixtures/paths.ts';
import { bootSeedHost, SEED_HVM, type SeedHost } from './seed-host.ts';

const fixture = (name: string) => readFileSync(join(XM_CONFIG_FIXTURES, name), 'utf8');

export const PV_CONFIG = fixture('pv-netfront.cfg');
export const EMU_CONFIG = fixture('hvm-ioemu-rtl8139.cfg');
export const PV_MAC = '00:16:3e:00:00:11';
export const EMU_MAC = '00:16:3e:00:00:22';

export type Variant = 'alone' | 'beside the assigned guest' | 'beside the malicious assigned guest';

export interface Bystander {
  /** What the guest's driver received from dom0, and what dom0 received from the guest. */
  got: SinkStats;
  dom0Got: SinkStats;
  /** FNV-1a of every populated page the guest owns, its receive buffers left out. */
  memory: string;
}

export interface NoHarmRun {
  host: SeedHost;
  pv: Bystander;
  emu: Bystander;
  /** Frames the assigned guest's e1000 driver received (undefined without it). */
  assignedRx?: number;
  attack?: AttackReport;
}

export const FRAMES = 120;
const INTERVAL_NS = 20_000;
const PAYLOAD = 600;
const TRAFFIC_NS = 8_000_000;
const PAGE = 0x1000;

/** Creates the guests of `variant`; each gets its firmware's time before the next. */
export function bootVariant(variant: Variant): SeedHost {
  const host = bootSeedHost();
  const create = (file: string, text: string, malicious = false) => {
    host.xend.maliciousGuests = malicious;
    const out = host.xm.create(file, text);
    if (out.exitCode !== 0) throw new Error(`xm create ${file}: ${out.stderr.join(' ')}`);
    host.pc.sim.engine.runFor(1_000_000);
  };
  create('pv-netfront.cfg', PV_CONFIG);
  create('hvm-ioemu-rtl8139.cfg', EMU_CONFIG);
  if (variant !== 'alone') create('hvm.conf', SEED_HVM, variant === 'beside the malicious assigned guest');
  host.xend.maliciousGuests = false;
  return host;
}

interface Flows {
  toPv: PktgenSink;
  toEmu: PktgenSink;
  fromPv: PktgenSink;
  fromEmu: PktgenSink;
  senders: PktgenSender[];
}

/** Wires pktgen senders and sinks at dom0's xenbr0, the PV guest's eth0 and the emulated guest's eth0. */
export function startTraffic(host: SeedHost, frames = FRAMES, intervalNs = INTERVAL_NS): Flows {
  const net = host.xend.net!;
  const pv = host.xend.byName('pv-net')!;
  const emu = host.xend.byName('fc5-emu')!;
  const nf = pv.pvGuest!.netdevs[0];
  const rtl = emu.guest!.rtl!;
  const f: Flows = { toPv: new PktgenSink(PV_MAC), toEmu: new PktgenSink(EMU_MAC), fromPv: new PktgenSink(net.xenbr0.mac), fromEmu: new PktgenSink(net.xenbr0.mac), senders: [] };
  nf.receive = (frame) => f.toPv.receive(frame);
  rtl.receive = (frame) => f.toEmu.receive(frame);
  const bySource = new Map([
    [PV_MAC, f.fromPv],
    [EMU_MAC, f.fromEmu],
  ]);
  net.xenbr0.local = (frame) => bySource.get([...frame.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join(':'))?.receive(frame);
  const dom0 = { mac: net.xenbr0.mac, ip: 0x0a000001 };
  const ends = [
    { name: 'dom0-pv', scope: host.xen.dom0.scope, flow: { srcMac: dom0.mac, dstMac: PV_MAC, srcIp: dom0.ip, dstIp: 0x0a000011 }, xmit: (fr: Uint8Array) => (net.xenbr0.input('xenbr0', fr), true) },
    { name: 'dom0-emu', scope: host.xen.dom0.scope, flow: { srcMac: dom0.mac, dstMac: EMU_MAC, srcIp: dom0.ip, dstIp: 0x0a000022 }, xmit: (fr: Uint8Array) => (net.xenbr0.input('xenbr0', fr), true) },
    { name: 'pv-dom0', scope: host.xen.domain(pv.domid)!.scope, flow: { srcMac: PV_MAC, dstMac: dom0.mac, srcIp: 0x0a000011, dstIp: dom0.ip }, xmit: (fr: Uint8Array) => nf.xmit(fr) },
    { name: 'emu-dom0', scope: host.xen.domain(emu.domid)!.scope, flow: { srcMac: EMU_MAC, dstMac: dom0.mac, srcIp: 0x0a000022, dstIp: dom0.ip }, xmit: (fr: Uint8Array) => rtl.xmit(fr) },
  ];
  for (const e of ends) {
    const rng = host.pc.sim.rng.stream(`pktgen.${e.name}`);
    const s = new PktgenSender(e.scope.scope(`pktgen-${e.name}`), e.flow, e.xmit, () => rng.nextInt(0, 255));
    s.start({ count: frames, intervalNs, payloadLen: PAYLOAD });
    f.senders.push(s);
  }
  return f;
}

/** FNV-1a over the populated pages of `frames` (machine frame numbers) except `skip`. */
function hashFrames(pages: Record<string, string>, frames: number[], skip: Set<number>): string {
  let h = 0x811c9dc5;
  for (const mfn of frames) {
    const data = pages[mfn.toString(16)];
    if (!data || skip.has(mfn)) continue;
    const text = `${frames.indexOf(mfn)}:${data}`;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The guest's RAM in pseudo-physical order, then its grant-table frames (Xen's pages shared with it). */
const mfnsOf = (host: SeedHost, domid: number) => {
  const d = host.xen.domain(domid)!;
  return [...d.frames.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.mfn + i)), ...(d.grantTable?.frames ?? []).map((a) => a / PAGE)];
};

/** The PV guest's memory (and grant entries) outside netfront's posted receive pages. */
export function pvMemoryHash(host: SeedHost, pages = host.pc.mem.save().pages): string {
  const pv = host.xend.byName('pv-net')!;
  return hashFrames(pages, mfnsOf(host, pv.domid), new Set(pv.pvGuest!.netdevs[0].rxPages.map((a) => a / PAGE)));
}

/** The emulated-NIC guest's memory outside the 8139too receive ring. */
export function emuMemoryHash(host: SeedHost, pages = host.pc.mem.save().pages): string {
  const emu = host.xend.byName('fc5-emu')!;
  const d = host.xen.domain(emu.domid)!;
  const [start, end] = emu.guest!.rtlDmaRange!;
  const skip = new Set<number>();
  for (let gfn = Math.floor(start / PAGE); gfn * PAGE < end; gfn++) skip.add(d.p2m!.get(gfn)!.mfn);
  return hashFrames(pages, mfnsOf(host, emu.domid), skip);
}

/** One whole run of `variant`: boot, create, traffic to all at once, results. */
export function runNoHarm(variant: Variant, t: (what: string) => void = () => {}): NoHarmRun {
  const host = bootVariant(variant);
  t('boot');
  const flows = startTraffic(host);
  const seed = host.xend.byName('fc5-vtd');
  let attack: AttackReport | undefined;
  if (seed) {
    const nic = host.pc.nics[0];
    if (variant === 'beside the malicious assigned guest') {
      const r = runAttack({ sim: host.pc.sim, pc: host.pc }, host, 'dma');
      if (typeof r === 'string') throw new Error(r);
      attack = r;
    } else nic.partner.startStream({ dst: nic.nic.macAddress, count: FRAMES, payloadBytes: PAYLOAD, framesPerSecond: 1e9 / INTERVAL_NS });
  }
  t('start');
  host.pc.sim.engine.runFor(TRAFFIC_NS);
  t('traffic');
  const pages = host.pc.mem.save().pages;
  return {
    host,
    pv: { got: { ...flows.toPv.stats }, dom0Got: { ...flows.fromPv.stats }, memory: pvMemoryHash(host, pages) },
    emu: { got: { ...flows.toEmu.stats }, dom0Got: { ...flows.fromEmu.stats }, memory: emuMemoryHash(host, pages) },
    assignedRx: seed && variant === 'beside the assigned guest' ? seed.guest?.nic?.stats.rxFrames : undefined,
    attack,
  };
}
