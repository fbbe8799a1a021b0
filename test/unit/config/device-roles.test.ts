/** Dangerous fixes (12.4): what dom0 needs, derived from the host profile's config bytes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, SEED_HOST, type Diagnostic } from '../../../src-shared/config/index.ts';
import { hostFactsFromProfile, type ProfileLike } from '../../../src-shared/config/host-facts.ts';
import { XM_CONFIG_FIXTURES } from '../../fixtures/paths.ts';

const HVM = "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = '/usr/lib/xen/bin/qemu-dm'\nacpi = 0\napic = 0\n";
const GRUB = 'title Xen\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro pciback.hide=(02:00.0)\n';
const find = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);

describe('device roles of the seed host, from class codes and bridges', () => {
  it.each([
    ['0000:00:00.0', 'host-bridge', true],
    ['0000:00:02.0', 'console', true],
    ['0000:00:1f.0', 'platform', true],
    ['0000:00:1f.2', 'disk-controller', true],
    ['0000:00:1c.0', 'bridge', true],
    ['0000:00:1d.0', 'usb', false],
    ['0000:02:00.0', 'network', false],
  ])('%s is %s (dom0 needs it: %s)', (bdf, role, needed) => {
    const d = SEED_HOST.devices.find((x) => x.bdf === bdf)!;
    expect(d.role).toBe(role);
    expect(!!d.dom0Loses).toBe(needed);
  });

  it('marks a device sharing a conventional PCI bus with the disk controller', () => {
    const cfg = (cls: string, extra = '') => [`86 80 00 10 07 00 10 00 00 00 ${cls} 00 00 ${extra || '00 00'}`, '00 '.repeat(48).trim()];
    const hdr1 = (sec: number) => [`86 80 4e 24 07 00 10 00 01 01 04 06 00 00 01 00`, `00 00 00 00 00 00 00 00 00 ${sec.toString(16).padStart(2, '0')} 05 00 00 00 00 00`, '00 '.repeat(32).trim()];
    const p: ProfileLike = {
      name: 'shared-bus',
      dmar: {},
      pci: [
        { bdf: '0000:00:1e.0', note: 'PCI bridge', config: hdr1(5) },
        { bdf: '0000:05:00.0', note: 'SCSI controller', config: cfg('00 01') },
        { bdf: '0000:05:01.0', note: 'Ethernet controller', config: cfg('00 02') },
      ],
    };
    const host = hostFactsFromProfile(p);
    expect(host.devices.find((d) => d.bdf === '0000:05:01.0')!.dom0Loses).toMatch(/behind the conventional PCI bridge 0000:00:1e.0 with 0000:05:00.0/);
  });
});

describe('pci = [ … ] naming a device dom0 needs', () => {
  it("warns for dom0's SATA controller and offers a device it can spare; the hide fix says what dom0 loses and is not preferred", () => {
    const ds = lint(HVM + "pci = [ '00:1f.2' ]\n", 'hvm', { host: SEED_HOST, grubText: GRUB, grubName: 'inmemory://model/2' });
    const [w] = find(ds, 'pci-dom0-device');
    expect(w.severity).toBe('warning');
    expect(w.message).toMatch(/^00:1f.2 is SATA controller.*takes from dom0 its disk controller/);
    expect(w.fixes.map((f) => f.title)).toEqual([expect.stringMatching(/^Use 02:00.0 \(Ethernet controller/)]);
    const [h] = find(ds, 'pci-not-hidden');
    expect(h.fixes).toHaveLength(1);
    expect(h.fixes[0].title).toBe('Hide 00:1f.2 from dom0 in grub.conf — dom0 loses its disk controller');
    expect(h.fixes[0].preferred).toBe(false);
  });

  it('refuses the host bridge outright: an error, and no fix that hides it', () => {
    const ds = lint(HVM + "pci = [ '00:00.0' ]\n", 'hvm', { host: SEED_HOST, grubText: GRUB });
    expect(find(ds, 'pci-dom0-device')[0].severity).toBe('error');
    expect(find(ds, 'pci-not-hidden')[0].fixes).toEqual([]);
  });

  it("offers the host's devices for a malformed address such as 'zz'", () => {
    const [d] = find(lint(HVM + "pci = [ 'zz' ]\n", 'hvm', { host: SEED_HOST, grubText: GRUB }), 'pci-syntax');
    expect(d.fixes.map((f) => f.edits[0].text)).toEqual(['02:00.0']);
  });

  it('names the boot config as the user knows it in cross-file fix titles', () => {
    const ds = lint(HVM + "pci = [ '02:00.0' ]\n", 'hvm', { host: SEED_HOST, grubText: 'title Xen\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro\n', grubName: 'inmemory://model/7' });
    expect(find(ds, 'pci-not-hidden')[0].fixes[0].title).toBe('Hide 02:00.0 from dom0 in grub.conf');
  });
});

describe('a rendered xen-tools template', () => {
  it("checks clean: memory = '256' and xm's dhcp/hostname/nfs_* are all accepted", () => {
    const text = readFileSync(join(XM_CONFIG_FIXTURES, 'xen-tools-xm-nfs.rendered.cfg'), 'utf8');
    expect(lint(text, 'hvm', { era: '3.2' })).toEqual([]);
  });
});
