/**
 * Xen's boot as far as VT-d goes: the command line of each era, the DMAR table read from the
 * firmware, the units programmed through their registers, dom0's devices mapped, and what a
 * host without VT-d (or with it switched off) prints and does.
 */
import { describe, expect, it } from 'vitest';
import { bootXen, consoleText } from '../../scenarios/support/xen-host.ts';
import { dmaPteRead } from '../../../src-sim/xen/drivers/passthrough/vtd/dma-pte.ts';

const NIC = { segment: 0, bus: 2, device: 0, fn: 0 };

describe('Xen 2007 (vtd=1 era) boot', () => {
  it('reads the DMAR table, forces the old IO-APIC ack and prints what a default console shows', () => {
    const { xen } = bootXen('2007', 'vtd=1 dom0_mem=1024M');
    const lines = consoleText(xen);
    expect(lines).toContain('ACPI DMAR:dmaru->address = fed93000');
    expect(lines).toContain('ACPI DMAR:found INCLUDE_ALL');
    expect(lines).toContain(' -> Using old ACK method');
    // INFO lines need loglvl=all.
    expect(lines).not.toContain('ACPI DMAR:Host address width 35');
    expect(xen.ioapicAck.ackNew).toBe(false);
  });

  it('overrides ioapic_ack=new when it finds remapping units (fake-vector acknowledgement)', () => {
    expect(bootXen('2007', 'vtd=1 ioapic_ack=new').xen.ioapicAck.ackNew).toBe(false);
    expect(bootXen('2007', 'ioapic_ack=new').xen.ioapicAck.ackNew).toBe(true);
  });

  it('prints INFO lines too with loglvl=all', () => {
    const { xen } = bootXen('2007', 'vtd=1 loglvl=all guest_loglvl=all');
    expect(consoleText(xen)).toContain('ACPI DMAR:Host address width 35');
  });

  it('turns translation on in every unit and maps every present function to dom0 (DID 0, its 1:1 table)', () => {
    const { xen } = bootXen('2007', 'vtd=1');
    const vtd = xen.vtd!;
    expect(vtd.units.map((u) => u.hw.translating)).toEqual([true, true]);
    const ctx = vtd.unitFor(NIC)!.readContext(0x0200)!;
    expect(ctx).toMatchObject({ did: 0, aw: 1, asr: xen.dom0.iommu.pgd, tt: 0 });
    expect(xen.dom0.iommu.pdevs.some((b) => b.bus === 2 && b.device === 0)).toBe(true);
    // dom0's table is 1:1 over all machine memory: 0x12345000 → 0x12345000, read+write.
    expect(dmaPteRead(xen.world.pc.mem, xen.dom0.iommu.pgd, 3, 0x1234_5000)).toBe(0x1234_5000 + 3);
  });

  it('gives dom0 exactly dom0_mem', () => {
    const { xen } = bootXen('2007', 'vtd=1 dom0_mem=1024M');
    expect(xen.dom0.totPages).toBe(0x40000);
  });

  it('ignores options it does not know, without a word', () => {
    const { xen } = bootXen('2007', 'vtd=1 frobnicate=7 iommu=1');
    expect(xen.params.ignored).toEqual(['frobnicate=7', 'iommu=1']);
    expect(consoleText(xen).filter((l) => l.includes('frobnicate'))).toEqual(['Command line: vtd=1 frobnicate=7 iommu=1']);
  });

  it('complains about an ioapic_ack value it does not know and keeps the default', () => {
    const { xen } = bootXen('3.3', 'ioapic_ack=older');
    expect(consoleText(xen)).toContain("Unknown ioapic_ack value specified: 'older'");
    expect(xen.ioapicAck.ackNew).toBe(true);
  });

  it('leaves VT-d off without the vtd option: no DMAR lines, no translation, new ACK method', () => {
    const { xen, pc } = bootXen('2007', 'ioapic_ack=old');
    expect(xen.vtd).toBeUndefined();
    expect(consoleText(xen).some((l) => l.startsWith('ACPI DMAR'))).toBe(false);
    expect(pc.mmio.read(0xfed93000 + 0x1c, 4) & 0x80000000).toBe(0);
    expect(xen.ioapicAck.ackNew).toBe(false);
  });

  it('treats vtd=0, vtd=off and no-vtd as off, and vtd=disable as on (Xen only knows no/off/false/0)', () => {
    expect(bootXen('2007', 'vtd=0').xen.iommuEnabled).toBe(false);
    expect(bootXen('2007', 'no-vtd').xen.iommuEnabled).toBe(false);
    expect(bootXen('2007', 'vtd=disable').xen.iommuEnabled).toBe(true);
  });

  it('says "No DMAR devices found" on a host whose firmware has no DMAR table, and boots on', () => {
    const { xen } = bootXen('2007', 'vtd=1', 'laptop-gm965-no-vtd');
    expect(consoleText(xen)).toContain('ACPI DMAR:No DMAR devices found');
    expect(xen.iommuEnabled).toBe(false);
    expect(xen.dom0.state).toBe('running');
  });
});

describe('the VT-d switch of later eras', () => {
  it('3.2 still takes vtd and says VT-d has been enabled; ACK stays new', () => {
    const { xen } = bootXen('3.2', 'vtd=1');
    expect(consoleText(xen)).toContain('Intel VT-d has been enabled');
    expect(xen.ioapicAck.ackNew).toBe(true);
  });

  it('3.3 ignores vtd and needs iommu=1', () => {
    expect(consoleText(bootXen('3.3', 'vtd=1').xen)).toContain('I/O virtualisation disabled');
    expect(consoleText(bootXen('3.3', 'iommu=1').xen)).toContain('I/O virtualisation enabled');
  });

  it('3.4 reports PV guests too', () => {
    const lines = consoleText(bootXen('3.4', 'iommu=1').xen);
    expect(lines).toContain('I/O virtualisation for PV guests disabled');
    expect(consoleText(bootXen('3.4', 'iommu=1,pv').xen)).toContain('I/O virtualisation for PV guests enabled');
  });

  it('4.0 has the IOMMU on by default and off with iommu=0', () => {
    expect(bootXen('4.0', '').xen.iommuEnabled).toBe(true);
    expect(bootXen('4.0', 'iommu=0').xen.iommuEnabled).toBe(false);
  });

  it('4.0 with iommu=force panics on a host without VT-d', () => {
    expect(() => bootXen('4.0', 'iommu=force', 'laptop-gm965-no-vtd')).toThrow('IOMMU setup failed, crash Xen for security purpose!');
  });
});
