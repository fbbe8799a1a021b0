import { describe, expect, it } from 'vitest';
import { IrqLine } from '../../../src-sim/hw/intc/wire.ts';

describe('interrupt wire', () => {
  it('is the OR of its pins: high while any driver asserts', () => {
    const line = new IrqLine('pirqA');
    const a = line.pin('a');
    const b = line.pin('b');
    a.set(true);
    b.set(true);
    a.set(false);
    expect(line.level).toBe(true);
    b.set(false);
    expect(line.level).toBe(false);
  });

  it('delivers every edge, in order, to every listener when a listener lowers the line synchronously', () => {
    const line = new IrqLine('gsi16');
    const dev = line.pin('nic');
    const seenByHandler: boolean[] = [];
    const seenByMonitor: boolean[] = [];
    line.connect((level) => {
      seenByHandler.push(level);
      if (level) dev.set(false); // the handler services the device at once
    });
    line.connect((level) => seenByMonitor.push(level));
    dev.set(true);
    expect(seenByHandler).toEqual([true, false]);
    expect(seenByMonitor).toEqual([true, false]);
    expect(line.level).toBe(false);
  });

  it('lets a virtual PIC behind the line count every assertion even when it is serviced at once', () => {
    const line = new IrqLine('gsi16');
    const dev = line.pin('nic');
    let serviced = 0;
    let vpicEdges = 0;
    line.connect((level) => {
      if (level) {
        serviced++;
        dev.set(false);
      }
    });
    line.connect((level) => (vpicEdges += level ? 1 : 0));
    for (let i = 0; i < 5; i++) dev.set(true);
    expect(serviced).toBe(5);
    expect(vpicEdges).toBe(5);
  });
});
