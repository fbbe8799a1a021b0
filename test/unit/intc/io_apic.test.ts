import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { MmioSpace } from '../../../src-sim/hw/bus/mmio.ts';
import { IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, IoApic, RTE_LEVEL, RTE_MASKED, RTE_POLARITY_LOW, RTE_REMOTE_IRR, type ApicMessage, type IoApicVersion } from '../../../src-sim/hw/intc/io_apic.ts';
import { IrqLine } from '../../../src-sim/hw/intc/wire.ts';

/** An I/O APIC at 0xFEC00000 on the MMIO bus; the CPU side records every message. */
function rig(version: IoApicVersion = 0x20) {
  const sim = new Simulation(1);
  const ioapic = new IoApic(sim.scope('ioapic0'), { version, apicId: 2 });
  const mmio = new MmioSpace();
  mmio.map('ioapic0', IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, ioapic);
  const got: ApicMessage[] = [];
  ioapic.sink = (m) => got.push(m);
  const sel = (i: number) => mmio.write(IOAPIC_DEFAULT_BASE, 4, i);
  const rd = (i: number) => (sel(i), mmio.read(IOAPIC_DEFAULT_BASE + 0x10, 4));
  const wr = (i: number, v: number) => (sel(i), mmio.write(IOAPIC_DEFAULT_BASE + 0x10, 4, v));
  /** Programs pin n as Linux does for a PCI INTx: level, active low, vector, CPU 0. */
  const routePci = (pin: number, vector: number) => {
    wr(0x11 + 2 * pin, 0);
    wr(0x10 + 2 * pin, vector | RTE_LEVEL | RTE_POLARITY_LOW);
  };
  const eoiRegister = (vector: number) => mmio.write(IOAPIC_DEFAULT_BASE + 0x40, 4, vector);
  return { sim, ioapic, got, rd, wr, routePci, eoiRegister };
}

describe('I/O APIC', () => {
  it('identifies itself: ID from the strap, version 0x20 with 24 entries, all masked at reset', () => {
    const t = rig();
    expect(t.rd(0x00)).toBe(0x02000000);
    expect(t.rd(0x01)).toBe(0x00170020);
    expect(t.rd(0x02)).toBe(0x02000000);
    for (let pin = 0; pin < 24; pin++) expect(t.rd(0x10 + 2 * pin)).toBe(RTE_MASKED);
    t.wr(0x00, 0x0f000000);
    expect(t.rd(0x00)).toBe(0x0f000000);
  });

  it('does not let software set Remote IRR or delivery status', () => {
    const t = rig();
    t.wr(0x10, 0xffffffff);
    expect(t.rd(0x10)).toBe(0x0001afff);
  });

  it('sends one message per level assertion and holds Remote IRR until the EOI broadcast', () => {
    const t = rig();
    const line = new IrqLine('gsi16');
    t.ioapic.connect(16, line);
    t.routePci(16, 0x49);
    const nic = line.pin('nic');
    nic.set(true);
    expect(t.got.map((m) => [m.pin, m.vector, m.level])).toEqual([[16, 0x49, true]]);
    expect(t.rd(0x10 + 32) & RTE_REMOTE_IRR).toBe(RTE_REMOTE_IRR);
    t.ioapic.eoi(0x49); // the handler EOIs before the device was serviced: line still high
    expect(t.got).toHaveLength(2);
    nic.set(false);
    t.ioapic.eoi(0x49);
    expect(t.got).toHaveLength(2);
    expect(t.ioapic.remoteIrr(16)).toBe(false);
  });

  it('clears Remote IRR through the EOI register of a version 0x20 part', () => {
    const t = rig();
    const line = new IrqLine('gsi17');
    t.ioapic.connect(17, line);
    t.routePci(17, 0x51);
    line.pin('nic').set(true);
    t.eoiRegister(0x50); // another vector: nothing
    expect(t.ioapic.remoteIrr(17)).toBe(true);
    t.eoiRegister(0x51);
    expect(t.got).toHaveLength(2); // still high: delivered again
    expect(t.sim.tracer.recent().filter((r) => r.name === 'ioapic.eoi').map((r) => r.text)).toContain('ioapic0 EOI vector 0x51 (EOI register): Remote IRR cleared on 17');
  });

  it('has no EOI register on an 82093AA (version 0x11); switching to edge clears Remote IRR instead', () => {
    const t = rig(0x11);
    expect(t.rd(0x01)).toBe(0x00170011);
    const line = new IrqLine('gsi18');
    t.ioapic.connect(18, line);
    t.routePci(18, 0x59);
    line.pin('nic').set(true);
    t.eoiRegister(0x59);
    expect(t.ioapic.remoteIrr(18)).toBe(true);
    t.wr(0x10 + 36, 0x59 | RTE_MASKED); // edge + masked, as Linux's ack_ioapic_quirk does
    expect(t.ioapic.remoteIrr(18)).toBe(false);
  });

  it('holds a masked level request and delivers it when unmasked; a masked edge is lost', () => {
    const t = rig();
    const level = new IrqLine('gsi19');
    const edge = new IrqLine('gsi4');
    t.ioapic.connect(19, level);
    t.ioapic.connect(4, edge);
    t.wr(0x10 + 38, 0x61 | RTE_LEVEL | RTE_MASKED);
    t.wr(0x10 + 8, 0x34 | RTE_MASKED);
    level.pin('nic').set(true);
    edge.pin('uart').pulse();
    expect(t.got).toHaveLength(0);
    t.wr(0x10 + 38, 0x61 | RTE_LEVEL);
    t.wr(0x10 + 8, 0x34);
    expect(t.got.map((m) => m.vector)).toEqual([0x61]);
    edge.pin('uart').pulse();
    expect(t.got.map((m) => [m.vector, m.level])).toEqual([[0x61, true], [0x34, false]]);
  });

  it('carries destination, delivery and destination modes in the message', () => {
    const t = rig();
    t.wr(0x11, 0x03000000);
    t.wr(0x10, 0x30 | (1 << 8) | (1 << 11));
    t.ioapic.setIrq(0, true);
    expect(t.got[0]).toEqual({ pin: 0, vector: 0x30, deliveryMode: 1, logical: true, dest: 3, level: false });
  });

  it('serves a line shared by two devices until both have deasserted', () => {
    const t = rig();
    const line = new IrqLine('gsi16');
    t.ioapic.connect(16, line);
    t.routePci(16, 0x49);
    const nic = line.pin('e1000');
    const usb = line.pin('uhci');
    nic.set(true);
    usb.set(true);
    expect(t.got).toHaveLength(1); // one message: Remote IRR blocks the second assertion
    nic.set(false); // the first handler serviced the NIC
    t.ioapic.eoi(0x49);
    expect(t.got).toHaveLength(2); // the USB controller still holds the line
    usb.set(false);
    t.ioapic.eoi(0x49);
    expect(t.got).toHaveLength(2);
    expect(line.level).toBe(false);
  });

  it('restores redirection entries, Remote IRR and input levels from a snapshot', () => {
    const t = rig();
    const line = new IrqLine('gsi16');
    t.ioapic.connect(16, line);
    t.routePci(16, 0x49);
    line.pin('nic').set(true);
    const snap = JSON.parse(JSON.stringify(t.ioapic.save()));
    const u = rig();
    u.ioapic.restore(snap);
    expect(u.ioapic.remoteIrr(16)).toBe(true);
    u.ioapic.eoi(0x49);
    expect(u.got.map((m) => m.vector)).toEqual([0x49]); // the line was high in the snapshot
  });

  it('reports an access to an index it does not implement', () => {
    const t = rig();
    expect(t.rd(0x50)).toBe(0);
    expect(t.sim.tracer.recent().some((r) => r.name === 'ioapic.unassigned')).toBe(true);
  });
});
