import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { I8259Pair } from '../../../src-sim/hw/intc/i8259.ts';
import { IoApic, RTE_LEVEL, RTE_POLARITY_LOW } from '../../../src-sim/hw/intc/io_apic.ts';
import { IrqLine } from '../../../src-sim/hw/intc/wire.ts';
import { DirectDmaPort } from '../../../src-sim/hw/memory/dma.ts';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { E1000 } from '../../../src-sim/hw/net/e1000/e1000.ts';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';

/** Two E1000s whose INTA# pins are wired to one PCI line, routed to PIC IRQ 11 in level mode. */
function sharedIrq11() {
  const sim = new Simulation(1);
  const mem = new PhysicalMemory(1 << 20);
  const line = new IrqLine('pirqA');
  const nics = [0, 1].map((n) => {
    const nic = new E1000();
    nic.plug({
      scope: sim.scope(`e1000.${n}`), dma: new DirectDmaPort(mem),
      intx: line.pin(`e1000.${n}`), busMasterEnabled: () => true,
    });
    nic.barWrite(0, R.IMS, 4, R.ICR_LSC);
    return nic;
  });
  const pic = new I8259Pair(sim.scope('i8259'));
  const out = (port: number, v: number) => pic.region(port >= 0xa0 ? 'pic2' : 'pic1').write(port & 1, 1, v);
  for (const [v, p] of [[0x11, 0x20], [0x20, 0x21], [0x04, 0x21], [0x01, 0x21], [0x11, 0xa0], [0x28, 0xa1], [0x02, 0xa1], [0x01, 0xa1]]) out(p, v);
  pic.region('elcr').write(1, 1, 0x08);
  pic.connect(11, line);
  /** e1000_intr on each device sharing the line: ICR read; "mine" if INT_ASSERTED. */
  const handler = (serviced: number[]) =>
    nics.map((nic, i) => (serviced.includes(i) ? (nic.barRead(0, R.ICR, 4) & R.ICR_INT_ASSERTED) !== 0 : false));
  const eoi = () => {
    out(0xa0, 0x20);
    out(0x20, 0x20);
  };
  const raise = (i: number) => nics[i].barWrite(0, R.ICS, 4, R.ICR_LSC);
  return { pic, line, nics, handler, eoi, raise };
}

describe('a PCI interrupt line shared by two devices', () => {
  it('is high while either device asserts, and the handler finds which one it was', () => {
    const t = sharedIrq11();
    t.raise(1);
    expect(t.line.level).toBe(true);
    expect(t.pic.acknowledge()).toBe(0x2b);
    expect(t.handler([0, 1])).toEqual([false, true]);
    t.eoi();
    expect(t.line.level).toBe(false);
    expect(t.pic.intr.level).toBe(false);
  });

  it('re-requests after EOI while the second device still holds the line', () => {
    const t = sharedIrq11();
    t.raise(0);
    t.raise(1);
    expect(t.pic.acknowledge()).toBe(0x2b);
    t.handler([0]); // only the first device's driver has run so far
    t.eoi();
    expect(t.line.level).toBe(true);
    expect(t.pic.intr.level).toBe(true);
    expect(t.pic.acknowledge()).toBe(0x2b);
    expect(t.handler([0, 1])).toEqual([false, true]);
    t.eoi();
    expect(t.pic.intr.level).toBe(false);
  });
});

describe('an E1000 on an I/O APIC pin (IO-APIC-level, as dom0 routes GSI 16)', () => {
  it('sends once, holds Remote IRR while the handler runs, and sends again only for a new cause', () => {
    const sim = new Simulation(1);
    const line = new IrqLine('gsi16');
    const nic = new E1000();
    nic.plug({
      scope: sim.scope('e1000.0'), dma: new DirectDmaPort(new PhysicalMemory(1 << 20)),
      intx: line.pin('e1000.0'), busMasterEnabled: () => true,
    });
    const ioapic = new IoApic(sim.scope('ioapic'));
    const vectors: number[] = [];
    ioapic.sink = (m) => vectors.push(m.vector);
    ioapic.connect(16, line);
    ioapic.write(0x00, 4, 0x10 + 32);
    ioapic.write(0x10, 4, 0x49 | RTE_LEVEL | RTE_POLARITY_LOW);
    nic.barWrite(0, R.IMS, 4, R.ICR_LSC);
    nic.barWrite(0, R.ICS, 4, R.ICR_LSC);
    nic.barWrite(0, R.ICS, 4, R.ICR_LSC); // a second cause while the first is pending: no new message
    expect(vectors).toEqual([0x49]);
    expect(ioapic.remoteIrr(16)).toBe(true);
    nic.barRead(0, R.ICR, 4); // e1000_intr
    ioapic.eoi(0x49);
    expect(vectors).toEqual([0x49]);
    nic.barWrite(0, R.ICS, 4, R.ICR_LSC);
    expect(vectors).toEqual([0x49, 0x49]);
  });
});
