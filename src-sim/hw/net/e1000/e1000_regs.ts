/**
 * The 82571EB/82572EI CSR file as data (QEMU hw/net/e1000.c `mac_reg_init[]` +
 * `macreg_readops[]`/`macreg_writeops[]`, Linux e1000e regs.h/defines.h, Intel 8257x datasheet
 * via devices.md §2.1/§2.8). One row per register: reset value, writable bits, read-to-clear and
 * write-only, and fidelity. A row with a side effect names its hook (`onWrite`, `afterRead`),
 * QEMU's macreg_writeops[]/macreg_readops[] as data; e1000.ts supplies the functions. Everything
 * else simply holds what the driver wrote. ITR has no hook: the interrupt path reads it when it
 * opens a mitigation window. The 64-bit octet counters clear as a pair through `readClearAlso`.
 *
 * Reset values the datasheet leaves to the EEPROM or the link (CTRL, STATUS, EECD) are the values
 * a copper 82572EI shows after power-on with a 1000 Mb/s full-duplex partner (unverified exact).
 */
import type { RegisterDef } from '../../regs/register-file.ts';
import * as R from './e1000x_regs.ts';

const ALL = 0xffffffff;

function rw(name: string, offset: number, writable = ALL, reset = 0): RegisterDef {
  return { name, offset, size: 4, reset, writable };
}

/** A register the model stores but does not act on (the driver may program it; nothing follows). */
function held(name: string, offset: number, writable = ALL, reset = 0): RegisterDef {
  return { name, offset, size: 4, reset, writable, fidelity: 'partial' };
}

/**
 * A statistics counter: read-only, clears on read. The 64-bit octet counters (GORC, GOTC, TOR,
 * TOT) are a low and a high dword: reading the high one clears both (the manual's order is
 * low, then high), reading the low one alone clears nothing.
 */
function stat(name: string, offset: number, counted: boolean): RegisterDef {
  const fidelity = counted ? 'full' : 'partial';
  if (/^(GORC|GOTC|TOR|TOT)L$/.test(name)) return { name, offset, size: 4, fidelity };
  if (/^(GORC|GOTC|TOR|TOT)H$/.test(name)) return { name, offset, size: 4, readClear: true, readClearAlso: name.slice(0, -1) + 'L', fidelity };
  return { name, offset, size: 4, readClear: true, fidelity };
}

/**
 * Statistics block 0x4000–0x4124. Counters this model updates, or that are 0 by construction on
 * a full-duplex link without flow control (collisions, XON/XOFF, carrier extension), are 'full';
 * the rest (management, interrupt-cause counters of 82571) read 0 and are marked 'partial'.
 */
const STATS: readonly [string, number, boolean][] = [
  ['CRCERRS', 0x4000, true], ['ALGNERRC', 0x4004, true], ['SYMERRS', 0x4008, true], ['RXERRC', 0x400c, true],
  ['MPC', 0x4010, true], ['SCC', 0x4014, true], ['ECOL', 0x4018, true], ['MCC', 0x401c, true],
  ['LATECOL', 0x4020, true], ['COLC', 0x4028, true], ['DC', 0x4030, true], ['TNCRS', 0x4034, true],
  ['SEC', 0x4038, true], ['CEXTERR', 0x403c, true], ['RLEC', 0x4040, true], ['XONRXC', 0x4048, true],
  ['XONTXC', 0x404c, true], ['XOFFRXC', 0x4050, true], ['XOFFTXC', 0x4054, true], ['FCRUC', 0x4058, true],
  ['PRC64', 0x405c, true], ['PRC127', 0x4060, true], ['PRC255', 0x4064, true], ['PRC511', 0x4068, true],
  ['PRC1023', 0x406c, true], ['PRC1522', 0x4070, true], ['GPRC', 0x4074, true], ['BPRC', 0x4078, true],
  ['MPRC', 0x407c, true], ['GPTC', 0x4080, true], ['GORCL', 0x4088, true], ['GORCH', 0x408c, true],
  ['GOTCL', 0x4090, true], ['GOTCH', 0x4094, true], ['RNBC', 0x40a0, true], ['RUC', 0x40a4, true],
  ['RFC', 0x40a8, true], ['ROC', 0x40ac, true], ['RJC', 0x40b0, true], ['MGTPRC', 0x40b4, false],
  ['MGTPDC', 0x40b8, false], ['MGTPTC', 0x40bc, false], ['TORL', 0x40c0, true], ['TORH', 0x40c4, true],
  ['TOTL', 0x40c8, true], ['TOTH', 0x40cc, true], ['TPR', 0x40d0, true], ['TPT', 0x40d4, true],
  ['PTC64', 0x40d8, true], ['PTC127', 0x40dc, true], ['PTC255', 0x40e0, true], ['PTC511', 0x40e4, true],
  ['PTC1023', 0x40e8, true], ['PTC1522', 0x40ec, true], ['MPTC', 0x40f0, true], ['BPTC', 0x40f4, true],
  ['TSCTC', 0x40f8, true], ['TSCTFC', 0x40fc, true], ['IAC', 0x4100, true], ['ICRXPTC', 0x4104, false],
  ['ICRXATC', 0x4108, false], ['ICTXPTC', 0x410c, false], ['ICTXATC', 0x4110, false], ['ICTXQEC', 0x4118, false],
  ['ICTXQMTC', 0x411c, false], ['ICRXDMTC', 0x4120, false], ['ICRXOC', 0x4124, false],
];

function arrayOf(prefix: string, base: number, count: number, fidelity: 'full' | 'partial'): RegisterDef[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, offset: base + 4 * i, size: 4 as const, writable: ALL, fidelity }));
}

function receiveAddresses(): RegisterDef[] {
  const out: RegisterDef[] = [];
  for (let n = 0; n < 16; n++) {
    out.push({ name: `RAL${n}`, offset: R.RA + 8 * n, size: 4, writable: ALL });
    // AV (bit 31), ASEL (17:16), address bytes 5:4 (15:0); RAL0/RAH0 are reloaded from the EEPROM.
    out.push({ name: `RAH${n}`, offset: R.RA + 8 * n + 4, size: 4, writable: 0x8003ffff });
  }
  return out;
}

/** The 82571EB/82572EI CSR table. */
export const E1000_REGISTERS: readonly RegisterDef[] = [
  // RST and PHY_RST are taken and self-clear in the CTRL hook.
  { ...rw('CTRL', R.CTRL, ALL, R.CTRL_FD | R.CTRL_ASDE | R.CTRL_SLU | R.CTRL_SPD_1000), onWrite: 'ctrl' },
  { name: 'STATUS', offset: R.STATUS, size: 4 },
  // SK/CS/DI, FWE and EE_REQ are software's; GNT follows REQ (hook), PRES and AUTO_RD are set.
  { name: 'EECD', offset: R.EECD, size: 4, writable: 0x0000007f, reset: R.EECD_PRES | R.EECD_AUTO_RD, fidelity: 'partial', onWrite: 'eecd' },
  { name: 'EERD', offset: R.EERD, size: 4, writable: 0x0000fffd, onWrite: 'eerd' },
  { ...rw('CTRL_EXT', R.CTRL_EXT, ALL), onWrite: 'ctrlExt' },
  held('FLA', 0x0001c),
  { name: 'MDIC', offset: R.MDIC, size: 4, writable: 0x2fffffff, onWrite: 'mdic' },
  held('FCAL', 0x00028),
  held('FCAH', 0x0002c, 0xffff),
  held('FCT', 0x00030, 0xffff),
  rw('VET', 0x00038, 0xffff, 0x8100),
  { name: 'ICR', offset: R.ICR, size: 4, readClear: true, w1c: ALL, onWrite: 'icrWritten', afterRead: 'icrRead' },
  rw('ITR', R.ITR, 0xffff),
  { name: 'ICS', offset: R.ICS, size: 4, writable: ALL, writeOnly: ALL, onWrite: 'ics' },
  { ...rw('IMS', R.IMS, ALL), onWrite: 'ims' },
  { name: 'IMC', offset: R.IMC, size: 4, writable: ALL, writeOnly: ALL, onWrite: 'imc' },
  held('IAM', R.IAM),
  { ...rw('RCTL', R.RCTL, 0x07ffbffe), onWrite: 'rxKick' },
  held('FCTTV', 0x00170, 0xffff),
  held('TXCW', 0x00178),
  { name: 'RXCW', offset: 0x00180, size: 4, fidelity: 'partial' },
  { ...rw('TCTL', R.TCTL, ALL, R.TCTL_PSP | (0x0f << R.TCTL_CT_SHIFT) | (0x3f << R.TCTL_COLD_SHIFT)), onWrite: 'txKick' },
  held('TIPG', 0x00410, 0x3fffffff, 0x00602008),
  held('AIT', 0x00458, 0xffff),
  held('LEDCTL', 0x00e00, ALL, 0x07068302),
  held('EXTCNF_CTRL', 0x00f00),
  // RXA (bits 15:0, KiB) is the RX share of the 64 KiB packet buffer; TX gets the rest.
  rw('PBA', R.PBA, 0x0000ffff, 0x00100030),
  held('FCRTL', 0x02160),
  held('FCRTH', 0x02168),
  { ...rw('RDBAL', R.RDBAL, 0xfffffff0), onWrite: 'rxRingMoved' },
  { ...rw('RDBAH', R.RDBAH), onWrite: 'rxRingMoved' },
  { ...rw('RDLEN', R.RDLEN, 0x000fff80), onWrite: 'rxRingMoved' },
  { ...rw('RDH', R.RDH, 0xffff), onWrite: 'rxRingMoved' },
  { ...rw('RDT', R.RDT, 0xffff), onWrite: 'rxKick' },
  { name: 'RDTR', offset: R.RDTR, size: 4, writable: 0x8000ffff, writeOnly: R.RDTR_FPD, onWrite: 'rdtr' },
  held('RXDCTL', 0x02828, ALL, 0x00010000),
  rw('RADV', R.RADV, 0xffff),
  held('RSRPD', 0x02c00, 0xfff),
  held('KABGTXD', 0x03004),
  { ...rw('TDBAL', R.TDBAL, 0xfffffff0), onWrite: 'txRingMoved' },
  { ...rw('TDBAH', R.TDBAH), onWrite: 'txRingMoved' },
  { ...rw('TDLEN', R.TDLEN, 0x000fff80), onWrite: 'txRingMoved' },
  { ...rw('TDH', R.TDH, 0xffff), onWrite: 'txRingMoved' },
  { ...rw('TDT', R.TDT, 0xffff), onWrite: 'txKick' },
  rw('TIDV', R.TIDV, 0xffff),
  held('TXDCTL', 0x03828, ALL, 0x00010000),
  rw('TADV', R.TADV, 0xffff),
  held('TARC0', 0x03840, ALL, 0x00000403),
  held('TDBAL1', 0x03900, 0xfffffff0),
  held('TDBAH1', 0x03904),
  held('TDLEN1', 0x03908, 0x000fff80),
  held('TDH1', 0x03910, 0xffff),
  held('TDT1', 0x03918, 0xffff),
  held('TXDCTL1', 0x03928, ALL, 0x00010000),
  held('TARC1', 0x03940, ALL, 0x00000403),
  ...STATS.map(([name, offset, counted]) => stat(name, offset, counted)),
  held('RXCSUM', 0x05000, 0x00000fff, 0x00000300),
  held('RFCTL', 0x05008),
  ...arrayOf('MTA', R.MTA, 128, 'full'),
  ...receiveAddresses(),
  ...arrayOf('VFTA', 0x05600, 128, 'partial'),
  held('WUC', 0x05800),
  held('WUFC', 0x05808),
  held('WUS', 0x05810),
  held('MANC', 0x05820),
  held('GCR', 0x05b00),
  held('SWSM', 0x05b50, 0x0000000f),
  { name: 'FWSM', offset: 0x05b54, size: 4, fidelity: 'partial' },
];
