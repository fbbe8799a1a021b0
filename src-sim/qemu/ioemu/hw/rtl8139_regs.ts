/**
 * The RealTek RTL8139 register file as qemu-dm's rtl8139.c (2007, an 8139C+ in normal "C" mode)
 * emulates it, declared as data: offsets and names from the RTL8139 datasheet (IDR, MAR, TSD0-3,
 * TSAD0-3, RBSTART, CR, CAPR, CBR, IMR, ISR, TCR, RCR, …), reset values as rtl8139_reset leaves
 * them, writable and write-1-to-clear masks, and the hooks where writing has a side effect
 * (CR: reset and enables; TSDn: transmit; CAPR: the guest consumed received bytes; IMR/ISR: the
 * interrupt line). Rows the model holds without acting on are `partial`.
 */
import type { RegisterDef } from '../../../hw/regs/register-file.ts';

export const RTL8139_IO_SIZE = 0x100;

export const IDR0 = 0x00;
export const TSD0 = 0x10;
export const TSAD0 = 0x20;
export const RBSTART = 0x30;
export const CR = 0x37;
export const CAPR = 0x38;
export const CBR = 0x3a;
export const IMR = 0x3c;
export const ISR = 0x3e;
export const TCR = 0x40;
export const RCR = 0x44;

/** CR bits. */
export const CR_BUFE = 0x01;
export const CR_TE = 0x04;
export const CR_RE = 0x08;
export const CR_RST = 0x10;
/** ISR / IMR bits. */
export const ISR_ROK = 0x0001;
export const ISR_TOK = 0x0004;
export const ISR_RXOVW = 0x0010;
/** TSD bits: size 12:0, OWN (the NIC is done with it) and TOK. */
export const TSD_SIZE = 0x1fff;
export const TSD_OWN = 0x2000;
export const TSD_TOK = 0x8000;
/** RCR bits. */
export const RCR_AAP = 0x01;
export const RCR_APM = 0x02;
export const RCR_AM = 0x04;
export const RCR_AB = 0x08;
/** RxNoWrap: a frame near the end runs on past it (the driver allocated the slack) instead of wrapping. */
export const RCR_NOWRAP = 0x80;
/** Rx header status bits. */
export const RXSTAT_ROK = 0x0001;
export const RXSTAT_BAR = 0x2000;
export const RXSTAT_PAM = 0x4000;
/** TCR's hardware revision bits of the 8139C+ qemu emulates (HW_REVID(1,1,1,0,1,1,0)). */
export const TCR_REVID_8139CP = 0x7480_0000;

const tsd = (n: number): RegisterDef => ({ name: `TSD${n}`, offset: TSD0 + 4 * n, size: 4, reset: TSD_OWN, writable: 0x003f_3fff, onWrite: 'transmit' });
const tsad = (n: number): RegisterDef => ({ name: `TSAD${n}`, offset: TSAD0 + 4 * n, size: 4, writable: 0xffff_ffff });

export const RTL8139_REGISTERS: readonly RegisterDef[] = [
  { name: 'IDR0', offset: 0x00, size: 4, writable: 0xffff_ffff },
  { name: 'IDR4', offset: 0x04, size: 2, writable: 0xffff },
  { name: 'MAR0', offset: 0x08, size: 4, writable: 0xffff_ffff, fidelity: 'partial' },
  { name: 'MAR4', offset: 0x0c, size: 4, writable: 0xffff_ffff, fidelity: 'partial' },
  ...[0, 1, 2, 3].map(tsd),
  ...[0, 1, 2, 3].map(tsad),
  { name: 'RBSTART', offset: RBSTART, size: 4, writable: 0xffff_ffff },
  { name: 'ERBCR', offset: 0x34, size: 2, fidelity: 'partial' },
  { name: 'ERSR', offset: 0x36, size: 1, fidelity: 'partial' },
  { name: 'CR', offset: CR, size: 1, reset: CR_BUFE, writable: CR_RST | CR_RE | CR_TE, onWrite: 'command', onRead: 'commandRead' },
  { name: 'CAPR', offset: CAPR, size: 2, reset: 0xfff0, writable: 0xffff, onWrite: 'capr' },
  { name: 'CBR', offset: CBR, size: 2 },
  { name: 'IMR', offset: IMR, size: 2, writable: 0xe07f, onWrite: 'irq' },
  { name: 'ISR', offset: ISR, size: 2, w1c: 0xe07f, onWrite: 'irq' },
  { name: 'TCR', offset: TCR, size: 4, reset: TCR_REVID_8139CP, writable: 0x0307_07f1 },
  { name: 'RCR', offset: RCR, size: 4, writable: 0x0f3f_ffff },
  { name: 'TCTR', offset: 0x48, size: 4, fidelity: 'partial' },
  { name: 'MPC', offset: 0x4c, size: 4, fidelity: 'partial' },
  { name: '9346CR', offset: 0x50, size: 1, writable: 0xcf, fidelity: 'partial' },
  { name: 'CONFIG0', offset: 0x51, size: 1, fidelity: 'partial' },
  { name: 'CONFIG1', offset: 0x52, size: 1, writable: 0xff, fidelity: 'partial' },
  { name: 'MSR', offset: 0x58, size: 1 },
  { name: 'CONFIG3', offset: 0x59, size: 1, fidelity: 'partial' },
  { name: 'CONFIG4', offset: 0x5a, size: 1, fidelity: 'partial' },
  { name: 'MULINT', offset: 0x5c, size: 2, writable: 0x0fff, fidelity: 'partial' },
  { name: 'TSAD', offset: 0x60, size: 2 },
  { name: 'BMCR', offset: 0x62, size: 2, reset: 0x1000, writable: 0xffff, fidelity: 'partial' },
  { name: 'BMSR', offset: 0x64, size: 2, reset: 0x782d },
  { name: 'ANAR', offset: 0x66, size: 2, reset: 0x05e1, writable: 0xffff, fidelity: 'partial' },
  { name: 'ANLPAR', offset: 0x68, size: 2, reset: 0x05e1 },
  { name: 'ANER', offset: 0x6a, size: 2, fidelity: 'partial' },
];
