import { describe, expect, it } from 'vitest';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { E1000Rig } from './e1000-rig.ts';

function openRig(): E1000Rig {
  const rig = new E1000Rig();
  rig.resetHw();
  rig.setupTx(64);
  rig.setupRx(256);
  return rig;
}

/**
 * A CPU that takes the NIC's interrupt 1 µs after the line rises and runs e1000_intr: read
 * ICR (which clears it and lowers the line) and clean the RX ring. Returns the assertion times.
 */
function attachIsr(rig: E1000Rig): number[] {
  const raised: number[] = [];
  const isr = rig.sim.engine.timer('cpu.isr', () => {
    rig.rd(R.ICR);
    rig.cleanRx();
  });
  rig.intx.connect((level) => {
    if (!level) return;
    raised.push(rig.now);
    isr.armIn(1_000);
  });
  return raised;
}

describe('E1000 interrupt', () => {
  it('asserts INTx while ICR & IMS is non-zero; reading ICR clears it and drops the line', () => {
    const rig = openRig();
    rig.wr(R.ICS, R.ICR_LSC);
    expect(rig.intx.level).toBe(false); // cause set, but masked
    rig.wr(R.IMS, R.ICR_LSC);
    expect(rig.intx.level).toBe(true);
    expect(rig.rd(R.ICR)).toBe((R.ICR_LSC | R.ICR_INT_ASSERTED) >>> 0);
    expect(rig.intx.level).toBe(false);
    expect(rig.rd(R.ICR)).toBe(0);
  });

  it('gates INTx with COMMAND.Interrupt Disable while ICR & IMS stays pending', () => {
    const rig = openRig();
    rig.wr(R.IMS, R.ICR_LSC);
    rig.wr(R.ICS, R.ICR_LSC);
    expect(rig.intx.level).toBe(true);
    rig.setCommand(0x0406);
    expect(rig.intx.level).toBe(false);
    rig.setCommand(0x0006);
    expect(rig.intx.level).toBe(true);
  });

  it('drops the line when IMC masks the pending cause, and raises it again when IMS unmasks it', () => {
    const rig = openRig();
    rig.wr(R.IMS, R.ICR_RXT0);
    rig.wr(R.ICS, R.ICR_RXT0);
    expect(rig.intx.level).toBe(true);
    rig.wr(R.IMC, R.ICR_RXT0);
    expect(rig.intx.level).toBe(false);
    expect(rig.rd(R.IMS)).toBe(0);
    rig.wr(R.IMS, R.ICR_RXT0);
    expect(rig.intx.level).toBe(true);
  });

  it('clears ICR bits written as 1 (W1C) and leaves the others', () => {
    const rig = openRig();
    rig.wr(R.ICS, R.ICR_RXT0 | R.ICR_TXDW);
    rig.wr(R.ICR, R.ICR_TXDW);
    expect(rig.rd(R.ICR)).toBe(R.ICR_RXT0);
  });

  it('spaces interrupts at least ITR × 256 ns apart under a steady receive load', () => {
    const rig = openRig();
    const raised = attachIsr(rig);
    rig.wr(R.ITR, 488); // 8000 interrupts/s: 124.928 µs
    rig.wr(R.IMS, R.IMS_ENABLE_MASK);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 400, payloadBytes: 100, framesPerSecond: 200_000 });
    rig.run(2_000_000);
    expect(rig.partner.streamSent).toBe(0); // finished
    expect(rig.rd(R.GPRC)).toBe(400);
    const gaps = raised.slice(1).map((t, i) => t - raised[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(488 * 256);
    // 400 frames over 2 ms at ≤ 8000/s: about 16 interrupts instead of 400
    expect(raised.length).toBeGreaterThanOrEqual(15);
    expect(raised.length).toBeLessThanOrEqual(17);
  });

  it('without ITR interrupts once per frame when the CPU keeps up', () => {
    const rig = openRig();
    const raised = attachIsr(rig);
    rig.wr(R.IMS, R.IMS_ENABLE_MASK);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 20, payloadBytes: 100, framesPerSecond: 100_000 });
    rig.run(1_000_000);
    expect(raised).toHaveLength(20);
  });

  it('delays RXT0 by RDTR (1.024 µs units) after the last frame, and FPD flushes it at once', () => {
    const rig = openRig();
    const raised = attachIsr(rig);
    rig.wr(R.RDTR, 10);
    rig.wr(R.IMS, R.ICR_RXT0);
    const t0 = rig.now;
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 46 });
    rig.run(100_000);
    // 64-byte frame arrives at (8 + 64) × 8 + 5 = 581 ns; RXT0 10 × 1024 ns later
    expect(raised.map((t) => t - t0)).toEqual([581 + 10_240]);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 46 });
    rig.run(1_000);
    const tFlush = rig.now;
    rig.wr(R.RDTR, 10 | R.RDTR_FPD);
    expect(raised.at(-1)).toBe(tFlush);
    expect(rig.rd(R.RDTR)).toBe(10);
  });

  it('defers TXDW for descriptors with IDE by TIDV', () => {
    const rig = openRig();
    const raised = attachIsr(rig);
    rig.wr(R.TIDV, 8);
    rig.wr(R.IMS, R.ICR_TXDW);
    const t0 = rig.now;
    rig.post(rig.frameToPartner(100), R.TXD_CMD_IDE);
    rig.doorbell();
    rig.run(50_000);
    expect(raised.map((t) => t - t0)).toEqual([8 * 1024]);
  });

  it('auto-masks IAM bits on an ICR read when CTRL_EXT.IAME is set (82571)', () => {
    const rig = openRig();
    rig.wr(R.IAM, R.ICR_RXT0);
    rig.wr(R.CTRL_EXT, rig.rd(R.CTRL_EXT) | R.CTRL_EXT_IAME);
    rig.wr(R.IMS, R.ICR_RXT0 | R.ICR_LSC);
    rig.wr(R.ICS, R.ICR_RXT0);
    rig.rd(R.ICR);
    expect(rig.rd(R.IMS)).toBe(R.ICR_LSC);
  });

  it('counts asserted interrupts in IAC', () => {
    const rig = openRig();
    rig.wr(R.IMS, R.ICR_LSC);
    for (let i = 0; i < 3; i++) {
      rig.wr(R.ICS, R.ICR_LSC);
      rig.rd(R.ICR);
    }
    expect(rig.rd(R.IAC)).toBe(3);
  });

  it('raises LSC when the cable is pulled, and STATUS.LU follows', () => {
    const rig = openRig();
    rig.wr(R.IMS, R.ICR_LSC);
    rig.wire.setCarrier(false);
    expect(rig.intx.level).toBe(true);
    expect(rig.rd(R.STATUS) & R.STATUS_LU).toBe(0);
    rig.wire.setCarrier(true);
    expect(rig.rd(R.STATUS) & R.STATUS_LU).toBe(R.STATUS_LU);
  });
});
