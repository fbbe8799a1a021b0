import { describe, expect, it } from 'vitest';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { fcsValid } from '../../../src-sim/hw/net/ethernet.ts';
import { RemappedDmaPort, type DmaTranslator } from '../../../src-sim/hw/memory/dma.ts';
import { BUF_SIZE, E1000Rig, PARTNER_MAC, RX_BUFS, TX_RING } from './e1000-rig.ts';

/** A rig with TX and RX rings set up as the Linux driver leaves them after open(). */
function openRig(rxCount = 16, txCount = 16): E1000Rig {
  const rig = new E1000Rig();
  rig.resetHw();
  rig.setupTx(txCount);
  rig.setupRx(rxCount);
  rig.wr(R.IMS, R.IMS_ENABLE_MASK);
  rig.rd(R.ICR);
  return rig;
}

function arrivals(rig: E1000Rig): { t: number; len: number; bytes: Uint8Array }[] {
  const got: { t: number; len: number; bytes: Uint8Array }[] = [];
  rig.partner.onFrame = (frame, len, t) => got.push({ t, len, bytes: frame.slice(0, len) });
  return got;
}

describe('E1000 transmit', () => {
  it('sends full-size frames that reach the partner one wire slot (12.304 µs) apart', () => {
    const rig = openRig();
    const got = arrivals(rig);
    const t0 = rig.now;
    for (let i = 0; i < 3; i++) rig.post(rig.frameToPartner(1500, i));
    rig.doorbell();
    rig.run(100_000);
    // preamble+SFD 8 B + frame 1518 B at 8 ns/B, then 5 ns of cable; next frame after the 12-byte gap
    expect(got.map((g) => g.t - t0)).toEqual([12_213, 12_213 + 12_304, 12_213 + 2 * 12_304]);
    expect(got.every((g) => g.len === 1518 && fcsValid(g.bytes, g.len))).toBe(true);
    expect(got[2].bytes.subarray(0, 1514)).toEqual(rig.frameToPartner(1500, 2));
  });

  it('writes DD back, advances TDH to TDT and raises TXDW and TXQE on INTx', () => {
    const rig = openRig();
    rig.send(rig.frameToPartner(200));
    rig.send(rig.frameToPartner(200));
    expect([rig.txDone(0), rig.txDone(1)]).toEqual([true, true]);
    expect(rig.rd(R.TDH)).toBe(rig.rd(R.TDT));
    expect(rig.intx.level).toBe(true);
    const icr = rig.rd(R.ICR);
    expect(icr & (R.ICR_TXDW | R.ICR_TXQE | R.ICR_INT_ASSERTED)).toBe(R.ICR_TXDW | R.ICR_TXQE | R.ICR_INT_ASSERTED);
    expect(rig.intx.level).toBe(false);
    rig.run(10_000);
    expect(rig.partner.counters.framesReceived).toBe(2);
    expect(rig.rd(R.GPTC)).toBe(2);
    expect(rig.rd(R.GOTCL)).toBe(2 * (214 + 4));
  });

  it('pads a short frame to 64 bytes with TCTL.PSP and appends a valid FCS', () => {
    const rig = openRig();
    const got = arrivals(rig);
    rig.send(rig.frameToPartner(28)); // a 42-byte ARP-sized frame
    rig.run(10_000);
    expect(got).toHaveLength(1);
    expect(got[0].len).toBe(64);
    expect(fcsValid(got[0].bytes, 64)).toBe(true);
    expect(Array.from(got[0].bytes.subarray(42, 60))).toEqual(new Array(18).fill(0));
    expect(rig.rd(R.PTC64)).toBe(1);
  });

  it('assembles a frame from several descriptors and sends it once, at EOP', () => {
    const rig = openRig();
    const got = arrivals(rig);
    const frame = rig.frameToPartner(986);
    // header+first part in descriptor 0 (no EOP), the rest in descriptor 1 (EOP)
    rig.mem.write(0x300000, frame.subarray(0, 500));
    rig.mem.write(0x300800, frame.subarray(500));
    rig.mem.writeU64(0x20000, 0x300000);
    rig.mem.writeU32(0x20008, 500 | ((R.TXD_CMD_IFCS | R.TXD_CMD_RS) << 24));
    rig.mem.writeU64(0x20010, 0x300800);
    rig.mem.writeU32(0x20018, (frame.length - 500) | ((R.TXD_CMD_EOP | R.TXD_CMD_IFCS | R.TXD_CMD_RS) << 24));
    rig.wr(R.TDT, 2);
    rig.run(20_000);
    expect(got).toHaveLength(1);
    expect(got[0].bytes.subarray(0, 1000)).toEqual(frame);
  });

  it('holds the ring while bus mastering is off, and sends as soon as COMMAND.BME is set', () => {
    const rig = new E1000Rig({ busMaster: false });
    rig.resetHw();
    rig.setupTx(8);
    rig.send(rig.frameToPartner(100));
    rig.run(20_000);
    expect(rig.rd(R.TDH)).toBe(0);
    expect(rig.txDone(0)).toBe(false);
    expect(rig.partner.counters.framesReceived).toBe(0);
    expect(rig.sim.tracer.recent().some((r) => r.name === 'e1000.dma_blocked')).toBe(true);
    rig.setCommand(0x0006);
    rig.run(20_000);
    expect(rig.partner.counters.framesReceived).toBe(1);
    expect(rig.txDone(0)).toBe(true);
  });

  it('stops consuming descriptors when the 16 KiB TX FIFO is full and resumes at wire pace', () => {
    const rig = openRig(16, 64);
    for (let i = 0; i < 40; i++) rig.post(rig.frameToPartner(1500, i));
    rig.doorbell();
    // 16 KiB holds 10 frames of 1518 B, the 11th goes straight onto the idle wire
    expect(rig.rd(R.TDH)).toBe(11);
    rig.run(12_304 * 5);
    expect(rig.rd(R.TDH)).toBe(16);
    rig.run(1_000_000);
    expect(rig.rd(R.TDH)).toBe(40);
    expect(rig.partner.counters.framesReceived).toBe(40);
  });
});

describe('E1000 receive', () => {
  it('lands frames in the posted buffers with DD/EOP and length written back, and interrupts', () => {
    const rig = openRig();
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 2, payloadBytes: 1500 });
    rig.run(30_000);
    for (const i of [0, 1]) {
      const d = rig.rxDesc(i);
      expect(d.length).toBe(1514); // SECRC strips the FCS
      expect(d.status & (R.RXD_STA_DD | R.RXD_STA_EOP)).toBe(R.RXD_STA_DD | R.RXD_STA_EOP);
      const head = new Uint8Array(18);
      rig.mem.read(RX_BUFS + BUF_SIZE * i, head);
      expect(Array.from(head.subarray(6, 12)).map((b) => b.toString(16).padStart(2, '0')).join(':')).toBe(PARTNER_MAC);
      expect(head[17]).toBe(i); // the stream's sequence number
    }
    expect(rig.rd(R.RDH)).toBe(2);
    expect(rig.intx.level).toBe(true);
    expect(rig.rd(R.ICR) & R.ICR_RXT0).toBe(R.ICR_RXT0);
    expect(rig.rd(R.GPRC)).toBe(2);
    expect(rig.rd(R.GORCL)).toBe(2 * 1518);
  });

  it('delivers the first frame when its last bit arrives: 12.213 µs after the partner starts it', () => {
    const rig = openRig();
    let raisedAt = -1;
    rig.intx.connect((level) => {
      if (level && raisedAt < 0) raisedAt = rig.now;
    });
    const t0 = rig.now;
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 1500 });
    rig.run(30_000);
    expect(raisedAt - t0).toBe(12_213);
  });

  it('filters by address: other unicast dropped, broadcast taken with BAM, everything with UPE', () => {
    const rig = openRig();
    rig.partner.startStream({ dst: '00:11:22:33:44:55', count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.GPRC)).toBe(0);
    rig.partner.startStream({ dst: 'ff:ff:ff:ff:ff:ff', count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.BPRC)).toBe(1);
    rig.wr(R.RCTL, rig.rd(R.RCTL) | R.RCTL_UPE);
    rig.partner.startStream({ dst: '00:11:22:33:44:55', count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.GPRC)).toBe(2);
  });

  it('accepts a multicast group whose MTA hash bit is set', () => {
    const rig = openRig();
    rig.partner.startStream({ dst: '01:00:5e:00:00:fb', count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.MPRC)).toBe(0);
    // MO = 0: hash = (dst[5] << 8 | dst[4]) >> 4 = 0xfb0 → MTA[0x7d] bit 16
    rig.wr(R.MTA + 4 * 0x7d, 1 << 16);
    rig.partner.startStream({ dst: '01:00:5e:00:00:fb', count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.MPRC)).toBe(1);
  });

  it('keeps frames in the RX FIFO when the ring is exhausted (RNBC) and delivers them after RDT moves', () => {
    const rig = openRig(8);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 10, payloadBytes: 500 });
    rig.run(200_000);
    expect(rig.rd(R.RDH)).toBe(7); // 8 descriptors, one always left to software
    expect(rig.rd(R.RNBC)).toBeGreaterThan(0);
    expect(rig.rd(R.ICR) & R.ICR_RXDMT0).toBe(R.ICR_RXDMT0);
    // each RDT write lets the queued frames in at once, so one cleaning pass sees all ten
    expect(rig.cleanRx()).toBe(10);
    expect(rig.rd(R.GPRC)).toBe(10);
    expect(rig.rd(R.MPC)).toBe(0);
  });

  it('misses frames (MPC, ICR.RXO) once the 48 KiB RX packet buffer is full', () => {
    const rig = openRig(8);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 50, payloadBytes: 1500 });
    rig.run(1_000_000);
    expect(rig.rd(R.MPC)).toBe(50 - 7 - 32); // 7 in the ring, 32 × 1518 B fit in 48 KiB
    expect(rig.rd(R.ICR) & R.ICR_RXO).toBe(R.ICR_RXO);
  });

  it('splits a jumbo frame over 2 KiB buffers, EOP only on the last', () => {
    const rig = new E1000Rig();
    rig.resetHw();
    rig.setupRx(16, R.RCTL_LPE);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 5000 });
    rig.run(100_000);
    expect([0, 1, 2].map((i) => rig.rxDesc(i).length)).toEqual([2048, 2048, 5014 - 4096]);
    expect([0, 1, 2].map((i) => rig.rxDesc(i).status & R.RXD_STA_EOP)).toEqual([0, 0, R.RXD_STA_EOP]);
  });

  it('drops frames while RCTL.EN is clear', () => {
    const rig = openRig();
    rig.wr(R.RCTL, 0);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 46 });
    rig.run(5_000);
    expect(rig.rd(R.RDH)).toBe(0);
    expect(rig.sim.tracer.recent().some((r) => r.name === 'e1000.rx_drop' && r.text.includes('receiver disabled'))).toBe(true);
  });
});

describe('E1000 DMA refused by the bus', () => {
  /** A remapping unit that maps everything 1:1 except the pages listed (fault reason 5 style). */
  function rigWithHoles(holes: { page: number; write?: boolean }[]): E1000Rig {
    const unit: DmaTranslator = {
      translate: (_sid, addr, write) => (holes.some((h) => Math.floor(addr / 4096) === h.page && (h.write === undefined || h.write === write)) ? -5 : addr),
    };
    const rig = new E1000Rig({ dma: (mem) => new RemappedDmaPort(mem, unit, 0x0200) });
    rig.resetHw();
    rig.setupTx(16);
    rig.setupRx(16);
    return rig;
  }

  it('stalls the TX queue at a descriptor it cannot fetch: TDH stays, nothing reaches the wire', () => {
    const rig = rigWithHoles([{ page: TX_RING / 4096 }]);
    rig.send(rig.frameToPartner(100));
    rig.run(50_000);
    expect(rig.rd(R.TDH)).toBe(0);
    expect(rig.partner.counters.framesReceived).toBe(0);
    const faults = rig.sim.tracer.recent().filter((r) => r.name === 'e1000.dma_fault');
    expect(faults.map((r) => r.text)).toContain('e1000.0 DMA TX descriptor fetch at 0x20000: blocked');
  });

  it('writes no byte of a blocked RX buffer, yet writes the descriptor back (the write was posted)', () => {
    const rig = rigWithHoles([{ page: RX_BUFS / 4096, write: true }]);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 1, payloadBytes: 100 });
    rig.run(10_000);
    const buf = new Uint8Array(114);
    rig.mem.read(RX_BUFS, buf);
    expect(buf.every((b) => b === 0)).toBe(true);
    expect(rig.rxDesc(0).status & R.RXD_STA_DD).toBe(R.RXD_STA_DD);
    expect(rig.sim.tracer.recent().some((r) => r.name === 'e1000.dma_fault' && r.text.includes('RX buffer write'))).toBe(true);
  });

  it('holds received frames in the packet buffer while bus mastering is off', () => {
    const rig = new E1000Rig({ busMaster: false });
    rig.resetHw();
    rig.setupRx(16);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 3, payloadBytes: 100 });
    rig.run(10_000);
    expect(rig.rd(R.RDH)).toBe(0);
    expect(rig.rd(R.GPRC)).toBe(3); // received by the MAC, waiting for DMA
    rig.setCommand(0x0006);
    expect(rig.rd(R.RDH)).toBe(3);
  });
});
