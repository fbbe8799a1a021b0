/**
 * How the shipped host profiles in resources/hosts were made: from real config bytes in
 * test/fixtures/lspci (re-badged where the real part of that machine differs), the E1000
 * engineer's 82572EI template, and the DMAR tables in test/fixtures/dmar. host-profiles.test.ts
 * checks the committed JSON equals this output; `UPDATE_GOLDEN=1` rewrites it.
 */
import { readFileSync } from 'node:fs';
import { parseDmar, isDmarParseError } from '../../../src-sim/hw/acpi/dmar.ts';
import { configRows, HOST_PROFILE_VERSION, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { layoutFromTemplate, type ConfigLayout } from '../../../src-sim/hw/pci/config-layout.ts';
import { pcieToPciBridgeLayout } from '../../../src-sim/hw/pci/bridges.ts';
import type { PciConfigTemplate } from '../../../src-sim/hw/pci/function-model.ts';
import { parseLspciDump, type DumpDevice } from '../../../src-sim/hw/pci/lspci-dump.ts';
import { e1000ConfigTemplate, E1000_VARIANTS } from '../../../src-sim/hw/net/e1000/e1000_pci.ts';
import { formatBdf } from '../../../src-shared/units/bdf.ts';

const DATA = new URL('../../fixtures/', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, DATA), 'utf8');

function dump(name: string): Map<string, DumpDevice> {
  return new Map(parseLspciDump(read(`lspci/${name}`)).map((d) => [formatBdf(d.bdf), d]));
}

function put(b: Uint8Array, off: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) b[off + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
}

/** A real function's bytes with new IDs/subsystem (SSVID capability for bridges). */
function rebadge(src: DumpDevice, deviceId: number, ss?: [number, number], rev?: number): Uint8Array {
  const b = src.bytes.slice();
  put(b, 2, 2, deviceId);
  if (rev !== undefined) b[8] = rev;
  if (ss) {
    if ((b[0x0e] & 0x7f) === 0) {
      put(b, 0x2c, 2, ss[0]);
      put(b, 0x2e, 2, ss[1]);
    } else {
      for (let p = b[0x34] & 0xfc, n = 0; p && n < 48; p = b[p + 1] & 0xfc, n++) {
        if (b[p] === 0x0d) {
          put(b, p + 4, 2, ss[0]);
          put(b, p + 6, 2, ss[1]);
        }
      }
    }
  }
  return b;
}

function busNumbers(b: Uint8Array, primary: number, secondary: number, subordinate: number): Uint8Array {
  b[0x18] = primary;
  b[0x19] = secondary;
  b[0x1a] = subordinate;
  return b;
}

/** A layout's reset image, then what firmware programmed into it. */
function layoutBytes(layout: ConfigLayout, fill: (b: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(layout.size);
  for (const d of layout.defs) put(b, d.offset, d.size, d.reset ?? 0);
  fill(b);
  return b;
}

function templateBytes(t: PciConfigTemplate, headerType: number | undefined, fill: (b: Uint8Array) => void): Uint8Array {
  return layoutBytes(layoutFromTemplate(t, { headerType }), fill);
}

/** A type-1 bridge's forwarding windows as firmware programs them (16-bit I/O, 32-bit memory). */
function bridgeWindows(b: Uint8Array, w: { io?: [number, number]; mem?: [number, number] }): Uint8Array {
  const [ioLo, ioHi] = w.io ?? [0xf000, 0x0fff];
  b[0x1c] = ((ioLo >>> 8) & 0xf0) | (b[0x1c] & 0x0f);
  b[0x1d] = ((ioHi >>> 8) & 0xf0) | (b[0x1d] & 0x0f);
  put(b, 0x30, 4, 0);
  const [memLo, memHi] = w.mem ?? [0xfff00000, 0x000fffff];
  put(b, 0x20, 2, (memLo >>> 16) & 0xfff0);
  put(b, 0x22, 2, (memHi >>> 16) & 0xfff0);
  return b;
}

/** The extended capability with `id`, or undefined. */
function extCap(b: Uint8Array, id: number): number | undefined {
  for (let off = 0x100, n = 0; off && n < 96; n++) {
    const hdr = (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
    if ((hdr & 0xffff) === id) return off;
    off = hdr >>> 20;
  }
  return undefined;
}

type Fn = { bdf: string; note?: string; bytes: Uint8Array; bars?: { index: number; size: number }[]; model?: string };

function pci(fns: Fn[]): HostProfile['pci'] {
  return fns.map((f) => {
    const out: HostProfile['pci'][number] = f.note ? { bdf: f.bdf, note: f.note, config: configRows(f.bytes) } : { bdf: f.bdf, config: configRows(f.bytes) };
    if (f.bars) out.bars = f.bars;
    if (f.model) out.model = f.model;
    return out;
  });
}

function dmarFrom(file: string): HostProfile['dmar'] {
  const t = parseDmar(readFileSync(new URL(`dmar/${file}`, DATA)));
  if (isDmarParseError(t)) throw new Error(`${file}: ${t.reason} at ${t.offset}`);
  return { revision: t.revision, hostAddressWidth: t.hostAddressWidth, flags: t.flags, structures: t.structures };
}

/** The 82572EI PRO/1000 PT Desktop card as the E1000 model declares it, programmed by dom0. */
function e1000Card(ext: boolean): Uint8Array {
  const t = e1000ConfigTemplate(E1000_VARIANTS['82572EI-desktop']);
  const withExt: PciConfigTemplate = ext
    ? {
        ...t,
        extendedCapabilities: [
          { id: 0x0001, version: 1, offset: 0x100, body: [0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x20, 0x06, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0xa0, 0, 0, 0, ...new Array(16).fill(0)] },
          // Serial number from the MAC 00:1b:21:3c:5a:7e with ff-ff in the middle (devices.md §1.8).
          { id: 0x0003, version: 1, offset: 0x140, body: [0x7e, 0x5a, 0x3c, 0xff, 0xff, 0x21, 0x1b, 0x00] },
        ],
      }
    : t;
  return templateBytes(withExt, undefined, (b) => {
    put(b, 0x04, 2, 0x0007); // I/O + Mem + BusMaster (INTx; the 2007 driver had no MSI on by default)
    b[0x0c] = 0x10;
    put(b, 0x10, 4, 0xfe8e0000);
    put(b, 0x14, 4, 0xfe8c0000);
    put(b, 0x18, 4, 0x0000e001);
    b[0x3c] = 0x10;
  });
}

export function seedHost(): HostProfile {
  const f = dump('pciutils-tree-fujitsu-p8010-ich8.xxxx');
  const dell: [number, number] = [0x1028, 0x0211];
  const g = (bdf: string) => f.get(bdf)!;
  const rp = busNumbers(rebadge(g('0000:00:1c.0'), 0x2940, dell, 0x02), 0, 2, 2);
  // Root port windows around the NIC: memory fe800000-fe8fffff, I/O e000-efff.
  put(rp, 0x1c, 2, 0xe0e0 | (rp[0x1c] & 0x0f) | ((rp[0x1d] & 0x0f) << 8));
  put(rp, 0x20, 2, 0xfe80);
  put(rp, 0x22, 2, 0xfe80);
  const uhci2 = rebadge(g('0000:00:1d.1'), 0x2936, dell, 0x02);
  put(uhci2, 0x20, 4, 0x1841);
  const fns: Fn[] = [
    { bdf: '0000:00:00.0', note: 'Host bridge: Intel 82Q35 Express DRAM Controller', bytes: rebadge(g('0000:00:00.0'), 0x29b0, dell, 0x02) },
    { bdf: '0000:00:02.0', note: 'VGA compatible controller: Intel 82Q35 Express Integrated Graphics Controller', bytes: rebadge(g('0000:00:02.0'), 0x29b2, dell, 0x02) },
    { bdf: '0000:00:1b.0', note: 'Audio device: Intel 82801I (ICH9 Family) HD Audio Controller', bytes: rebadge(g('0000:00:1b.0'), 0x293e, dell, 0x02) },
    { bdf: '0000:00:1c.0', note: 'PCI bridge: Intel 82801I (ICH9 Family) PCI Express Port 1', bytes: rp },
    { bdf: '0000:00:1d.0', note: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #1', bytes: rebadge(g('0000:00:1d.0'), 0x2934, dell, 0x02) },
    { bdf: '0000:00:1d.1', note: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #2', bytes: rebadge(g('0000:00:1d.1'), 0x2935, dell, 0x02) },
    { bdf: '0000:00:1d.2', note: 'USB controller: Intel 82801I (ICH9 Family) USB UHCI Controller #3', bytes: uhci2 },
    { bdf: '0000:00:1d.7', note: 'USB controller: Intel 82801I (ICH9 Family) USB2 EHCI Controller #1', bytes: rebadge(g('0000:00:1d.7'), 0x293a, dell, 0x02) },
    { bdf: '0000:00:1e.0', note: 'PCI bridge: Intel 82801 PCI Bridge', bytes: busNumbers(rebadge(g('0000:00:1e.0'), 0x244e, dell, 0xf2), 0, 3, 3) },
    { bdf: '0000:00:1f.0', note: 'ISA bridge: Intel 82801IO (ICH9DO) LPC Interface Controller', bytes: rebadge(g('0000:00:1f.0'), 0x2914, dell, 0x02) },
    { bdf: '0000:00:1f.2', note: 'SATA controller: Intel 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]', bytes: rebadge(g('0000:00:1f.2'), 0x2922, dell, 0x02) },
    { bdf: '0000:00:1f.3', note: 'SMBus: Intel 82801I (ICH9 Family) SMBus Controller', bytes: rebadge(g('0000:00:1f.3'), 0x2930, dell, 0x02) },
    {
      bdf: '0000:02:00.0',
      note: 'Ethernet controller: Intel 82572EI Gigabit Ethernet Controller (Copper) — PRO/1000 PT Desktop Adapter',
      bytes: e1000Card(true),
      bars: [
        { index: 0, size: 0x20000 },
        { index: 1, size: 0x20000 },
        { index: 2, size: 32 },
      ],
      model: 'e1000:82572EI-desktop',
    },
  ];
  return {
    profileVersion: HOST_PROFILE_VERSION,
    name: 'seed-core2-q35',
    description:
      'The 2007 announcement\'s host: a Core 2 desktop on Intel Q35 + ICH9DO (Dell OptiPlex 755 class) with VT-d, and a PCIe E1000 (82572EI) in the x1 slot at 02:00.0 behind root port 00:1c.0. Chipset config bytes are real ICH8-generation bytes (data/lspci tree-fujitsu-p8010) re-badged with the Q35/ICH9 IDs; DMAR: data/dmar vtdw-q35-desktop-e1000. 4 GiB of RAM with TOLUD at 0xd0000000, as on the HP dc7800: the DMAR\'s RMRRs (IGD stolen memory 0xcf800000-0xcfffffff, USB 0xcf6e9000-0xcf6fffff) are RAM the firmware set aside just below it, and the Pc models RAM as flat 0-4 GiB.',
    cpu: { model: 'Intel(R) Core(TM)2 Duo CPU     E6850  @ 3.00GHz', ghz: 3.0, cores: 2 },
    ramMiB: 4096,
    pci: pci(fns),
    dmar: dmarFrom('vtdw-q35-desktop-e1000.aml'),
    // ICH9 in APIC mode: the root ports' (D28) INTA#-INTD# reach PIRQA-D, I/O APIC inputs 16-19
    // (D28IR's default), which is why firmware wrote 16 as the E1000's Interrupt Line.
    irqRouting: { '0000:00:1c': { A: 16, B: 17, C: 18, D: 19 } },
  };
}

/**
 * Intel 6702PXH PCI Express-to-PCI bridge A (bridges.ts's layout) as firmware leaves it: on
 * bus `primary` with one PCI bus behind it, windows around the cards there.
 */
function pxhBridge(primary: number, secondary: number, latency: number, w: { io: [number, number]; mem: [number, number] }): Uint8Array {
  return layoutBytes(pcieToPciBridgeLayout(), (b) => {
    put(b, 0x04, 2, 0x0147);
    b[0x0c] = 0x10;
    b[0x0d] = latency;
    busNumbers(b, primary, secondary, secondary);
    b[0x1b] = 0x40; // secondary latency timer
    bridgeWindows(b, w);
    put(b, 0x24, 2, 0xfff1); // prefetchable window closed (64-bit capable)
    put(b, 0x26, 2, 0x0001);
    put(b, 0x3e, 2, 0x0003); // parity error response, SERR# forwarding
  });
}

/** The 82576's SR-IOV capability as a 2009 BIOS leaves it: no VFs, nothing enabled. */
function sriovOff(b: Uint8Array): Uint8Array {
  const at = extCap(b, 0x0010);
  if (at === undefined) return b;
  put(b, at + 8, 2, 0); // IOVCtl: VF Enable, VF MSE off
  put(b, at + 0x10, 2, 0); // NumVFs
  for (let o = 0x24; o < 0x3c; o += 4) put(b, at + o, 4, 0); // VF BARs unassigned
  return b;
}

export function serverHost(): HostProfile {
  const x = dump('pciutils-tree-asus-p6t6-x58-ich10r.xxxx');
  const hp: [number, number] = [0x103c, 0x330b];
  const keep = ['00.0', '01.0', '07.0', '14.0', '14.1', '14.2', '14.3', '1a.0', '1a.1', '1a.2', '1a.7', '1d.0', '1d.1', '1d.2', '1d.7', '1e.0', '1f.0', '1f.2', '1f.3'];
  const fns: Fn[] = [];
  for (const s of keep) {
    const src = x.get(`0000:00:${s}`)!;
    const dev = src.bytes[2] | (src.bytes[3] << 8);
    const b = rebadge(src, s === '00.0' ? 0x3406 : dev, hp);
    if (s === '01.0') busNumbers(b, 0, 1, 1);
    if (s === '07.0') busNumbers(b, 0, 2, 2);
    if (s === '1e.0') busNumbers(b, 0, 3, 3);
    fns.push({ bdf: `0000:00:${s}`, note: src.title.replace('Intel Corporation', 'Intel'), bytes: b });
  }
  // Second IOH: root ports with windows around what sits behind them (80:07.0's slot is empty).
  const rpSrc = x.get('0000:00:01.0')!;
  const rp = (id: number, sec: number, sub: number) => busNumbers(rebadge(rpSrc, id, hp), 0x80, sec, sub);
  const rp1 = bridgeWindows(rp(0x3408, 0x81, 0x81), { io: [0xd000, 0xdfff], mem: [0xf7000000, 0xf78fffff] });
  const rp3 = bridgeWindows(rp(0x340a, 0x82, 0x83), { io: [0xe000, 0xefff], mem: [0xf6f00000, 0xf6ffffff] });
  for (const b of [rp1, rp3]) put(b, 0x04, 2, (b[4] | (b[5] << 8) | 0x0007) & 0xffff);
  const note = 'PCI bridge: second IOH root port (5520)';
  fns.push({ bdf: '0000:80:01.0', note, bytes: rp1 }, { bdf: '0000:80:03.0', note, bytes: rp3 }, { bdf: '0000:80:07.0', note, bytes: rp(0x340e, 0x84, 0x84) });
  // 82576 dual port: BAR0 128K registers, BAR1 4M flash, BAR2 32 bytes I/O, BAR3 16K MSI-X; port 2 on INTB.
  const nic = dump('pciutils-cap-pcie-2-intel-82576.vvv-xxxx').get('0000:01:00.0')!;
  for (const fn of [0, 1]) {
    const b = sriovOff(nic.bytes.slice());
    put(b, 0x10, 4, 0xf7800000 + fn * 0x20000);
    put(b, 0x14, 4, 0xf7000000 + fn * 0x400000);
    put(b, 0x18, 4, 0xd001 + fn * 0x20);
    put(b, 0x1c, 4, 0xf7840000 + fn * 0x4000);
    put(b, 0x30, 4, 0); // no option ROM assigned (the dump's c7800000 was another machine's)
    b[0x3c] = 17 + fn;
    b[0x3d] = 1 + fn;
    const bars = [
      { index: 0, size: 0x20000 },
      { index: 1, size: 0x400000 },
      { index: 2, size: 32 },
      { index: 3, size: 0x4000 },
    ];
    fns.push({ bdf: `0000:81:00.${fn}`, note: 'Ethernet controller: Intel 82576 Gigabit Network Connection (Gigabit ET Dual Port Server Adapter)', bytes: b, bars });
  }
  fns.push({ bdf: '0000:82:00.0', note: 'PCI bridge: Intel 6702PXH PCI Express-to-PCI Bridge A', bytes: pxhBridge(0x82, 0x83, 0x40, { io: [0xe000, 0xefff], mem: [0xf6f00000, 0xf6ffffff] }) });
  // 82545EM in the PCI-X slot: BAR0 128K registers, BAR2 64K flash, BAR4 64 bytes I/O, ROM off.
  const e545 = dump('pciutils-pcix-bridges-domains-82545em.vvv-xxx').get('0002:01:01.0')!;
  const eb = e545.bytes.slice();
  put(eb, 0x10, 4, (0xf6fe0000 | (eb[0x10] & 0xf)) >>> 0);
  put(eb, 0x14, 4, 0);
  put(eb, 0x18, 4, (0xf6fd0000 | (eb[0x18] & 0xf)) >>> 0);
  put(eb, 0x1c, 4, 0);
  put(eb, 0x20, 4, 0xe001);
  put(eb, 0x30, 4, 0xf6fc0000);
  eb[0x3c] = 19;
  const ebBars = [
    { index: 0, size: 0x20000 },
    { index: 2, size: 0x10000 },
    { index: 4, size: 64 },
  ];
  fns.push({ bdf: '0000:83:01.0', note: 'Ethernet controller: Intel 82545EM Gigabit Ethernet Controller (Copper)', bytes: eb, bars: ebBars });
  fns.sort((a, b) => (a.bdf < b.bdf ? -1 : 1));
  return {
    profileVersion: HOST_PROFILE_VERSION,
    name: 'server-2drhd-5520',
    description:
      'A two-socket Xeon server with two I/O hubs and two VT-d remapping units: DRHD FBFFC000 covers the second IOH\'s root ports (80:01.0, 80:03.0, 80:07.0: the 82576 dual-port NIC at 81:00.x and the 6702PXH PCIe-to-PCI bridge with an 82545EM behind it); the include-all unit covers the rest. IOH/ICH10 bytes are real (data/lspci tree-asus-p6t6, re-badged 5520 / HP), NIC bytes real (82576 and 82545EM dumps), the PXH bridge is built from its capability layout (src-sim/hw/pci/bridges.ts). Second-IOH bus resources are placed as firmware would: root-port windows around the devices behind them, 82576 SR-IOV off, the second port on INTB, IRQ lines 17-19. DMAR: data/dmar vtdw-server-2drhd-ioapic-atsr.',
    cpu: { model: 'Intel(R) Xeon(R) CPU           E5520  @ 2.27GHz', ghz: 2.27, cores: 8 },
    ramMiB: 16384,
    pci: pci(fns),
    dmar: dmarFrom('vtdw-server-2drhd-ioapic-atsr.aml'),
  };
}

export function noVtdHost(): HostProfile {
  const f = parseLspciDump(read('lspci/pciutils-tree-fujitsu-p8010-ich8.xxxx'));
  return {
    profileVersion: HOST_PROFILE_VERSION,
    name: 'laptop-gm965-no-vtd',
    description:
      'A 2007 Santa Rosa laptop (Fujitsu LifeBook P8010: GM965 + ICH8M) — no VT-d: the firmware has no DMAR table, so device assignment is refused. Every config byte is real (data/lspci tree-fujitsu-p8010); CPU and memory are typical for the model (unverified).',
    cpu: { model: 'Intel(R) Core(TM)2 Duo CPU     U7600  @ 1.20GHz', ghz: 1.2, cores: 2 },
    ramMiB: 2048,
    pci: pci(f.map((d) => ({ bdf: formatBdf(d.bdf), note: d.title.replace(/^(.*?): Intel Corporation /, '$1: Intel '), bytes: d.bytes }))),
    dmar: null,
  };
}

/** An 82540EM PRO/1000 MT Desktop card in a conventional PCI slot: the real GX270 bytes, placed by firmware. */
function e1000PciCard(src: DumpDevice, bar0: number, io: number, irq: number): Uint8Array {
  const b = rebadge(src, 0x100e, [0x8086, 0x001e]);
  put(b, 0x04, 2, 0x0107); // I/O + Mem + BusMaster, SERR#
  put(b, 0x10, 4, bar0);
  put(b, 0x18, 4, io | 1);
  b[0x3c] = irq;
  return b;
}

/**
 * The seed desktop plus a PCIe x1 riser with a PCI Express-to-PCI bridge (bridges.ts's 6702PXH
 * layout) behind root port 00:1c.1: bus 04 is its PCIe link, bus 05 its conventional PCI bus
 * with two 82540EM cards at 05:00.0 and 05:01.0. Both reach VT-d as the bridge's requester id.
 */
export function bridgeHost(): HostProfile {
  const seed = seedHost();
  const f = dump('pciutils-tree-fujitsu-p8010-ich8.xxxx');
  const rp = busNumbers(rebadge(f.get('0000:00:1c.0')!, 0x2942, [0x1028, 0x0211], 0x02), 0, 4, 5);
  bridgeWindows(rp, { io: [0xd000, 0xdfff], mem: [0xfe600000, 0xfe7fffff] });
  put(rp, 0x24, 2, 0xfff1); // prefetchable window closed: nothing prefetchable behind it
  put(rp, 0x26, 2, 0x0001);
  rp[0x3d] = 2; // port 2 signals on INTB
  rp[0x4f] = 2; // Link Capabilities: port number 2
  const pxh = pxhBridge(4, 5, 0, { io: [0xd000, 0xdfff], mem: [0xfe600000, 0xfe7fffff] });
  const gx270 = dump('lkml-2004-82540EM-msi.vxxx').get('0000:02:0c.0')!;
  const bars = [
    { index: 0, size: 0x20000 },
    { index: 2, size: 64 },
  ];
  const note = 'Ethernet controller: Intel 82540EM Gigabit Ethernet Controller — PRO/1000 MT Desktop Adapter';
  const fns: HostProfile['pci'] = [
    ...seed.pci,
    ...pci([
      { bdf: '0000:00:1c.1', note: 'PCI bridge: Intel 82801I (ICH9 Family) PCI Express Port 2', bytes: rp },
      { bdf: '0000:04:00.0', note: 'PCI bridge: Intel 6702PXH PCI Express-to-PCI Bridge A', bytes: pxh },
      { bdf: '0000:05:00.0', note, bytes: e1000PciCard(gx270, 0xfe7e0000, 0xd000, 16), bars, model: 'e1000:82540EM-desktop' },
      { bdf: '0000:05:01.0', note, bytes: e1000PciCard(gx270, 0xfe7c0000, 0xd040, 17), bars, model: 'e1000:82540EM-desktop' },
    ]),
  ].sort((a, b) => (a.bdf < b.bdf ? -1 : 1));
  return {
    ...seed,
    name: 'desktop-q35-pci-bridge',
    description:
      'The seed desktop (Q35 + ICH9DO, VT-d, the 82572EI at 02:00.0) with a PCIe x1 riser carrying a PCI Express-to-PCI bridge (6702PXH layout, src-sim/hw/pci/bridges.ts) at 04:00.0 behind root port 00:1c.1, and two conventional-PCI 82540EM PRO/1000 MT Desktop cards behind it at 05:00.0 and 05:01.0 (real bytes: data/lspci lkml-2004-82540EM, re-badged). DMA from both cards reaches VT-d as the bridge\'s requester id 05:00.0, so they can only be assigned together: xen.md §10 row 10. The include-all remapping unit covers bus 05; DMAR as the seed host.',
    pci: fns,
  };
}

export const SHIPPED_PROFILES = {
  'seed-core2-q35.json': seedHost,
  'server-2drhd-5520.json': serverHost,
  'laptop-gm965-no-vtd.json': noVtdHost,
  'desktop-q35-pci-bridge.json': bridgeHost,
} as const;
