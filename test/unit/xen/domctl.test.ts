/**
 * The seed's hypercalls (vtd3) through __HYPERVISOR_domctl, as dom0's tools make them: checks,
 * errno values per era, effects on the hardware (context entries, p2m), and the hypercall log.
 */
import { describe, expect, it } from 'vitest';
import { bootXen } from '../../scenarios/support/xen-host.ts';
import { doDomctl, type Domctl } from '../../../src-sim/xen/common/domctl.ts';
import { machineBdf } from '../../../src-sim/xen/arch/x86/domctl.ts';
import { populatePhysmap } from '../../../src-sim/xen/common/memory.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import type { Xen } from '../../../src-sim/xen/xen.ts';
import { P2M_MMIO_DIRECT } from '../../../src-sim/xen/arch/x86/mm/p2m.ts';

const NIC = { bus: 2, device: 0, fn: 0 };
const NIC_BDF = machineBdf(NIC);
const ABSENT_BDF = machineBdf({ bus: 5, device: 0, fn: 0 });

function hvmGuest(xen: Xen): number {
  const { domid } = doDomctl(xen, 0, { cmd: 'createdomain', hvm: true });
  doDomctl(xen, 0, { cmd: 'max_mem', domain: domid!, maxMemKb: 64 * 1024 });
  return domid!;
}

const rc = (xen: Xen, op: Domctl) => doDomctl(xen, 0, op).rc;

describe('the machine BDF encoding', () => {
  it('is the CF8 layout: bus 23:16, device 15:11, function 10:8', () => {
    expect(machineBdf({ bus: 2, device: 0, fn: 0 })).toBe(0x00020000);
    expect(machineBdf({ bus: 3, device: 0, fn: 1 })).toBe(0x00030100);
    expect(machineBdf({ bus: 0, device: 0x19, fn: 0 })).toBe(0x0000c800);
  });
});

describe('XEN_DOMCTL_assign_device', () => {
  it('moves 02:00.0 from dom0 to the guest: context entry now DID 1, the guest’s p2m as its table', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const d = hvmGuest(xen);
    expect(rc(xen, { cmd: 'assign_device', domain: d, machineBdf: NIC_BDF })).toBe(0);
    const guest = xen.domain(d)!;
    const ctx = xen.vtd!.unitFor({ segment: 0, ...NIC })!.readContext(0x0200)!;
    expect(ctx).toMatchObject({ did: d, aw: 1, asr: guest.p2m!.l3 });
    expect(xen.dom0.iommu.pdevs.some((b) => b.bus === 2)).toBe(false);
    expect(xen.con.ring).toContain(`(XEN) intel-iommu.c:1336:d0 reassign_device-2:0:0- source = 0 target = ${d}`);
  });

  const table: [XenEra, string, 'off' | 'absent' | 'twice', number][] = [
    ['2007', 'ioapic_ack=old', 'off', 0],
    ['2007', 'vtd=1', 'absent', 0],
    ['2007', 'vtd=1', 'twice', 0],
    ['3.2', '', 'off', -22],
    ['3.2', 'vtd=1', 'absent', -22],
    ['3.2', 'vtd=1', 'twice', -22],
    ['3.4', '', 'off', -38],
    ['3.4', 'iommu=1', 'absent', -19],
    ['3.4', 'iommu=1', 'twice', -16],
    ['4.0', 'iommu=0', 'off', -38],
    ['4.0', '', 'twice', -16],
  ];
  it.each(table)('in %s (%s), a %s device gets %i', (era, cmdline, mistake, want) => {
    const { xen } = bootXen(era, cmdline);
    const d1 = hvmGuest(xen);
    if (mistake === 'absent') expect(rc(xen, { cmd: 'assign_device', domain: d1, machineBdf: ABSENT_BDF })).toBe(want);
    else if (mistake === 'off') expect(rc(xen, { cmd: 'assign_device', domain: d1, machineBdf: NIC_BDF })).toBe(want);
    else {
      const d2 = hvmGuest(xen);
      expect(rc(xen, { cmd: 'assign_device', domain: d1, machineBdf: NIC_BDF })).toBe(0);
      expect(rc(xen, { cmd: 'assign_device', domain: d2, machineBdf: NIC_BDF })).toBe(want);
    }
  });

  it('refuses anyone but dom0 with -EPERM, a wrong interface version with -EACCES, an unknown domain with -EINVAL', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const d = hvmGuest(xen);
    expect(doDomctl(xen, d, { cmd: 'assign_device', domain: d, machineBdf: NIC_BDF }).rc).toBe(-1);
    expect(rc(xen, { cmd: 'assign_device', domain: d, machineBdf: NIC_BDF, interfaceVersion: 4 })).toBe(-13);
    expect(rc(xen, { cmd: 'assign_device', domain: 77, machineBdf: NIC_BDF })).toBe(-22);
  });

  it('3.2 adds test_assign_device; 2007 does not know it (-ENOSYS)', () => {
    expect(rc(bootXen('2007', 'vtd=1').xen, { cmd: 'test_assign_device', domain: 0, machineBdf: NIC_BDF })).toBe(-38);
    const { xen } = bootXen('3.2', 'vtd=1');
    expect(rc(xen, { cmd: 'test_assign_device', domain: 0, machineBdf: NIC_BDF })).toBe(0);
    expect(rc(xen, { cmd: 'test_assign_device', domain: 0, machineBdf: ABSENT_BDF })).toBe(-22);
  });
});

describe('XEN_DOMCTL_bind_pt_irq (the seed’s xc_irq_mapping)', () => {
  it('binds machine IRQ 16 to virtual slot 3 INTA: guest GSI 28', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const d = hvmGuest(xen);
    expect(rc(xen, { cmd: 'bind_pt_irq', domain: d, machineIrq: 16, irqType: 0, bus: 0, device: 3, intx: 0 })).toBe(0);
    expect(xen.domain(d)!.mirq.get(16)).toEqual({ machineIrq: 16, device: 3, intx: 0, guestGsi: 28 });
    expect(xen.irqs.desc(16).guests).toEqual([d]);
    expect(xen.irqs.desc(16).ackType).toBe('unmask');
  });

  it('answers -ESRCH with VT-d off (2007), and -EINVAL for IRQ 300 from 3.3', () => {
    const off = bootXen('2007', '').xen;
    expect(rc(off, { cmd: 'bind_pt_irq', domain: hvmGuest(off), machineIrq: 16, irqType: 0, bus: 0, device: 3, intx: 0 })).toBe(-3);
    const x = bootXen('3.3', 'iommu=1').xen;
    expect(rc(x, { cmd: 'bind_pt_irq', domain: hvmGuest(x), machineIrq: 300, irqType: 0, bus: 0, device: 3, intx: 0 })).toBe(-22);
  });
});

describe('XEN_DOMCTL_memory_mapping and ioport_mapping', () => {
  it('maps the NIC’s BAR0 frames into the guest p2m as mmio_direct, and unmaps them', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const d = hvmGuest(xen);
    expect(rc(xen, { cmd: 'memory_mapping', domain: d, firstGfn: 0xf2020, firstMfn: 0xfe8e0, nrMfns: 32, add: true })).toBe(0);
    const g = xen.domain(d)!;
    expect(g.p2m!.get(0xf2021)).toEqual({ mfn: 0xfe8e1, type: P2M_MMIO_DIRECT });
    expect(g.iomemCaps.contains(0xfe8e0, 0xfe8ff)).toBe(true);
    expect(rc(xen, { cmd: 'memory_mapping', domain: d, firstGfn: 0xf2020, firstMfn: 0xfe8e0, nrMfns: 32, add: false })).toBe(0);
    expect(g.p2m!.get(0xf2021)).toBeUndefined();
    expect(rc(xen, { cmd: 'memory_mapping', domain: d, firstGfn: 0, firstMfn: 5, nrMfns: 0, add: true })).toBe(-22);
  });

  it('keeps one entry per machine port: a BAR move updates it', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const d = hvmGuest(xen);
    expect(rc(xen, { cmd: 'ioport_mapping', domain: d, firstGport: 0xc000, firstMport: 0xec00, nrPorts: 32, add: true })).toBe(0);
    expect(rc(xen, { cmd: 'ioport_mapping', domain: d, firstGport: 0xc020, firstMport: 0xec00, nrPorts: 32, add: true })).toBe(0);
    expect(xen.domain(d)!.iommu.g2mIoports).toEqual([{ gport: 0xc020, mport: 0xec00, np: 32 }]);
    expect(rc(xen, { cmd: 'ioport_mapping', domain: d, firstGport: 0xfff0, firstMport: 0xec00, nrPorts: 32, add: true })).toBe(-22);
  });
});

describe('destroy', () => {
  it('returns the device to dom0 and every frame and table page to Xen', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const free = xen.heap.freePages;
    const d = hvmGuest(xen);
    expect(populatePhysmap(xen, 0, d, 0, 1024)).toBe(1024);
    rc(xen, { cmd: 'assign_device', domain: d, machineBdf: NIC_BDF });
    rc(xen, { cmd: 'bind_pt_irq', domain: d, machineIrq: 16, irqType: 0, bus: 0, device: 3, intx: 0 });
    expect(rc(xen, { cmd: 'destroydomain', domain: d })).toBe(0);
    expect(xen.heap.freePages).toBe(free);
    expect(xen.dom0.iommu.pdevs.some((b) => b.bus === 2)).toBe(true);
    expect(xen.vtd!.unitFor({ segment: 0, ...NIC })!.readContext(0x200)).toMatchObject({ did: 0, asr: xen.dom0.iommu.pgd });
    expect(xen.irqs.desc(16).guests).toEqual([]);
  });
});

describe('the hypercall log', () => {
  it('records time, caller, op with its number, domain, arguments and the errno', () => {
    const { xen } = bootXen('3.2', '');
    const d = hvmGuest(xen);
    rc(xen, { cmd: 'assign_device', domain: d, machineBdf: NIC_BDF });
    const last = xen.hypercalls.records.at(-1)!;
    expect(last).toEqual({ t: 0, caller: 0, hypercall: 'domctl', op: 'XEN_DOMCTL_assign_device', cmd: 37, domain: d, args: { machine_bdf: '0x20000' }, result: -22, errno: '-EINVAL' });
  });
});
