// lspci's names come from the whole PCI ID database (pci.ids, generated into
// src-sim/guest/lspci/pci-ids.data.ts) with the lookup rules of pciutils' lib/names.c.
import { describe, expect, it } from 'vitest';
import { lookupClass, lookupProgIf, lookupSubsystem, lookupVendorDevice } from '../../../src-sim/guest/lspci/names.ts';
import { PCI_IDS_VERSION, parsePciIds, pciIds } from '../../../src-sim/guest/lspci/pci-ids.ts';

describe('the PCI ID database', () => {
  it('is a whole pci.ids, not a hand-picked slice', () => {
    const db = pciIds();
    expect(PCI_IDS_VERSION).toMatch(/^\d{4}\.\d{2}\.\d{2}$/);
    expect(db.vendors.size).toBeGreaterThan(2000);
    expect(db.devices.size).toBeGreaterThan(15000);
    expect(db.subsystems.size).toBeGreaterThan(10000);
  });

  it('names recent parts a host has: NVMe SSDs, xHCI, Thunderbolt, Wi-Fi 6', () => {
    expect(lookupVendorDevice(0, 0x144d, 0xa808)).toBe('Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983');
    expect(lookupVendorDevice(0, 0x8086, 0x15e9)).toBe('Intel Corporation JHL7540 Thunderbolt 3 USB Controller [Titan Ridge 2C 2018]');
    expect(lookupVendorDevice(2, 0x8086, 0x2723)).toBe('Intel Corporation Wi-Fi 6 AX200 [8086:2723]');
  });

  it('prints prog-if names as lspci does: [XHCI], [NVM Express], [16550], [IO(X)-APIC]', () => {
    expect(lookupProgIf(0x0c03, 0x30)).toBe('XHCI');
    expect(lookupProgIf(0x0108, 0x02)).toBe('NVM Express');
    expect(lookupProgIf(0x0700, 0x02)).toBe('16550');
    expect(lookupProgIf(0x0800, 0x20)).toBe('IO(X)-APIC');
    expect(lookupProgIf(0x0101, 0x8a)).toBe('ISA Compatibility mode controller, supports both channels switched to PCI native mode, supports bus mastering');
    expect(lookupProgIf(0x0101, 0x84)).toBe('Master SecO');
  });

  it('follows names.c for classes and subsystems', () => {
    expect(lookupClass(0, 0x0108)).toBe('Non-Volatile memory controller');
    expect(lookupClass(0, 0x0c81)).toBe('Serial bus controller [0c81]');
    expect(lookupClass(0, 0xab12)).toBe('Class ab12');
    expect(lookupSubsystem(0, 0x8086, 0x10c9, 0x8086, 0xa03c)).toBe('Intel Corporation Gigabit ET Dual Port Server Adapter');
    expect(lookupSubsystem(0, 0x8086, 0x3a16, 0x8086, 0x3a16)).toBe('Intel Corporation 82801JIR (ICH10R) LPC Interface Controller');
    expect(lookupSubsystem(0, 0x8086, 0x9d10, 0x17aa, 0x2238)).toBe('Lenovo Device 2238');
  });

  it('reads generic subsystem blocks and skips unknown one-letter blocks, as names-parse.c does', () => {
    const db = parsePciIds(['1234  Acme', '\t5678  Widget', '\t\t1234 0001  Widget Pro', 'S 1234', '\t0002  Acme generic board', 'X 00', '\t01  skipped', 'C 07  Communication controller', '\t00  Serial controller', '\t\t02  16550']);
    expect(db.devices.get(0x12345678)).toBe('Widget');
    expect(db.subsystems.get('1234:5678 1234:0001')).toBe('Widget Pro');
    expect(db.genericSubsystems.get(0x12340002)).toBe('Acme generic board');
    expect(db.progIfs.get(0x070002)).toBe('16550');
    expect(() => parsePciIds(['zz  broken'])).toThrow(/pci.ids entry 1: cannot read "zz {2}broken"/);
  });
});
