/**
 * xen.md §10 row 10, the device behind a PCIe-to-PCI bridge, on the bridge desktop: two
 * conventional-PCI 82540EMs at 05:00.0 and 05:01.0 behind the bridge at 04:00.0, whose DMA
 * reaches VT-d under the bridge's requester id 05:00.0. The guest is given 05:00.0; dom0's
 * e1000 keeps 05:01.0 and receives a frame into its own memory — driven from outside: dom0's
 * side programs the card through BAR0, the link partner sends.
 *
 * - 2007 / 3.2: Xen moves the bridge's context entry and every devfn of bus 05 to the guest;
 *   dom0's card then DMA-faults under source-id 05:00.0 (the real sources' symptom; xen.md's
 *   "DEVICE 5:1.0" is the function, not the id the bridge puts on the request).
 * - 3.4: xend refuses only a sibling already in another guest; with dom0's e1000 on 05:01.0 the
 *   guest starts, Xen maps 05:00.0 and the bridge to it, and dom0's card faults just the same.
 * - 4.0: xend refuses a sibling pciback or pci-stub does not own.
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { atLeast, type XenEra } from '../../src-sim/xen/common/version.ts';
import { cf8Read } from '../unit/pci/machine.ts';
import { bootSeedHost, grubWith, hvmWith, type SeedHost } from './support/seed-host.ts';

const PROFILE = 'desktop-q35-pci-bridge';
const XEN_LINE: Record<XenEra, string> = { '2007': 'vtd=1 ioapic_ack=old dom0_mem=1024M', '3.2': 'vtd=1 dom0_mem=1024M', '3.3': 'iommu=1 dom0_mem=1024M', '3.4': 'iommu=1 dom0_mem=1024M', '4.0': 'dom0_mem=1024M' };
const STARTED = 'Started domain fc5-vtd';
/** A page of dom0's (its machine frames start at 0x180c000 and run for 1 GiB), above the 512 MiB guest's memory. */
const DOM0_RING = 0x3000_0000;
const DOM0_BUFS = DOM0_RING + 0x1000;
const BRIDGE_SID = 0x0500;

const bdf = (bus: number, device: number, fn = 0) => ({ segment: 0, bus, device, fn });
const sid = (b: { bus: number; device: number; fn: number }) => (b.bus << 8) | (b.device << 3) | b.fn;

interface Row {
  what: string;
  era: XenEra;
  /** pciback.hide list of dom0's kernel line. */
  hide: string;
  /** The guest's pci list. */
  pci: string;
  /** A first guest created before, with this pci list. */
  first?: string;
  /** What xm prints for fc5-vtd: its stderr, or STARTED. */
  xm: string;
  /** The functions whose context entries end up in the guest's domain. */
  guestContexts?: string[];
  /** The guest's own functions stay in dom0's domain. */
  dom0Contexts?: string[];
  /** dom0's 05:01.0 receives after the guest started ('fault': blocked under the bridge's id). */
  dom0Nic?: 'fault' | 'ok' | 'not dom0\u2019s';
}

const rows: Row[] = [
  { what: 'one function behind the bridge, its sibling dom0’s', era: '2007', hide: '(05:00.0)', pci: "[ '05:00.0' ]", xm: STARTED, guestContexts: ['04:00.0', '05:00.0', '05:01.0', '05:1f.7'], dom0Nic: 'fault' },
  { what: 'one function behind the bridge, its sibling dom0’s', era: '3.2', hide: '(05:00.0)', pci: "[ '05:00.0' ]", xm: STARTED, guestContexts: ['04:00.0', '05:00.0', '05:01.0', '05:1f.7'], dom0Nic: 'fault' },
  { what: 'one function behind the bridge, its sibling dom0’s', era: '3.4', hide: '(05:00.0)', pci: "[ '05:00.0' ]", xm: STARTED, guestContexts: ['04:00.0', '05:00.0'], dom0Contexts: ['05:01.0'], dom0Nic: 'fault' },
  {
    what: 'one function behind the bridge, its sibling dom0’s',
    era: '4.0',
    hide: '(05:00.0)',
    pci: "[ '05:00.0' ]",
    xm: 'Error: pci: improper device assignment specified: pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0, but it is not owned by pciback or pci-stub.',
    dom0Nic: 'ok',
  },
  { what: 'its sibling already in another guest', era: '3.4', hide: '(05:00.0)(05:01.0)', first: "[ '05:01.0' ]", pci: "[ '05:00.0' ]", xm: 'Error: pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0' },
  { what: 'its sibling already in another guest', era: '4.0', hide: '(05:00.0)(05:01.0)', first: "[ '05:01.0' ]", pci: "[ '05:00.0' ]", xm: 'Error: pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0' },
  { what: 'both functions to one guest', era: '3.4', hide: '(05:00.0)(05:01.0)', pci: "[ '05:00.0', '05:01.0' ]", xm: STARTED, guestContexts: ['04:00.0', '05:00.0', '05:01.0'], dom0Nic: 'not dom0’s' },
  { what: 'both functions to one guest', era: '4.0', hide: '(05:00.0)(05:01.0)', pci: "[ '05:00.0', '05:01.0' ]", xm: STARTED, guestContexts: ['04:00.0', '05:00.0', '05:01.0'], dom0Nic: 'not dom0’s' },
];

function boot(row: Row): SeedHost {
  return bootSeedHost({ era: row.era, profile: PROFILE, grub: grubWith(XEN_LINE[row.era], `ro root=/dev/sda1 pciback.hide=${row.hide}`) });
}

/** dom0's e1000 on 05:01.0, as far as a receive goes: a ring of 8 in dom0's page DOM0_RING, buffers after it. */
function dom0Receive(host: SeedHost): { done: boolean; bytes: number[] } {
  const bar0 = (cf8Read(host.pc.io, 5, 1, 0, 0x10) & ~0xf) >>> 0;
  const wr = (o: number, v: number) => host.pc.mmio.write(bar0 + o, 4, v >>> 0);
  const mem = host.pc.mem;
  for (let i = 0; i < 8; i++) {
    mem.writeU64(DOM0_RING + 16 * i, DOM0_BUFS + 2048 * i);
    mem.writeU64(DOM0_RING + 16 * i + 8, 0);
  }
  wr(R.RDBAL, DOM0_RING);
  wr(R.RDBAH, 0);
  wr(R.RDLEN, 8 * 16);
  wr(R.RDH, 0);
  wr(R.RDT, 0);
  wr(R.RCTL, R.RCTL_EN | R.RCTL_BAM | R.RCTL_SECRC);
  wr(R.RDT, 7);
  const nic = host.pc.nics.find((n) => n.bdf.bus === 5 && n.bdf.device === 1)!;
  nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
  host.pc.sim.engine.runFor(2_000_000);
  return { done: (mem.readU8(DOM0_RING + 12) & R.RXD_STA_DD) !== 0, bytes: [...Array(6).keys()].map((i) => mem.readU8(DOM0_BUFS + i)) };
}

/** The domain id the unit's context entry for `name` ("BB:DD.F") names, or undefined if not present. */
function contextDid(host: SeedHost, name: string): number | undefined {
  const [bus, rest] = name.split(':');
  const [dev, fn] = rest.split('.');
  const b = bdf(parseInt(bus, 16), parseInt(dev, 16), Number(fn));
  return host.xen.vtd!.unitFor(b)!.readContext(sid(b))?.did;
}

describe('a device behind a PCIe-to-PCI bridge (xen.md §10 row 10)', () => {
  it.each(rows)('$what in $era → $xm', (row) => {
    const host = boot(row);
    const faults: { sid: number; write: boolean }[] = [];
    host.pc.sim.tracer.on((r) => {
      if (r.name === 'vtd.dmar_fault') faults.push(r.fields as { sid: number; write: boolean });
    });
    if (row.first) expect(host.xm.create('/etc/xen/first.conf', hvmWith({ name: '"first"', pci: row.first })).stderr).toEqual([]);
    const out = host.xm.create('/etc/xen/hvm.conf', hvmWith({ pci: row.pci }));
    if (row.xm === STARTED) {
      expect(out.stderr).toEqual([]);
      expect(out.stdout).toContain(STARTED);
    } else {
      expect(out.exitCode).toBe(1);
      expect(out.stderr.join('\n')).toBe(row.xm);
      expect(host.xend.byName('fc5-vtd')).toBeUndefined();
    }
    const guest = host.xend.byName('fc5-vtd');
    const guestDid = guest ? contextDid(host, '05:00.0') : undefined;
    const dom0Did = contextDid(host, '02:00.0');
    for (const f of row.guestContexts ?? []) expect(contextDid(host, f), `${f}'s context entry`).toBe(guestDid);
    for (const f of row.dom0Contexts ?? []) expect(contextDid(host, f), `${f}'s context entry`).toBe(dom0Did);
    if (guest) expect(guestDid).not.toBe(dom0Did);
    if (!row.dom0Nic || row.dom0Nic === 'not dom0’s') return;

    const rx = dom0Receive(host);
    if (row.dom0Nic === 'ok') {
      expect(rx.done).toBe(true);
      expect(faults).toEqual([]);
      return;
    }
    // Blocked: the descriptor fetch faults under the bridge's id, nothing lands in dom0's page.
    expect(rx.done).toBe(false);
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.every((f) => f.sid === BRIDGE_SID)).toBe(true);
    // Xen's fault handler read the record: a read of dom0's ring page, which the guest's tables do not map (06h: PTE Read access is not set).
    expect(host.xen.vtd!.faults).toEqual([{ read: true, sid: BRIDGE_SID, addr: DOM0_RING, reason: 6 }]);
    // The record itself, read back from the unit's fault-recording registers: Xen cleared F, the source-id stays.
    const rec = host.xen.vtd!.unitFor(bdf(5, 1))!.faultRecord(0);
    expect({ fault: rec.fault, sid: rec.sid, read: rec.read, reason: rec.reason }).toEqual({ fault: false, sid: BRIDGE_SID, read: true, reason: 6 });
    // The 2007 handler's line (3.4 words it differently; the simulator prints the 2007 text in every era).
    if (!atLeast(row.era, '3.3')) expect(host.xen.con.ring).toContain('(XEN) intel-iommu.c:694: iommu_page_fault:DMA Read: DEVICE 5:0.0 addr 30000000 REASON 6');
  });

  it('2007: before the guest, dom0’s card behind the bridge receives into its own memory', () => {
    const host = boot(rows[0]);
    const rx = dom0Receive(host);
    expect(rx.done).toBe(true);
    const mac = host.pc.nics.find((n) => n.bdf.bus === 5 && n.bdf.device === 1)!.nic.macAddress;
    expect(rx.bytes).toEqual(mac.split(':').map((h) => parseInt(h, 16)));
  });

  it.each(['2007', '3.4'] as const)('%s: xm destroy returns the bridge’s ids to dom0, whose card receives again', (era) => {
    const host = boot({ ...rows[0], era });
    expect(host.xm.create('/etc/xen/hvm.conf', hvmWith({ pci: "[ '05:00.0' ]" })).stderr).toEqual([]);
    expect(host.xm.destroy('fc5-vtd').stderr).toEqual([]);
    const dom0Did = contextDid(host, '02:00.0');
    for (const f of ['04:00.0', '05:00.0', '05:01.0']) expect(contextDid(host, f), f).toBe(dom0Did);
    expect(dom0Receive(host).done).toBe(true);
    expect(host.xen.vtd!.faults).toEqual([]);
  });

  it.each([
    ['2007', ['(XEN) intel-iommu.c:1174:d0 domain_context_mapping:bus2bridge[pdev->bus].bus==0', '(XEN) intel-iommu.c:1174:d0 domain_context_mapping:bus2bridge[pdev->bus].bus==0']],
    [
      '3.2',
      [
        '(XEN) intel-iommu.c:1198:d0 context_context_mapping: nested PCI bridge not supported: bdf = 0:1c:1 sec_bus = 4 sub_bus = 5',
        '(XEN) intel-iommu.c:1222:d0 domain_context_mapping:bus2bridge[5].bus != 0',
        '(XEN) intel-iommu.c:1222:d0 domain_context_mapping:bus2bridge[5].bus != 0',
      ],
    ],
    ['3.4', []],
  ] as const)('%s: the dom0 scan logs the bridges as that era’s code does (2007 and 3.2 test their lookup the wrong way round)', (era, lines) => {
    const host = boot({ ...rows[0], era });
    expect(host.xen.con.ring.filter((l) => l.includes('bus2bridge') || l.includes('nested PCI bridge'))).toEqual(lines);
  });
});
