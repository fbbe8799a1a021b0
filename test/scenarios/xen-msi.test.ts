/**
 * MSI of the assigned NIC under Xen 3.4 (qemu-xen pt-msi.c, Xen physdev.c/msi.c/io.c): the FC5
 * driver never enables MSI, so these tests program the guest's emulated MSI capability with the
 * guest's own config cycles, as an MSI-capable guest driver would, and watch qemu-dm map a pirq
 * and bind it to the guest vector, Xen program the machine message into the real function, and
 * the teardown paths. Delivery into the guest needs a virtual local APIC, which the simulator
 * does not have yet: these tests stop at the binding.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, grubWith, SEED_HVM } from './support/seed-host.ts';
import { guestConfig, hostConfig, NIC_BDF, SLOT3 } from './support/guest-config.ts';
import { expectGolden } from '../golden/golden.ts';
import { parseSlotFilter } from '../../src-sim/guest/lspci/filter.ts';
import { doPhysdevOp, domainPirqs, MAP_PIRQ_TYPE_GSI, MAP_PIRQ_TYPE_MSI, restorePirqs, savePirqs } from '../../src-sim/xen/arch/x86/physdev.ts';
import { domainMsi, restoreDomainMsi, saveDomainMsi } from '../../src-sim/xen/drivers/passthrough/io-msi.ts';
import { PtDevice34 } from '../../src-sim/qemu/ioemu/hw/pass-through-34.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';

const MSI = 0xd0;
/** What a Linux guest writes: logical destination 1, redirection hint, lowest priority, vector 0x49. */
const GUEST_ADDRESS = 0xfee0100c;
const GUEST_DATA = 0x4149;
const GFLAGS = 0x01 | (1 << 8) | (1 << 9) | (1 << 12);

function guest34(era: XenEra = '3.4') {
  const host = bootSeedHost({ era, grub: grubWith(era === '2007' ? 'vtd=1 ioapic_ack=old dom0_mem=1024M' : 'iommu=1 dom0_mem=1024M') });
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const g = guestConfig(host, 1, SLOT3);
  const real = hostConfig(host, NIC_BDF);
  const dom = host.xend.byName('fc5-vtd')!;
  const calls = (from: number) => host.xen.hypercalls.records.slice(from).map((r) => `${r.op}(${Object.values(r.args).join(', ')}) = ${r.errno}`);
  /** The guest driver's pci_enable_msi: message first, then Enable. */
  const enableMsi = (address = GUEST_ADDRESS, data = GUEST_DATA) => {
    g.write(MSI + 4, 4, address);
    g.write(MSI + 8, 4, 0);
    g.write(MSI + 0x0c, 2, data);
    g.write(MSI + 2, 2, g.read(MSI + 2, 2) | 1);
  };
  return { host, g, real, dom, calls, enableMsi, d: host.xen.domain(1)! };
}

describe('the guest enables MSI in its emulated capability (3.4)', () => {
  it('qemu maps an MSI pirq (Xen picks vector and the top free pirq), then binds it to the guest vector and flags', () => {
    const { host, enableMsi, calls, dom } = guest34();
    const from = host.xen.hypercalls.records.length;
    enableMsi();
    expect(calls(from)).toEqual([
      'PHYSDEVOP_map_pirq(MAP_PIRQ_TYPE_MSI, -1, 255, 2, 0x0, 0) = 0',
      `XEN_DOMCTL_bind_pt_irq(255, 2, 0, 0, 0, ${0x49}, ${GFLAGS}) = 0`,
    ]);
    expect(dom.qemu!.log.lines.slice(-3)).toEqual([
      'pt_msgctrl_reg_write: setup msi for dev 18',
      'pt_msi_setup: msi mapped with pirq ff',
      'pt_msi_update: Update msi with pirq ff gvec 49 gflags 1301',
    ]);
  });

  it('Xen records the guest vector for the pirq and binds the pirq to the domain', () => {
    const { host, enableMsi, d } = guest34();
    enableMsi();
    expect(domainMsi(d).bindings).toEqual([{ pirq: 255, gvec: 0x49, gflags: GFLAGS }]);
    expect(host.xen.irqs.desc(255).guests).toEqual([1]);
    expect(domainPirqs(d).pirqs.find((p) => p.pirq === 255)).toMatchObject({ type: 'msi', vector: 0x21 });
  });

  it('Xen writes its own message into the real capability, and the guest’s Enable reaches the device', () => {
    const { real, enableMsi } = guest34();
    enableMsi();
    // Logical mode, lowest priority, both CPUs of the Core 2 Duo; edge, assert, vector 0x21.
    expect(real.read(MSI + 4)).toBe(0xfee0300c);
    expect(real.read(MSI + 8)).toBe(0);
    expect(real.read(MSI + 0x0c, 2)).toBe(0x4121);
    expect(real.read(MSI + 2, 2)).toBe(0x0081);
  });

  it('the guest reads back its own message, never the machine’s', () => {
    const { g, enableMsi } = guest34();
    enableMsi();
    expect([g.read(MSI + 2, 2), g.read(MSI + 4), g.read(MSI + 0x0c, 2)]).toEqual([0x0081, GUEST_ADDRESS, GUEST_DATA]);
  });

  it('a new guest vector re-binds the same pirq (one bind, no new map)', () => {
    const { host, g, enableMsi, calls, d } = guest34();
    enableMsi();
    const from = host.xen.hypercalls.records.length;
    g.write(MSI + 0x0c, 2, 0x4151);
    expect(calls(from)).toEqual([`XEN_DOMCTL_bind_pt_irq(255, 2, 0, 0, 0, ${0x51}, ${GFLAGS}) = 0`]);
    expect(domainMsi(d).bindings).toEqual([{ pirq: 255, gvec: 0x51, gflags: GFLAGS }]);
  });

  it('clearing Enable only clears it on the device: the binding stays, and enabling again makes no hypercall', () => {
    const { host, g, real, enableMsi, d } = guest34();
    enableMsi();
    const from = host.xen.hypercalls.records.length;
    g.write(MSI + 2, 2, 0x0080);
    expect(real.read(MSI + 2, 2)).toBe(0x0080);
    expect(domainMsi(d).bindings).toHaveLength(1);
    g.write(MSI + 2, 2, 0x0081);
    expect(real.read(MSI + 2, 2)).toBe(0x0081);
    expect(host.xen.hypercalls.records.length).toBe(from);
  });

  it('a multi-vector request is warned about and served as one vector', () => {
    const { g, dom } = guest34();
    g.write(MSI + 2, 2, 0x0010);
    expect(dom.qemu!.log.lines.at(-1)).toBe('pt_msgctrl_reg_write: Warning: try to set more than 1 vector ctrl 10');
    expect(g.read(MSI + 2, 2) & 0x70).toBe(0x10);
  });

  it('in 2007 the same writes never leave qemu-dm: no pirq, no binding, MSI off on the device', () => {
    const { host, real, enableMsi, calls } = guest34('2007');
    const from = host.xen.hypercalls.records.length;
    enableMsi();
    expect(calls(from)).toEqual([]);
    expect(real.read(MSI + 2, 2)).toBe(0x0080);
  });
});

describe('MSI teardown', () => {
  it('unregistering the device (hot-unplug) unbinds INTx and MSI, unmaps both pirqs and every BAR', () => {
    const { host, real, enableMsi, calls, dom, d } = guest34();
    enableMsi();
    const from = host.xen.hypercalls.records.length;
    const pt = dom.qemu!.passthrough[0];
    if (!(pt instanceof PtDevice34)) throw new Error('3.4 uses the register-table device');
    pt.unregister();
    expect(calls(from)).toEqual([
      'XEN_DOMCTL_unbind_pt_irq(16, 0, 0, 3, 0) = 0',
      `XEN_DOMCTL_unbind_pt_irq(255, 2, 0, 0, 0, ${0x49}, ${GFLAGS}) = 0`,
      'PHYSDEVOP_unmap_pirq(255) = 0',
      'PHYSDEVOP_unmap_pirq(16) = 0',
      'XEN_DOMCTL_memory_mapping(0xf3000, 0xfe8e0, 32, 0) = 0',
      'XEN_DOMCTL_memory_mapping(0xf3020, 0xfe8c0, 32, 0) = 0',
      'XEN_DOMCTL_ioport_mapping(0xc200, 0xe000, 32, 0) = 0',
    ]);
    expect(real.read(MSI + 2, 2) & 1).toBe(0);
    expect(domainMsi(d).bindings).toEqual([]);
    expect(domainPirqs(d).pirqs).toEqual([]);
    expect(host.xen.irqs.desc(255).guests).toEqual([]);
  });

  it('xm destroy frees the MSI pirq: MSI off on the device and the pirq unbound', () => {
    const { host, real, enableMsi } = guest34();
    enableMsi();
    host.xm.destroy('fc5-vtd');
    expect(real.read(MSI + 2, 2) & 1).toBe(0);
    expect(host.xen.irqs.desc(255).guests).toEqual([]);
  });
});

describe('Xen’s checks on the MSI path (errno as Xen returns it)', () => {
  const cases: { what: string; run: (t: ReturnType<typeof guest34>) => number; rc: number }[] = [
    { what: 'map_pirq from a guest (not dom0) → -EPERM', run: ({ host }) => doPhysdevOp(host.xen, 1, { cmd: 'map_pirq', domid: 1, type: MAP_PIRQ_TYPE_GSI, index: 16, pirq: 16 }), rc: -1 },
    { what: 'map_pirq for a domain that does not exist → -ESRCH', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 9, type: MAP_PIRQ_TYPE_GSI, index: 16, pirq: 16 }), rc: -3 },
    { what: 'a GSI beyond NR_IRQS → -EINVAL', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 1, type: MAP_PIRQ_TYPE_GSI, index: 256, pirq: -1 }), rc: -22 },
    { what: 'a GSI with no IO-APIC pin (no vector) → -EINVAL', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 1, type: MAP_PIRQ_TYPE_GSI, index: 100, pirq: -1 }), rc: -22 },
    { what: 'IRQ 16 again under another pirq → -EEXIST', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 1, type: MAP_PIRQ_TYPE_GSI, index: 16, pirq: 17 }), rc: -17 },
    { what: 'MSI for a function without an MSI capability → -ENODEV', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 1, type: MAP_PIRQ_TYPE_MSI, index: -1, pirq: -1, bus: 0, devfn: 0 }), rc: -19 },
    { what: 'unmapping a pirq never mapped → -EINVAL', run: ({ host }) => doPhysdevOp(host.xen, 0, { cmd: 'unmap_pirq', domid: 1, pirq: 40 }), rc: -22 },
    { what: 'binding the INTx pirq 16 as MSI → -EBUSY (libxc: -1, errno 16)', run: ({ host }) => host.xend.xc.domainUpdateMsiIrq(1, 0x49, 16, 0) * host.xend.xc.errno, rc: -16 },
  ];
  it.each(cases)('$what', ({ run, rc }) => {
    expect(run(guest34())).toBe(rc);
  });

  it.each(['2007', '3.2'] as XenEra[])('%s has no PHYSDEVOP_map_pirq (-ENOSYS) and no unbind_pt_irq', (era) => {
    const host = bootSeedHost({ era, grub: grubWith(era === '2007' ? 'vtd=1 ioapic_ack=old dom0_mem=1024M' : 'vtd=1 dom0_mem=1024M') });
    expect(doPhysdevOp(host.xen, 0, { cmd: 'map_pirq', domid: 0, type: MAP_PIRQ_TYPE_GSI, index: 16, pirq: 16 })).toBe(-38);
    expect(host.xend.xc.domainUnbindPtIrq(0, 16, 0, 0, 3, 0)).toBe(-1);
    expect(host.xend.xc.errno).toBe(38);
  });
});

describe('the 3.4 guest’s lspci of the assigned NIC', () => {
  it('shows the capabilities 3.4’s tables emulate, with the values they emulate (golden)', () => {
    const { dom } = guest34();
    const filter = parseSlotFilter('00:03.0');
    if (!filter.ok) throw new Error(filter.message);
    const text = dom.guest!.lspci({ verbose: 3, filter: filter.filter });
    expectGolden('xen/guest-fc5-3.4-lspci-vvv-s-03.txt', text);
    expect(text).toContain('PME(D0-,D1-,D2-,D3hot-,D3cold-)');
    expect(text).toContain('Status: D0 NoSoftRst+ PME-Enable- DSel=0 DScale=1 PME-');
    expect(text).toContain('LnkCtl:\tASPM Disabled; RCB 64 bytes, Disabled- CommClk-');
  });

  it('shows the guest’s MSI message and Enable+ once the guest enabled MSI', () => {
    const { dom, enableMsi } = guest34();
    enableMsi();
    const text = dom.guest!.lspci({ verbose: 3 });
    expect(text).toContain('Capabilities: [d0] MSI: Enable+ Count=1/1 Maskable- 64bit+');
    expect(text).toContain('Address: 00000000fee0100c  Data: 4149');
  });
});

describe('Xen’s per-domain MSI state in snapshots', () => {
  it('saves the pirq table and the MSI bindings as named fields and restores them as they were', () => {
    const { d, enableMsi, g } = guest34();
    enableMsi();
    const pirqs = JSON.parse(JSON.stringify(savePirqs(d))) as ReturnType<typeof savePirqs>;
    const msi = JSON.parse(JSON.stringify(saveDomainMsi(d))) as ReturnType<typeof saveDomainMsi>;
    expect(pirqs.pirqs.map((p) => [p.pirq, p.type])).toEqual([
      [16, 'gsi'],
      [255, 'msi'],
    ]);
    g.write(MSI + 0x0c, 2, 0x4151);
    restorePirqs(d, pirqs);
    restoreDomainMsi(d, msi);
    expect(domainMsi(d).bindings).toEqual([{ pirq: 255, gvec: 0x49, gflags: GFLAGS }]);
    expect(savePirqs(d)).toEqual(pirqs);
    expect(() => restoreDomainMsi(d, { ...msi, version: 3 as 1 })).toThrow('MSI bindings snapshot of d1: version 3 is not 1');
  });
});
