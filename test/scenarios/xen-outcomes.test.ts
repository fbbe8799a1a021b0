/**
 * The outcome matrix of xen.md §10, as far as the simulated stack reaches today: each user
 * mistake, in each era, produces what the real 2007 / 3.2 / 3.4 / 4.0 system produced — xm's
 * error text, or a guest that starts without its device, or one that starts with the device
 * but without VT-d behind it.
 */
import { describe, expect, it } from 'vitest';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { bootSeedHost, grubWith, hvmWith, SEED_HVM } from './support/seed-host.ts';

/** The era's VT-d switch as the seed's instructions (2007), or the era's docs, would have it. */
const XEN_LINE: Record<XenEra, string> = { '2007': 'vtd=1 ioapic_ack=old dom0_mem=1024M', '3.2': 'vtd=1 dom0_mem=1024M', '3.3': 'iommu=1 dom0_mem=1024M', '3.4': 'iommu=1 dom0_mem=1024M', '4.0': 'dom0_mem=1024M' };
const VTD_OFF: Record<XenEra, string> = { '2007': 'ioapic_ack=old dom0_mem=1024M', '3.2': 'dom0_mem=1024M', '3.3': 'dom0_mem=1024M', '3.4': 'dom0_mem=1024M', '4.0': 'iommu=0 dom0_mem=1024M' };

const NOT_OWNED = 'Error: pci: PCI Backend does not own device 0000:02:00.0\nSee the pciback.hide kernel command-line parameter or\nbind your slot/device to the PCI backend using sysfs';
const STARTED = 'Started domain fc5-vtd';

interface Row {
  mistake: string;
  era: XenEra;
  xen?: string;
  dom0?: string;
  hvm?: Record<string, string>;
  /** A first guest already holding the NIC. */
  twice?: boolean;
  /** What xm prints: its stderr joined, or STARTED. */
  xm: string;
  /** The guest ends up with 02:00.0 in its VT-d domain. */
  assigned?: boolean;
}

const rows: Row[] = [
  { mistake: 'the seed’s pciback.hid typo', era: '2007', dom0: 'ro pciback.hid=(02:00.0)', xm: NOT_OWNED },
  { mistake: 'the seed’s pciback.hid typo', era: '3.4', dom0: 'ro pciback.hid=(02:00.0)', xm: NOT_OWNED },
  { mistake: 'the seed’s pciback.hid typo', era: '4.0', dom0: 'ro pciback.hid=(02:00.0)', xm: "Error: pci: PCI Backend and pci-stub don't own device 0000:02:00.0" },
  { mistake: 'an unparseable pci string', era: '2007', hvm: { pci: "[ '2.0.0' ]" }, xm: STARTED, assigned: false },
  { mistake: 'an unparseable pci string', era: '3.4', hvm: { pci: "[ '02-00-0' ]" }, xm: STARTED, assigned: false },
  { mistake: 'an unparseable pci string', era: '4.0', hvm: { pci: "[ '2.0.0' ]" }, xm: 'Error: Failed to parse pci device: 2.0.0' },
  { mistake: 'the seed’s 02:00.00 spelling', era: '2007', hvm: { pci: "[ '02:00.00' ]" }, xm: STARTED, assigned: true },
  { mistake: 'the seed’s 02:00.00 spelling', era: '3.3', hvm: { pci: "[ '02:00.00' ]" }, xm: STARTED, assigned: false },
  { mistake: 'the seed’s 02:00.00 spelling', era: '4.0', hvm: { pci: "[ '02:00.00' ]" }, xm: 'Error: Failed to parse pci device: 02:00.00' },
  {
    mistake: 'a BDF that does not exist',
    era: '2007',
    hvm: { pci: "[ '05:00.0' ]" },
    xm: "Error: pci: failed to locate device and parse it's resources - Error Parsing PCI Device Info: Failed to open & read /sys/bus/pci/devices/0000:05:00.0/resource: No such file or directory (2)",
  },
  { mistake: 'a BDF that does not exist', era: '3.2', hvm: { pci: "[ '05:00.0' ]" }, xm: 'Error: Fail to assign device(5:0.0): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain' },
  { mistake: 'a BDF that does not exist', era: '3.4', hvm: { pci: "[ '05:00.0' ]" }, xm: "Error: fail to assign device(5:0.0): maybe it has already been assigned to other domain, or maybe it doesn't exist." },
  { mistake: 'VT-d not switched on', era: '2007', xen: VTD_OFF['2007'], xm: STARTED, assigned: false },
  { mistake: 'VT-d not switched on', era: '3.2', xen: VTD_OFF['3.2'], xm: 'Error: Fail to assign device(2:0.0): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain' },
  { mistake: 'VT-d not switched on', era: '3.4', xen: VTD_OFF['3.4'], xm: "Error: failed to assign device: maybe the platform doesn't support VT-d, or VT-d isn't enabled properly?" },
  { mistake: 'VT-d not switched on', era: '4.0', xen: VTD_OFF['4.0'], xm: "Error: failed to assign device: maybe the platform doesn't support VT-d, or VT-d isn't enabled properly?" },
  { mistake: 'the same device in two guests', era: '2007', twice: true, xm: STARTED, assigned: false },
  { mistake: 'the same device in two guests', era: '3.2', twice: true, xm: 'Error: Fail to assign device(2:0.0): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain' },
  { mistake: 'the same device in two guests', era: '3.4', twice: true, xm: "Error: fail to assign device(2:0.0): maybe it has already been assigned to other domain, or maybe it doesn't exist." },
  { mistake: 'the same device in two guests', era: '4.0', twice: true, xm: 'Error: failed to assign device 0000:02:00.0 that has already been assigned to other domain.' },
  { mistake: 'no device model for an HVM guest', era: '2007', hvm: { device_model: "''" }, xm: 'Error: hvm: missing device model' },
  { mistake: 'a PV guest with pci=', era: '2007', hvm: { builder: "'linux'" }, xm: STARTED, assigned: false },
  { mistake: 'a PV guest with pci=', era: '3.4', hvm: { builder: "'linux'" }, xm: 'Error: Failed to assign device to IOMMU (2:0.0)' },
];

describe('the outcome matrix', () => {
  it.each(rows)('$mistake in $era → $xm', (row) => {
    const host = bootSeedHost({ era: row.era, grub: grubWith(row.xen ?? XEN_LINE[row.era], row.dom0) });
    if (row.twice) expect(host.xm.create('/etc/xen/first.conf', hvmWith({ name: '"first"' })).exitCode).toBe(0);
    const out = host.xm.create('/etc/xen/hvm.conf', row.hvm ? hvmWith(row.hvm) : SEED_HVM);
    if (row.xm === STARTED) {
      expect(out.stderr).toEqual([]);
      expect(out.stdout).toContain(STARTED);
      const guest = host.xen.domain(host.xend.byName('fc5-vtd')!.domid)!;
      expect(guest.iommu.pdevs.some((b) => b.bus === 2)).toBe(row.assigned);
      // A PV guest gets the device the old way: the permissions, no VT-d (its DMA is untranslated).
      if (row.hvm?.builder) expect(guest.iomemCaps.contains(0xfe8e0, 0xfe8ff)).toBe(true);
    } else {
      expect(out.exitCode).toBe(1);
      expect(out.stderr.join('\n')).toBe(row.xm);
      expect(host.xend.byName('fc5-vtd')).toBeUndefined();
      // The half-built domain is gone from Xen too.
      expect([...host.xen.domains.keys()].filter((id) => id !== 0 && !(row.twice && id === 1))).toEqual([]);
    }
  });

  it('with VT-d off in 2007 the guest still gets the device from qemu-dm, but its IRQ bind fails with rc=-1', () => {
    const host = bootSeedHost({ era: '2007', grub: grubWith(VTD_OFF['2007']) });
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    const qemu = host.xend.byName('fc5-vtd')!.qemu!;
    expect(qemu.log.lines).toContain('register_real_device: Error: Binding of interrupt failed! rc=-1');
    expect(qemu.bus.slotOf('DIRECT PCI')).toBe(3);
    expect(host.xen.hypercalls.records.find((r) => r.op === 'XEN_DOMCTL_assign_device')?.result).toBe(0);
  });

  it('with the same device in two 2007 guests the second assign is a silent no-op: the context stays with the first', () => {
    const host = bootSeedHost({ era: '2007', grub: grubWith(XEN_LINE['2007']) });
    host.xm.create('/etc/xen/first.conf', hvmWith({ name: '"first"' }));
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(host.xen.vtd!.unitFor({ segment: 0, bus: 2, device: 0, fn: 0 })!.readContext(0x200)?.did).toBe(1);
    expect(host.xen.hypercalls.records.filter((r) => r.op === 'XEN_DOMCTL_assign_device').map((r) => [r.domain, r.result])).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });
});

describe('the same NIC in two 2007 guests, both running', () => {
  it('the second guest’s driver takes the NIC over, but its DMA is translated by the first guest’s p2m: frames land in guest 1’s memory', () => {
    const host = bootSeedHost({ era: '2007', grub: grubWith(XEN_LINE['2007']) });
    host.xm.create('/etc/xen/first.conf', hvmWith({ name: '"first"' }));
    host.pc.sim.engine.runFor(1_000_000);
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    host.pc.sim.engine.runFor(1_000_000);
    const [first, second] = [host.xend.byName('first')!, host.xend.byName('fc5-vtd')!];
    const nic = host.pc.nics[0];
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 1, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
    expect(second.guest!.nic!.stats.rxFrames).toBe(0);
    // The NIC wrote where guest 2 said (gpa 0x01001000), through context DID 1: into guest 1's frame for that gpa.
    const g1 = host.xen.domain(first.domid)!;
    const m = g1.p2m!.get(0x01001)!.mfn * 0x1000;
    expect(host.pc.mem.readU8(m)).toBe(parseInt(nic.nic.macAddress.slice(0, 2), 16));
  });
});
