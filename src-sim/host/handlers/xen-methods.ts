/**
 * xen.* and xm.*: the Xen host on the run's world. Booting powers the machine on afresh and runs
 * GRUB → Xen → dom0 → xend; `xm create` runs the guest's firmware and then lets each assigned
 * NIC's link partner send a frame, answering when that virtual time has run (in wall slices, so
 * other sessions stay served). Failures are answers with a stage and, where a config line is
 * the cause, the file and line.
 */
import type { RunFailure, XmDomain } from '../../../src-shared/protocol/index.ts';
import { eraRefusal, type XenEra } from '../../xen/common/version.ts';
import { XenPanic } from '../../xen/arch/x86/setup.ts';
import { BootError, bootFromGrub } from '../../toolstack/host.ts';
import { assignFailure, firstPacketFailure, FIRST_PACKET_WAIT_NS, GUEST_START_NS, sendFirstFrames } from '../../toolstack/run.ts';
import type { XendDomain } from '../../toolstack/xend/xend.ts';
import type { CommandOutput } from '../../toolstack/log.ts';
import { formatBdf } from '../../../src-shared/units/bdf.ts';
import { runInSlices } from '../run-slices.ts';
import { xenRun } from '../xen-run.ts';
import { grubWhere, hvmWhere } from '../config-lines.ts';
import { Failure, type HandlerGroup, type SessionContext } from './handler.ts';

type XenMethod = 'xen.boot' | 'xm.create' | 'xm.destroy' | 'xm.list' | 'xm.pciList' | 'xen.hypercalls' | 'xen.events' | 'peer.stream';

/** Records or lines one read returns at most (the schema's cap). */
const PAGE = 1000;

const notBooted = (method: string) => new Failure({ code: 'not-found', message: `${method}: no Xen host is booted; boot it from a grub.conf first (xen.boot)` });

export function xenHandlers(ctx: SessionContext): HandlerGroup<XenMethod> {
  const rt = ctx.runtime;
  const booted = () => xenRun(rt.world).host;
  return {
    'xen.boot': (p) => {
      const refusal = eraRefusal(p.era);
      if (refusal) return { ok: false, failure: { stage: 'era', message: refusal }, status: rt.status() };
      // Xen boots once per power-on: a second boot powers the machine off and on again first.
      if (xenRun(rt.world).host) rt.powerCycle();
      const run = xenRun(rt.world);
      try {
        run.host = bootFromGrub(rt.world, p.grub.text, p.era as XenEra);
      } catch (e) {
        if (!(e instanceof BootError || e instanceof XenPanic)) throw e;
        const message = e instanceof XenPanic ? `(XEN) Panic: ${e.message}` : e.message;
        return { ok: false, failure: { stage: 'boot', message, file: p.grub.name, ...grubWhere(p.grub.text) }, status: rt.status() };
      } finally {
        run.ownershipChanged();
      }
      return { ok: true, title: run.host.title, status: rt.status() };
    },
    'xm.create': async (p) => {
      const host = booted();
      if (!host) return notBooted('xm.create');
      const world = rt.world;
      const before = new Set(host.xend.domains.keys());
      const out = host.xm.create(p.hvm.name, p.hvm.text);
      const dom = [...host.xend.domains.values()].find((d) => !before.has(d.domid));
      xenRun(world).ownershipChanged();
      const where = (stage: RunFailure['stage'], message: string): RunFailure => ({ stage, message, file: p.hvm.name, ...hvmWhere(p.hvm.text, message) });
      const answer = (failure?: RunFailure, firstPacket = false) => ({ ok: !failure, firstPacket, failure, ...(dom ? { domain: xmDomain(dom) } : {}), ...terminal(out) });
      if (out.exitCode !== 0) return answer(where('create', out.stderr.filter((l) => l).join('\n')));
      if (!(await runInSlices(rt, GUEST_START_NS))) return new Failure({ code: 'busy', message: 'xm.create: another machine was powered on meanwhile' });
      const missing = dom && assignFailure(host, dom);
      if (missing) return answer(where('assign', missing));
      if (!dom?.pci.length) return answer();
      sendFirstFrames(world.pc);
      if (!(await runInSlices(rt, FIRST_PACKET_WAIT_NS))) return new Failure({ code: 'busy', message: 'xm.create: another machine was powered on meanwhile' });
      const late = firstPacketFailure(host);
      if (!late) return answer(undefined, true);
      // With apic = 1 the guest masks its 8259s; the seed's patch delivers INTx only through them.
      const apic = !!dom.config.apic;
      const message = apic && host.xen.era === '2007' ? `${late.message}: apic = 1 puts the guest in IO-APIC mode with its 8259s masked, and the 2007 patch delivers the device's INTx only through the virtual PIC — set apic = 0` : late.message;
      return answer({ stage: 'first-packet', message, file: p.hvm.name, ...hvmWhere(p.hvm.text, message, apic ? 'apic' : 'pci') });
    },
    'xm.destroy': (p) => {
      const host = booted();
      if (!host) return notBooted('xm.destroy');
      const out = host.xm.destroy(p.domain);
      xenRun(rt.world).ownershipChanged();
      const message = out.stderr.filter((l) => l).join('\n');
      return { ok: out.exitCode === 0, ...(out.exitCode ? { failure: { stage: 'destroy' as const, message } } : {}), ...terminal(out) };
    },
    'xm.list': () => {
      const host = booted();
      return { booted: !!host, domains: host ? [...host.xend.domains.values()].sort((a, b) => a.domid - b.domid).map(xmDomain) : [] };
    },
    'xm.pciList': (p) => {
      const host = booted();
      if (!host) return notBooted('xm.pciList');
      const dom = host.xend.lookup(p.domain);
      if (!dom) return new Failure({ code: 'not-found', message: `params.domain: Domain '${p.domain.slice(0, 80)}' does not exist.`, path: 'params.domain' });
      return { functions: (dom.qemu?.passthrough ?? []).map((d) => ({ vslot: d.devfn >> 3, bdf: `${hex2(d.real.bus)}:${hex2(d.real.dev)}.${d.real.func.toString(16)}` })) };
    },
    'xen.hypercalls': (p) => {
      const all = xenRun(rt.world).hypercalls;
      const from = p.from ?? 0;
      return { records: all.slice(from, from + PAGE).map((r) => ({ ...r, args: { ...r.args } })), total: all.length };
    },
    'peer.stream': (p) => {
      const host = booted();
      if (!host) return notBooted('peer.stream');
      // As xend names them: "02:00.0", with or without the segment.
      const held = [...host.xend.domains.values()].flatMap((d) => d.pci.map((name) => name.toLowerCase()));
      const isHeld = (short: string) => held.some((name) => name.endsWith(short));
      const targets = rt.world.pc.nics.filter((n) => (p.bdf ? bdfKey(p.bdf) === formatBdf(n.bdf) : isHeld(formatBdf(n.bdf, false))));
      if (!targets.length) {
        const message = p.bdf ? `params.bdf: ${p.bdf} is not a NIC of this machine (NICs: ${rt.world.pc.nics.map((n) => formatBdf(n.bdf)).join(', ') || 'none'})` : 'peer.stream: no guest holds a NIC; create a guest with one assigned first';
        return new Failure({ code: 'not-found', message, ...(p.bdf ? { path: 'params.bdf' } : {}) });
      }
      for (const n of targets) n.partner.startStream({ dst: n.nic.macAddress, count: p.count, payloadBytes: p.payloadBytes });
      return { streams: targets.map((n) => ({ bdf: formatBdf(n.bdf), peer: n.partner.id, count: p.count, payloadBytes: p.payloadBytes })) };
    },
    'xen.events': (p) => {
      const all = xenRun(rt.world).log.lines;
      const from = p.from ?? 0;
      return { lines: all.slice(from, from + PAGE).map((l) => ({ ...l, text: l.text.slice(0, 2000) })), total: all.length };
    },
  };
}

function xmDomain(d: XendDomain): XmDomain {
  return { domid: d.domid, name: d.name, memoryMiB: d.config.memory, vcpus: d.config.vcpus, state: d.state, pci: [...d.pci] };
}

function terminal(out: CommandOutput) {
  return { stdout: out.stdout.slice(0, 1000), stderr: out.stderr.slice(0, 1000), exitCode: out.exitCode };
}

/** "02:00.0" and "0000:02:00.0" name the same function (segment 0 when omitted), in any case. */
const bdfKey = (text: string) => (/^[0-9a-f]{4}:/i.test(text) ? text : `0000:${text}`).toLowerCase();

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
