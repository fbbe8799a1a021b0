/**
 * dom0 Linux on the seed host: which driver gets each PCI function, from the kernel line in grub.conf.
 */
import { describe, expect, it } from 'vitest';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { Dom0Linux } from '../../../src-sim/guest/linux/dom0.ts';
import { hostProfile } from '../../scenarios/support/xen-host.ts';

function dom0(cmdline: string): Dom0Linux {
  const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 1 });
  const linux = new Dom0Linux({ io: pc.io, tracer: pc.sim.tracer });
  linux.boot(cmdline);
  return linux;
}

describe('dom0 with pciback.hide', () => {
  it('binds the hidden NIC to pciback and says so', () => {
    const l = dom0('ro root=/dev/sda2 pciback.hide=(02:00.0)');
    expect(l.device('0000:02:00.0')?.driver).toBe('pciback');
    expect(l.log.lines).toContain('pciback 0000:02:00.0: seizing device');
    expect(l.netdevs).toEqual([]);
  });

  it('leaves the NIC to e1000 without a hide list', () => {
    const l = dom0('ro root=/dev/sda2');
    expect(l.device('0000:02:00.0')?.driver).toBe('e1000');
    expect(l.netdevs).toEqual(['eth0']);
  });

  it('rejects the seed’s pciback.hid typo as Linux 2.6.18 does, so e1000 keeps the NIC', () => {
    const l = dom0('ro pciback.hid=(02:00.0)');
    expect(l.log.lines).toContain("Unknown boot option `pciback.hid=(02:00.0)': ignoring");
    expect(l.device('0000:02:00.0')?.driver).toBe('e1000');
  });

  it('accepts the domain-qualified spelling and the seed’s two-digit function', () => {
    expect(dom0('pciback.hide=(0000:02:00.0)').device('0000:02:00.0')?.driver).toBe('pciback');
    expect(dom0('pciback.hide=(02:00.00)').device('0000:02:00.0')?.driver).toBe('pciback');
  });

  it('stops at a comma between groups and seizes nothing', () => {
    const l = dom0('pciback.hide=(02:00.0),(00:1d.0)');
    expect(l.log.lines).toContain('pciback: Error parsing pci_devs_to_hide at ",(00:1d.0)"');
    expect(l.device('0000:02:00.0')?.driver).toBe('e1000');
  });

  it('shows xend the sysfs files it reads', () => {
    const l = dom0('pciback.hide=(02:00.0)');
    expect(l.sysfs.readlink('/sys/bus/pci/devices/0000:02:00.0/driver')).toBe('../../../bus/pci/drivers/pciback');
    expect(l.sysfs.read('/sys/bus/pci/devices/0000:02:00.0/resource').split('\n')[0]).toBe('0x00000000fe8e0000 0x00000000fe8fffff 0x0000000000000200');
    expect(l.sysfs.read('/sys/bus/pci/devices/0000:02:00.0/irq')).toBe('16\n');
    expect(() => l.sysfs.read('/sys/bus/pci/devices/0000:05:00.0/resource')).toThrow("No such file or directory: '/sys/bus/pci/devices/0000:05:00.0/resource'");
  });
});
