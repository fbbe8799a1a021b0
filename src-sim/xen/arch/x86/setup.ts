/**
 * __start_xen (xen/arch/x86/setup.c) as far as device assignment sees it: parse the command
 * line, ACPI (acpi_dmar_init: the DMAR table and, in 2007, forcing `ioapic_ack=old`), set up
 * the IO-APIC, create dom0 (iommu_domain_init), iommu_setup (VT-d on, every function mapped to
 * dom0), and hand dom0 its memory. The era decides the VT-d switch: `vtd` until 3.2, `iommu=`
 * from 3.3 (on by default from 4.0).
 */
import { emitDmar } from '../../../hw/acpi/index.ts';
import { XenConsole } from '../../common/console.ts';
import { Domain } from '../../common/domain.ts';
import { cmdlineParse, parseSizeAndUnit, type XenParam } from '../../common/kernel.ts';
import { atLeast } from '../../common/version.ts';
import { acpiParseDmar, type DmarInfo } from '../../drivers/passthrough/vtd/dmar.ts';
import { VtdIommu } from '../../drivers/passthrough/vtd/iommu.ts';
import type { IommuParams, Xen } from '../../xen.ts';
import { PCI_VENDOR_ID } from './pci.ts';
import { MachineIoApic } from './io_apic.ts';
import { GuestIrqs } from './irq_guest.ts';
import { constructDom0 } from './domain_build.ts';
import { ns16550Init } from '../../drivers/char/ns16550.ts';
import { registerDomainSnapshots, registerXenSnapshots } from '../../snapshot.ts';

/** The parameters of the era's hypervisor (boolean_param / custom_param registrations). */
function xenParams(xen: Xen): XenParam[] {
  const p = xen.params;
  const con = xen.con;
  const params: XenParam[] = [
    xen.ioapicAck.param(),
    { name: 'dom0_mem', kind: 'custom', set: (v) => (p.dom0MemBytes = parseDom0Mem(String(v))) },
    { name: 'loglvl', kind: 'custom', set: (v) => (con.loglvl = XenConsole.threshold(String(v)) ?? con.loglvl) },
    { name: 'guest_loglvl', kind: 'custom', set: (v) => (con.guestLoglvl = XenConsole.threshold(String(v)) ?? con.guestLoglvl) },
    { name: 'noapic', kind: 'bool', set: (v) => (p.noapic = v === true) },
    { name: 'console', kind: 'string', set: (v) => (p.console = String(v)) },
    { name: 'com1', kind: 'string', set: (v) => (p.com1 = String(v)) },
    { name: 'com2', kind: 'string', set: (v) => (p.com2 = String(v)) },
  ];
  if (!atLeast(xen.era, '3.3')) params.push({ name: 'vtd', kind: 'bool', set: (v) => (p.iommu.enabled = v === true) });
  else params.push({ name: 'iommu', kind: 'custom', set: (v) => parseIommuParam(String(v), p.iommu, xen) }, { name: 'msi', kind: 'bool', set: (v) => (p.msi = v === true) });
  return params;
}

/** parse_dom0_mem: `[min:X,][max:Y,][Z]`; the plain amount is what we use. */
function parseDom0Mem(s: string): number | undefined {
  let amount: number | undefined;
  for (const part of s.split(',')) {
    if (part.startsWith('min:') || part.startsWith('max:')) continue;
    amount = parseSizeAndUnit(part).bytes;
  }
  return amount;
}

/** parse_iommu_param (drivers/passthrough/iommu.c): any use enables; tokens refine. */
function parseIommuParam(s: string, io: IommuParams, xen: Xen): void {
  io.enabled = true;
  if (atLeast(xen.era, '3.4')) io.snoop = io.qinval = io.intremap = true;
  for (const w of s.split(',')) {
    if (['off', 'no', 'false', '0', 'disable'].includes(w)) io.enabled = false;
    else if (w === 'force' || w === 'required') io.force = true;
    else if (w === 'pv') io.pv = true;
    else if (w === 'no-pv') io.pv = false;
    else if (atLeast(xen.era, '3.4') && w === 'passthrough') io.passthrough = true;
    else if (atLeast(xen.era, '3.4') && w === 'no-snoop') io.snoop = false;
    else if (atLeast(xen.era, '3.4') && w === 'no-qinval') io.qinval = false;
    else if (atLeast(xen.era, '3.4') && w === 'no-intremap') io.intremap = false;
  }
}

export class XenPanic extends Error {}

/** Boots Xen with `cmdline` (the words after /boot/xen.gz); `dom0Cmdline` is the first module's. */
export function startXen(xen: Xen, cmdline: string, dom0Cmdline = ''): void {
  if (xen.booted) throw new Error('Xen is already running on this machine');
  if (atLeast(xen.era, '4.0')) xen.params.iommu = { ...xen.params.iommu, enabled: true, snoop: true, qinval: true, intremap: true };
  const words = cmdlineParse(cmdline, xenParams(xen));
  xen.params.ignored = words.filter((w) => !w.param).map((w) => (w.value ? `${w.key}=${w.value}` : w.key));
  xen.con.printk('warning', `Command line: ${cmdline}`);

  const dmar = acpiDmarInit(xen);
  setupIoApic(xen);
  xen.ioapicAck.report();
  // serial_init_postirq: a UART with an IRQ takes that line for Xen before any guest exists.
  ns16550Init(xen, [xen.params.com1, xen.params.com2]);

  const dom0 = new Domain(0, false, xen.world.sim.scope('d0'));
  xen.domains.set(0, dom0);
  if (dmar) xen.vtd = new VtdIommu({ mem: xen.world.pc.mem, mmio: xen.world.pc.mmio, pci: xen.pci, con: xen.con, heap: xen.heap, era: xen.era }, dmar);
  if (xen.vtd) xen.vtd.domainInit(dom0);
  iommuSetup(xen, dom0);
  constructDom0(xen, dom0, dom0Cmdline);
  xen.booted = true;
  registerXenSnapshots(xen);
  registerDomainSnapshots(xen, dom0);
}

/**
 * setup_IO_APIC: every GSI masked with its vector; from now on Xen takes what CPU 0's local APIC
 * lets through (INTR: acknowledge, do_IRQ, until nothing deliverable is left), and the VT-d
 * fault-event messages.
 */
function setupIoApic(xen: Xen): void {
  const pc = xen.world.pc;
  const ioapic = new MachineIoApic(pc.mmio, pc.gsi.length);
  ioapic.setup();
  xen.guestIrqs = new GuestIrqs(xen, ioapic);
  let inDoIrq = false;
  pc.lapic.intr.connect((level) => {
    if (!level || inDoIrq) return;
    inDoIrq = true;
    try {
      for (let v = pc.lapic.acknowledge(); v !== undefined; v = pc.lapic.acknowledge()) xen.guestIrqs.doIrq(v);
    } finally {
      inDoIrq = false;
    }
  });
  pc.onInterruptMessage((m) => {
    if (m.from === 'vtd') xen.vtd?.faultInterrupt(m.data & 0xff);
  });
}

/** acpi_dmar_init: nothing (silently) when the switch is off; the units when the table has some. */
function acpiDmarInit(xen: Xen): DmarInfo | undefined {
  const io = xen.params.iommu;
  if (!io.enabled) return undefined;
  if (vtdHwCheck(xen)) return (io.enabled = false), undefined;
  const table = xen.world.pc.profile.dmar;
  const info = table ? acpiParseDmar(emitDmar(table), xen.era, xen.pci, xen.con) : undefined;
  if (!info?.drhds.length) {
    xen.con.printk('error', 'ACPI DMAR:No DMAR devices found');
    io.enabled = false;
    return undefined;
  }
  // 2007-09: "Use fake-vector style of IOAPIC acknowledgement" whenever units exist.
  if (xen.era === '2007') xen.ioapicAck.ackNew = false;
  if (xen.era === '3.2') xen.con.printk('warning', 'Intel VT-d has been enabled');
  return info;
}

/** vtd_hw_check: pre-C0 "Seaburg" (8086:4000, stepping < 2) has broken VT-d. */
function vtdHwCheck(xen: Xen): boolean {
  const id = xen.pci.read(0, 0, 0, PCI_VENDOR_ID);
  const rev = xen.pci.read(0, 0, 0, 0x08, 1);
  if (id !== 0x40008086 || (rev & 0xf) >= 2) return false;
  xen.con.printk('warning', '*** VT-d disabled - pre C0-step Seaburg found');
  xen.con.printk('warning', `***  vendor = 8086 device = 4000 revision = ${rev.toString(16)}`);
  return true;
}

/** iommu_setup: VT-d protection for dom0 (and the 3.3+ summary lines). */
function iommuSetup(xen: Xen, dom0: Domain): void {
  const io = xen.params.iommu;
  if (xen.vtd && xen.vtd.setup(dom0, xen.maxPage) !== 0) {
    if (io.force) throw new XenPanic('IOMMU setup failed, crash Xen for security purpose!');
  }
  if (!atLeast(xen.era, '3.3')) return;
  xen.con.printk('warning', `I/O virtualisation ${io.enabled ? 'enabled' : 'disabled'}`);
  if (io.enabled && atLeast(xen.era, '3.4')) xen.con.printk('warning', `I/O virtualisation for PV guests ${io.pv ? 'enabled' : 'disabled'}`);
  if (!io.enabled && io.force) throw new XenPanic('IOMMU setup failed, crash Xen for security purpose!');
}
