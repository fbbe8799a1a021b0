import { describe, expect, it } from 'vitest';
import * as R from '../../../src-sim/hw/net/e1000/e1000x_regs.ts';
import { E1000_BAR_IO } from '../../../src-sim/hw/net/e1000/e1000_pci.ts';
import { E1000 } from '../../../src-sim/hw/net/e1000/e1000.ts';
import { E1000Rig } from './e1000-rig.ts';

describe('E1000 identity and EEPROM', () => {
  it('declares an 82572EI PRO/1000 PT Desktop with 128 KiB CSR, flash and 32-byte I/O BARs', () => {
    const c = new E1000().config;
    expect([c.vendorId, c.deviceId, c.subsystemVendorId, c.subsystemId, c.classCode]).toEqual([0x8086, 0x10b9, 0x8086, 0x1083, 0x020000]);
    expect(c.bars.map((b) => [b.index, b.kind, b.size])).toEqual([[0, 'mem32', 0x20000], [1, 'mem32', 0x20000], [2, 'io', 32]]);
    expect(c.capabilities.map((k) => [k.id, k.offset])).toEqual([[0x01, 0xc8], [0x05, 0xd0], [0x10, 0xe0]]);
    for (const k of c.capabilities) {
      if (k.writable) expect(k.writable.length).toBe(k.body.length);
      if (k.w1c) expect(k.w1c.length).toBe(k.body.length);
    }
  });

  it('declares AER at 0x100, and a serial number from the profile MAC at 0x140', () => {
    expect(new E1000().config.extendedCapabilities?.map((k) => k.offset)).toEqual([0x100]);
    const c = new E1000({ mac: '00:1b:21:2b:46:e0' }).config;
    const dsn = c.extendedCapabilities?.find((k) => k.id === 0x0003);
    expect(dsn?.offset).toBe(0x140);
    expect(dsn?.body).toEqual([0xe0, 0x46, 0x2b, 0xff, 0xff, 0x21, 0x1b, 0x00]); // as the real 82576 dump
    for (const k of c.extendedCapabilities ?? []) {
      if (k.writable) expect(k.writable.length).toBe(k.body.length);
      if (k.w1c) expect(k.w1c.length).toBe(k.body.length);
    }
  });

  it('gives the MAC through EERD, and the EEPROM words sum to 0xBABA', () => {
    const rig = new E1000Rig();
    rig.resetHw();
    const mac = rig.readMac();
    expect(mac).toBe(rig.nic.macAddress);
    expect(mac.startsWith('00:15:17:')).toBe(true);
    let sum = 0;
    for (let w = 0; w < 64; w++) sum = (sum + rig.eepromWord(w)) & 0xffff;
    expect(sum).toBe(0xbaba);
    expect(rig.eepromWord(0x0d)).toBe(0x10b9);
  });

  it('draws the same MAC from the same seed, another from another seed, and takes a profile MAC as given', () => {
    expect(new E1000Rig({ seed: 5 }).nic.macAddress).toBe(new E1000Rig({ seed: 5 }).nic.macAddress);
    expect(new E1000Rig({ seed: 5 }).nic.macAddress).not.toBe(new E1000Rig({ seed: 6 }).nic.macAddress);
    const rig = new E1000Rig({ mac: '00:1b:21:2b:46:e0' });
    expect(rig.readMac()).toBe('00:1b:21:2b:46:e0');
    expect(rig.rd(R.RA + 4)).toBe(0x8000e046);
  });
});

describe('E1000 register file', () => {
  it('reads STATUS as link up at 1000 Mb/s full duplex with GIO master enabled', () => {
    const rig = new E1000Rig();
    expect(rig.rd(R.STATUS) & 0xc3).toBe(R.STATUS_LU | R.STATUS_FD | R.STATUS_SPEED_1000);
    expect(rig.rd(R.STATUS) & R.STATUS_GIO_MASTER_ENABLE).not.toBe(0);
    rig.wr(R.CTRL, rig.rd(R.CTRL) | R.CTRL_GIO_MASTER_DISABLE);
    expect(rig.rd(R.STATUS) & R.STATUS_GIO_MASTER_ENABLE).toBe(0);
  });

  it('keeps read-only STATUS and masks RDLEN to multiples of 128', () => {
    const rig = new E1000Rig();
    const status = rig.rd(R.STATUS);
    rig.wr(R.STATUS, 0);
    expect(rig.rd(R.STATUS)).toBe(status);
    rig.wr(R.RDLEN, 0x12345);
    expect(rig.rd(R.RDLEN)).toBe(0x12300);
  });

  it('self-clears CTRL.RST and returns the ring and interrupt registers to reset values', () => {
    const rig = new E1000Rig();
    rig.wr(R.IMS, 0x9d);
    rig.wr(R.RDLEN, 4096);
    rig.wr(R.CTRL, rig.rd(R.CTRL) | R.CTRL_RST);
    expect(rig.rd(R.CTRL) & R.CTRL_RST).toBe(0);
    expect([rig.rd(R.IMS), rig.rd(R.RDLEN), rig.rd(R.RCTL)]).toEqual([0, 0, 0]);
    expect(rig.rd(R.RA + 4) & R.RAH_AV).not.toBe(0);
  });

  it('reports an access to an unassigned offset in a trace and reads it as 0', () => {
    const rig = new E1000Rig();
    rig.wr(0x1f000, 0xdeadbeef);
    expect(rig.rd(0x1f000)).toBe(0);
    const recs = rig.sim.tracer.recent().filter((r) => r.name === 'e1000.reg_access');
    expect(recs.map((r) => r.text)).toEqual(['e1000.0 write 4 at 0x1f000: unassigned is unimplemented', 'e1000.0 read 4 at 0x1f000: unassigned is unimplemented']);
  });

  it('reads the PHY identity over MDIC (IGP01E1000 at address 1) and flags other addresses', () => {
    const rig = new E1000Rig();
    const mdicRead = (phy: number, reg: number) => {
      rig.wr(R.MDIC, R.MDIC_OP_READ | (phy << R.MDIC_PHY_SHIFT) | (reg << R.MDIC_REG_SHIFT));
      return rig.rd(R.MDIC);
    };
    const id1 = mdicRead(1, 2);
    const id2 = mdicRead(1, 3);
    expect(id1 & R.MDIC_READY).not.toBe(0);
    expect(((id1 & 0xffff) << 16) | (id2 & 0xffff)).toBe(0x02a80380);
    expect(mdicRead(1, 1) & 0x0004).toBe(0x0004); // link status
    expect(mdicRead(2, 1) & R.MDIC_ERROR).not.toBe(0);
  });

  it('reaches any CSR through the I/O BAR: IOADDR selects, IODATA reads and writes', () => {
    const rig = new E1000Rig();
    rig.nic.barWrite(E1000_BAR_IO, R.IOADDR, 4, R.STATUS);
    expect(rig.nic.barRead(E1000_BAR_IO, R.IOADDR, 4)).toBe(R.STATUS);
    expect(rig.nic.barRead(E1000_BAR_IO, R.IODATA, 4)).toBe(rig.rd(R.STATUS));
    rig.nic.barWrite(E1000_BAR_IO, R.IOADDR, 4, R.IMS);
    rig.nic.barWrite(E1000_BAR_IO, R.IODATA, 4, R.ICR_RXT0);
    expect(rig.rd(R.IMS)).toBe(R.ICR_RXT0);
  });

  it('clears statistics on read; reading the high octet dword clears the whole counter', () => {
    const rig = new E1000Rig();
    rig.setupTx(8);
    rig.send(rig.frameToPartner(100));
    expect(rig.rd(R.GPTC)).toBe(1);
    expect(rig.rd(R.GPTC)).toBe(0);
    expect(rig.rd(R.TPT)).toBe(1);
    expect(rig.rd(R.GOTCH)).toBe(0);
    expect(rig.rd(R.GOTCL)).toBe(0); // cleared by the high read
  });
});

describe('64-bit octet counters', () => {
  it('clear both halves when the high dword is read, and not when only the low one is', () => {
    const rig = new E1000Rig();
    rig.resetHw();
    rig.setupRx(8);
    rig.partner.startStream({ dst: rig.nic.macAddress, count: 2, payloadBytes: 100 });
    rig.run(50_000);
    const GORCL = 0x4088;
    const GORCH = 0x408c;
    const low = rig.rd(GORCL);
    expect(low).toBe(2 * (14 + 100 + 4));
    expect(rig.rd(GORCL)).toBe(low);
    expect(rig.rd(GORCH)).toBe(0);
    expect(rig.rd(GORCL)).toBe(0);
  });
});
