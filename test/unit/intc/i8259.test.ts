import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { IoPortSpace } from '../../../src-sim/hw/bus/ioport.ts';
import { I8259_PORTS, I8259Pair } from '../../../src-sim/hw/intc/i8259.ts';
import { IrqLine } from '../../../src-sim/hw/intc/wire.ts';

/** A PC's PIC pair on the I/O port bus, initialised the way Linux 2.6 init_8259A() does. */
function linuxPic() {
  const sim = new Simulation(1);
  const pic = new I8259Pair(sim.scope('i8259'));
  const io = new IoPortSpace();
  for (const r of I8259_PORTS) io.map(r.region, r.base, r.length, pic.region(r.region));
  const out = (port: number, v: number) => io.write(port, 1, v);
  const inb = (port: number) => io.read(port, 1);
  out(0x21, 0xff);
  out(0xa1, 0xff);
  for (const [v, p] of [[0x11, 0x20], [0x20, 0x21], [0x04, 0x21], [0x01, 0x21], [0x11, 0xa0], [0x28, 0xa1], [0x02, 0xa1], [0x01, 0xa1]]) out(p, v);
  out(0x21, 0x00);
  out(0xa1, 0x00);
  return { sim, pic, out, inb };
}

const EOI = 0x20;
const readIsr = (t: ReturnType<typeof linuxPic>, port: number) => {
  t.out(port, 0x0b);
  return t.inb(port);
};
const readIrr = (t: ReturnType<typeof linuxPic>, port: number) => {
  t.out(port, 0x0a);
  return t.inb(port);
};

describe('8259A pair', () => {
  it('is initialised by ICW1–ICW4 to vectors 0x20–0x2F and reads back IMR on the data port', () => {
    const t = linuxPic();
    t.out(0x21, 0xfb);
    expect(t.inb(0x21)).toBe(0xfb);
    t.out(0x21, 0x00);
    t.pic.setIrq(1, true);
    expect(t.pic.acknowledge()).toBe(0x21);
    t.pic.setIrq(12, true);
    t.out(0x20, EOI);
    expect(t.pic.acknowledge()).toBe(0x2c);
  });

  it('raises INT to the CPU for an unmasked request and not for a masked one', () => {
    const t = linuxPic();
    t.out(0x21, 0x08);
    t.pic.setIrq(3, true);
    expect(t.pic.intr.level).toBe(false);
    expect(readIrr(t, 0x20) & 0x08).toBe(0x08);
    t.out(0x21, 0x00);
    expect(t.pic.intr.level).toBe(true);
  });

  it('nests priorities: a higher IRQ preempts a lower one in service, a lower one waits for its EOI', () => {
    const t = linuxPic();
    t.pic.setIrq(5, true);
    expect(t.pic.acknowledge()).toBe(0x25);
    t.pic.setIrq(6, true);
    expect(t.pic.intr.level).toBe(false); // IR6 below IR5 in service
    t.pic.setIrq(3, true);
    expect(t.pic.intr.level).toBe(true);
    expect(t.pic.acknowledge()).toBe(0x23);
    expect(readIsr(t, 0x20)).toBe(0x28);
    t.out(0x20, EOI); // non-specific: the highest in service (IR3)
    expect(readIsr(t, 0x20)).toBe(0x20);
    expect(t.pic.intr.level).toBe(false); // IR6 still below IR5
    t.out(0x20, 0x60 | 5); // specific EOI for IR5
    expect(t.pic.intr.level).toBe(true);
    expect(t.pic.acknowledge()).toBe(0x26);
  });

  it('needs two EOIs for a slave IRQ: slave first, then master IR2', () => {
    const t = linuxPic();
    t.pic.setIrq(11, true);
    expect(t.pic.acknowledge()).toBe(0x2b);
    expect(readIsr(t, 0xa0)).toBe(0x08);
    expect(readIsr(t, 0x20)).toBe(0x04);
    t.pic.setIrq(11, false);
    t.pic.setIrq(11, true); // another edge while in service
    expect(t.pic.intr.level).toBe(false);
    t.out(0xa0, EOI);
    expect(t.pic.intr.level).toBe(false); // master IR2 still in service
    t.out(0x20, EOI);
    expect(t.pic.intr.level).toBe(true);
    expect(t.pic.acknowledge()).toBe(0x2b);
  });

  it('re-requests a level-triggered (ELCR) line that is still high after EOI, but not an edge one', () => {
    const t = linuxPic();
    t.out(0x4d1, 0x08); // IRQ 11 level
    expect(t.inb(0x4d1)).toBe(0x08);
    t.pic.setIrq(11, true);
    expect(t.pic.acknowledge()).toBe(0x2b);
    t.out(0xa0, EOI);
    t.out(0x20, EOI);
    expect(t.pic.intr.level).toBe(true); // the device has not been serviced yet
    expect(t.pic.acknowledge()).toBe(0x2b);
    t.pic.setIrq(11, false); // driver read ICR
    t.out(0xa0, EOI);
    t.out(0x20, EOI);
    expect(t.pic.intr.level).toBe(false);

    t.pic.setIrq(4, true); // edge line held high
    expect(t.pic.acknowledge()).toBe(0x24);
    t.out(0x20, EOI);
    expect(t.pic.intr.level).toBe(false);
  });

  it('keeps IRQ 0, 1, 2, 8 and 13 edge-triggered whatever is written to ELCR', () => {
    const t = linuxPic();
    t.out(0x4d0, 0xff);
    t.out(0x4d1, 0xff);
    expect([t.inb(0x4d0), t.inb(0x4d1)]).toEqual([0xf8, 0xde]);
  });

  it('answers a vanished level request with spurious IRQ 7 and leaves ISR clear', () => {
    const t = linuxPic();
    t.out(0x4d0, 0x20);
    t.pic.setIrq(5, true);
    expect(t.pic.intr.level).toBe(true);
    t.pic.setIrq(5, false); // shared line deasserted before INTA
    expect(t.pic.acknowledge()).toBe(0x27);
    expect(readIsr(t, 0x20)).toBe(0);
    expect(t.sim.tracer.recent().some((r) => r.name === 'i8259.spurious')).toBe(true);
  });

  it('answers a vanished slave request with spurious IRQ 15; the master IR2 needs its EOI', () => {
    const t = linuxPic();
    t.out(0x4d1, 0x04); // IRQ 10 level
    t.pic.setIrq(10, true);
    t.pic.setIrq(10, false);
    t.pic.setIrq(10, true);
    t.pic.setIrq(10, false);
    // the master latched the slave's edge on IR2 before the slave's request vanished
    expect(t.pic.acknowledge()).toBe(0x2f);
    expect(readIsr(t, 0x20)).toBe(0x04);
    expect(readIsr(t, 0xa0)).toBe(0x00);
  });

  it('rotates priority on EOI and by the set-priority command', () => {
    const t = linuxPic();
    t.pic.setIrq(1, true);
    t.pic.acknowledge();
    t.out(0x20, 0xa0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
    t.pic.setIrq(0, true);
    t.pic.setIrq(3, true);
    expect(t.pic.acknowledge()).toBe(0x23);
    t.out(0x20, 0xc0 | 4); // set priority: IR4 lowest → IR5 highest … IR3, IR4
    t.out(0x20, 0x60 | 3);
    expect(t.pic.acknowledge()).toBe(0x20);
  });

  it('acknowledges through poll mode (OCW3.P) with bit 7 and the level', () => {
    const t = linuxPic();
    t.pic.setIrq(6, true);
    t.out(0x20, 0x0c);
    expect(t.inb(0x20)).toBe(0x86);
    expect(readIsr(t, 0x20)).toBe(0x40);
    t.out(0x20, 0x0c);
    expect(t.inb(0x20)).toBe(0x00);
  });

  it('clears ISR itself in auto-EOI mode', () => {
    const t = linuxPic();
    for (const [v, p] of [[0x11, 0x20], [0x20, 0x21], [0x04, 0x21], [0x03, 0x21]]) t.out(p, v);
    t.pic.setIrq(4, true);
    expect(t.pic.acknowledge()).toBe(0x24);
    expect(readIsr(t, 0x20)).toBe(0);
  });

  it('follows a wire: a pulsed ISA line latches, and a snapshot restores the pending request', () => {
    const t = linuxPic();
    const line = new IrqLine('irq4');
    t.pic.connect(4, line);
    line.pin('uart').pulse();
    const snap = JSON.parse(JSON.stringify(t.pic.save()));
    const u = linuxPic();
    u.pic.restore(snap);
    expect(u.pic.intr.level).toBe(true);
    expect(u.pic.acknowledge()).toBe(0x24);
    expect(u.pic.save().master).toEqual({ ...snap.master, irr: 0, isr: 0x10 });
  });
});
