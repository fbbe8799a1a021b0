/**
 * The seed's recipe end to end up to a running guest: the host boots from grub.conf (Xen with
 * vtd=1 and ioapic_ack=old, dom0 hiding 02:00.0), then `xm create hvm.conf` — xend's checks,
 * qemu-dm's arguments, and the hypercalls in Xen's order, the NIC moved into the guest's VT-d
 * domain and its IRQ bound; then `xm destroy` gives it back.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, grubWith, hypercallLines, SEED_HVM } from './support/seed-host.ts';

describe('xm create of the seed hvm.conf on the seed host (2007)', () => {
  it('boots Xen with VT-d and dom0 with the NIC held by pciback', () => {
    const host = bootSeedHost();
    expect(host.xen.iommuEnabled).toBe(true);
    expect(host.dom0.device('0000:02:00.0')?.driver).toBe('pciback');
    expect(host.xen.con.ring).toContain('(XEN)  -> Using old ACK method');
  });

  it('creates the guest: xm output, hypercalls in order, the device in the guest’s VT-d domain', () => {
    const host = bootSeedHost();
    const out = host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(out).toMatchObject({ exitCode: 0, stdout: ['Using config file "/etc/xen/hvm.conf".', 'Started domain fc5-vtd'], stderr: [] });
    expect(hypercallLines(host)).toEqual([
      'createdomain(1) = 0',
      'max_vcpus(1) = 0',
      'max_mem(1) = 0',
      'populate_physmap(1) = 160',
      'populate_physmap(1) = 130880',
      'ioport_permission(1) = 0',
      'iomem_permission(1) = 0',
      'iomem_permission(1) = 0',
      'irq_permission(1) = 0',
      'assign_device(1) = 0',
      'bind_pt_irq(1) = 0',
      'unpausedomain(1) = 0',
    ]);
    const guest = host.xen.domain(1)!;
    const ctx = host.xen.vtd!.unitFor({ segment: 0, bus: 2, device: 0, fn: 0 })!.readContext(0x0200)!;
    expect(ctx).toMatchObject({ did: 1, asr: guest.p2m!.l3 });
    expect(guest.mirq.get(16)).toMatchObject({ device: 3, intx: 0, guestGsi: 28 });
  });

  it('starts qemu-dm with the 2007 arguments and logs the pass-through as pass-through.c does', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    const qemu = host.xend.byName('fc5-vtd')!.qemu!;
    expect(qemu.argv.slice(0, 12)).toEqual(['-d', '1', '-vcpus', '1', '-boot', 'c', '-serial', 'pty', '-pci', "[['0x0', '0x02', '0x00', '0x0']]", '-domain-name', 'fc5-vtd']);
    expect(qemu.argv.slice(-2)).toEqual(['-vnc', '127.0.0.1:0']);
    expect(qemu.log.lines).toEqual([
      'domid: 1',
      'register_real_device: Assigning real physical device 02:00.0 ...',
      'pt_register_regions: IO region registered (size=0x00020000 base_addr=0xfe8e0000)',
      'pt_register_regions: IO region registered (size=0x00020000 base_addr=0xfe8c0000)',
      'pt_register_regions: IO region registered (size=0x00000020 base_addr=0x0000e001)',
      'register_real_device: Real physical device 02:00.0 registered successfuly!',
    ]);
    expect(qemu.bus.slotOf('DIRECT PCI')).toBe(3);
  });

  it('xm list shows dom0 and the guest', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(host.xm.list().stdout).toEqual([
      'Name                                        ID   Mem VCPUs      State   Time(s)',
      'Domain-0                                     0  1024     1     r-----      0.0',
      'fc5-vtd                                      1   512     1     -b----      0.0',
    ]);
  });

  it('xm destroy returns the NIC to dom0 (pciback keeps it) and every page to Xen; a second create works', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(host.xm.destroy('fc5-vtd').exitCode).toBe(0);
    expect(host.xen.vtd!.unitFor({ segment: 0, bus: 2, device: 0, fn: 0 })!.readContext(0x0200)).toMatchObject({ did: 0 });
    expect(host.dom0.device('0000:02:00.0')?.driver).toBe('pciback');
    const again = host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(again.exitCode).toBe(0);
    expect(host.xen.domain(2)?.iommu.pdevs).toEqual([{ segment: 0, bus: 2, device: 0, fn: 0 }]);
  });
});

describe('xm pci-list', () => {
  it('does not exist in 2007', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(host.xm.pciList('fc5-vtd')).toMatchObject({ exitCode: 1, stderr: ['Error: Subcommand pci-list not found!'] });
  });

  it('lists the guest’s function and virtual slot from 3.3', () => {
    const host = bootSeedHost({ era: '3.3', grub: grubWith('iommu=1 dom0_mem=1024M') });
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    expect(host.xm.pciList('fc5-vtd').stdout).toEqual(['VSlt domain   bus   slot   func', '0x03    0x0000  0x02   0x00    0x0    ']);
  });
});
