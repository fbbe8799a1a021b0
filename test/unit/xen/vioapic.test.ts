import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { RTE_DEST_LOGICAL, RTE_LEVEL, RTE_MASKED, RTE_REMOTE_IRR } from '../../../src-sim/hw/intc/io_apic.ts';
import { Vioapic } from '../../../src-sim/xen/arch/x86/hvm/vioapic.ts';
import { Vlapic } from '../../../src-sim/xen/arch/x86/hvm/vlapic.ts';

/** A domain's vIOAPIC and vLAPIC as Xen joins them, reached through the guest's addresses. */
function rig() {
  const sim = new Simulation(1);
  const vlapic = new Vlapic(sim.scope('d1.vlapic'));
  const eois: { gsi: number; masked: boolean }[] = [];
  const warnings: string[] = [];
  const vioapic = new Vioapic(sim.scope('d1.vioapic'), vlapic, { dpciEoi: (gsi, masked) => eois.push({ gsi, masked }), warn: (t) => warnings.push(t) });
  vlapic.onLevelEoi = (v) => vioapic.updateEoi(v);
  const sel = (i: number) => vioapic.write(0xfec00000, 4, i);
  const rd = (i: number) => (sel(i), vioapic.read(0xfec00010, 4) >>> 0);
  const wr = (i: number, v: number) => (sel(i), vioapic.write(0xfec00010, 4, v));
  /** Linux's entry for a PCI GSI: level, logical destination CPU 0 (LDR 1). */
  const route = (pin: number, vector: number) => {
    vlapic.write(0xfee000d0, 4, 0x01000000);
    wr(0x11 + 2 * pin, 0x01000000);
    wr(0x10 + 2 * pin, vector | RTE_LEVEL | RTE_DEST_LOGICAL | (1 << 8));
  };
  const eoi = () => vlapic.write(0xfee000b0, 4, 0);
  return { sim, vlapic, vioapic, eois, warnings, rd, wr, route, eoi };
}

describe('the virtual IO-APIC', () => {
  it('is version 0x11 with 48 pins, all masked, in a 0x100-byte window at 0xFEC00000', () => {
    const t = rig();
    expect(t.rd(0x01)).toBe(0x002f0011);
    expect(t.rd(0x10 + 2 * 47)).toBe(RTE_MASKED);
    expect(t.vioapic.claims(0xfec000ff)).toBe(true);
    expect(t.vioapic.claims(0xfec00100)).toBe(false);
  });

  it('delivers a level GSI to the vLAPIC and, while it stays asserted, again after each EOI', () => {
    const t = rig();
    t.route(28, 0xb1);
    t.vioapic.setIrq(28, true);
    expect(t.vlapic.acknowledge()).toBe(0xb1);
    expect(t.rd(0x10 + 56) & RTE_REMOTE_IRR).toBe(RTE_REMOTE_IRR);
    t.eoi();
    expect(t.eois).toEqual([{ gsi: 28, masked: false }]);
    expect(t.vlapic.acknowledge()).toBe(0xb1);
    t.vioapic.setIrq(28, false);
    t.eoi();
    expect(t.vlapic.acknowledge()).toBeUndefined();
    expect(t.rd(0x10 + 56) & RTE_REMOTE_IRR).toBe(0);
  });

  it('delivers nothing to a vLAPIC the logical destination does not name', () => {
    const t = rig();
    t.route(28, 0xb1);
    t.vlapic.write(0xfee000d0, 4, 0x02000000);
    t.vioapic.setIrq(28, true);
    expect(t.vlapic.acknowledge()).toBeUndefined();
  });

  it('tells hvm_dpci_eoi whether the entry was masked when the guest EOI’d', () => {
    const t = rig();
    t.route(28, 0xb1);
    t.vioapic.setIrq(28, true);
    t.vlapic.acknowledge();
    t.wr(0x10 + 56, t.rd(0x10 + 56) | RTE_MASKED);
    t.eoi();
    expect(t.eois).toEqual([{ gsi: 28, masked: true }]);
  });

  it('warns of an EOI for a vector no entry carries', () => {
    const t = rig();
    t.vioapic.updateEoi(0x99);
    expect(t.warnings).toEqual(["Can't find redir item for 153 EOI"]);
    expect(t.eois).toEqual([]);
  });

  it('refuses delivery modes Xen does not inject (SMI), saying so', () => {
    const t = rig();
    t.wr(0x10 + 56, 0xb1 | (2 << 8));
    t.vioapic.setIrq(28, true);
    expect(t.warnings).toEqual(['Unsupported delivery mode 2']);
  });

  it('snapshots both controllers to named fields and restores an interrupt in flight', () => {
    const t = rig();
    t.route(28, 0xb1);
    t.vioapic.setIrq(28, true);
    t.vlapic.acknowledge();
    const s = JSON.parse(JSON.stringify({ vioapic: t.vioapic.save(), vlapic: t.vlapic.save() }));
    const u = rig();
    u.vioapic.restore(s.vioapic);
    u.vlapic.restore(s.vlapic);
    expect(u.rd(0x10 + 56) & RTE_REMOTE_IRR).toBe(RTE_REMOTE_IRR);
    u.eoi();
    expect(u.eois).toEqual([{ gsi: 28, masked: false }]);
    expect(u.vlapic.acknowledge()).toBe(0xb1);
  });
});
