import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { MmioSpace } from '../../../src-sim/hw/bus/mmio.ts';
import { APIC_DEFAULT_BASE, APIC_EOI, APIC_MMIO_SIZE, APIC_PROCPRI, APIC_TASKPRI, LocalApic } from '../../../src-sim/hw/intc/local_apic.ts';

/** A local APIC on the MMIO bus; the EOI broadcasts it sends are recorded. */
function rig() {
  const sim = new Simulation(1);
  const lapic = new LocalApic(sim.scope('lapic0'));
  const mmio = new MmioSpace();
  mmio.map('lapic0', APIC_DEFAULT_BASE, APIC_MMIO_SIZE, lapic);
  const broadcasts: number[] = [];
  lapic.onLevelEoi = (v) => broadcasts.push(v);
  const eoi = () => mmio.write(APIC_DEFAULT_BASE + APIC_EOI, 4, 0);
  return { sim, lapic, mmio, broadcasts, eoi };
}

describe('local APIC', () => {
  it('raises INTR for an accepted vector, moves it to ISR on acknowledge, retires it on EOI', () => {
    const t = rig();
    t.lapic.accept(0xa0, true);
    expect(t.lapic.intr.level).toBe(true);
    expect(t.lapic.acknowledge()).toBe(0xa0);
    expect(t.lapic.inService(0xa0)).toBe(true);
    expect(t.lapic.intr.level).toBe(false);
    t.eoi();
    expect(t.lapic.inService(0xa0)).toBe(false);
    expect(t.broadcasts).toEqual([0xa0]);
  });

  it('broadcasts the EOI only for a level-triggered vector', () => {
    const t = rig();
    t.lapic.accept(0x30, false);
    t.lapic.acknowledge();
    t.eoi();
    expect(t.broadcasts).toEqual([]);
  });

  it('holds a vector of the same or a lower priority class while one is in service, and delivers it after the EOI', () => {
    const t = rig();
    t.lapic.accept(0xa0, true);
    t.lapic.acknowledge();
    t.lapic.accept(0x98, true);
    t.lapic.accept(0xa8, true);
    expect(t.lapic.deliverable()).toBe(-1);
    expect(t.mmio.read(APIC_DEFAULT_BASE + APIC_PROCPRI, 4)).toBe(0xa0);
    t.lapic.accept(0xb0, true);
    expect(t.lapic.acknowledge()).toBe(0xb0);
    t.eoi();
    expect(t.lapic.deliverable()).toBe(-1);
    t.eoi();
    expect(t.lapic.acknowledge()).toBe(0xa8);
  });

  it('lets the task priority hold back low classes', () => {
    const t = rig();
    t.mmio.write(APIC_DEFAULT_BASE + APIC_TASKPRI, 4, 0x50);
    t.lapic.accept(0x51, false);
    expect(t.lapic.intr.level).toBe(false);
    t.mmio.write(APIC_DEFAULT_BASE + APIC_TASKPRI, 4, 0x40);
    expect(t.lapic.intr.level).toBe(true);
  });

  it('an EOI with nothing in service changes nothing', () => {
    const t = rig();
    t.eoi();
    expect(t.broadcasts).toEqual([]);
    expect(t.sim.tracer.recent().map((r) => r.text)).toContain('lapic0 EOI with nothing in service');
  });

  it('traces a touch of a register it holds but does not act on', () => {
    const t = rig();
    t.mmio.write(APIC_DEFAULT_BASE + 0x350, 4, 0x700);
    expect(t.sim.tracer.recent().map((r) => r.text)).toContain('lapic0 access to write of 4 at 0x350 (LVT0, held but not acted on)');
  });

  it('snapshots to named registers and restores IRR, ISR and INTR', () => {
    const t = rig();
    t.lapic.accept(0xa0, true);
    t.lapic.acknowledge();
    t.lapic.accept(0x90, true);
    const s = JSON.parse(JSON.stringify(t.lapic.save()));
    expect(Object.keys(s.regs.values).sort()).toEqual(['IRR4', 'ISR5', 'TMR4', 'TMR5']);
    const u = rig();
    u.lapic.restore(s);
    expect(u.lapic.inService(0xa0)).toBe(true);
    expect(u.lapic.requested(0x90)).toBe(true);
    u.eoi();
    expect(u.lapic.intr.level).toBe(true);
    expect(u.broadcasts).toEqual([0xa0]);
  });
});
