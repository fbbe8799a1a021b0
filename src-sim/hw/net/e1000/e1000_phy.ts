/**
 * The copper PHY behind MDIC: an Intel IGP01E1000-class PHY at MDIO address 1, as on the
 * 82571EB/82572EI (Linux e1000e 82571.c checks `phy->id == IGP01E1000_I_PHY_ID` 0x02A80380).
 * Registers are data (QEMU e1000.c `phy_reg_init[]` / `phy_regcap[]`): reset value and writable
 * bits; the link-dependent bits follow the carrier. Autonegotiation completes at once against a
 * 1000BASE-T full-duplex partner; the IGP vendor registers are held, not acted on.
 */
import type { RegisterDef } from '../../regs/register-file.ts';

export const PHY_ADDRESS = 1;

export const PHY_CTRL = 0x00;
export const PHY_STATUS = 0x01;
export const PHY_ID1 = 0x02;
export const PHY_ID2 = 0x03;
export const PHY_1000T_STATUS = 0x0a;
export const IGP_PORT_STATUS = 0x11;

const PHY_CTRL_RESET = 0x8000;
const PHY_CTRL_RESTART_AN = 0x0200;
const STATUS_LINK = 0x0004;
const STATUS_AN_COMPLETE = 0x0020;

/** One row per PHY register; `offset` is the register number (×2 in the 16-bit register file). */
const PHY_ROWS: readonly RegisterDef[] = [
  { name: 'PHY_CTRL', offset: PHY_CTRL, size: 2, reset: 0x1140, writable: 0xffff },
  { name: 'PHY_STATUS', offset: PHY_STATUS, size: 2, reset: 0x7949 | STATUS_LINK | STATUS_AN_COMPLETE },
  { name: 'PHY_ID1', offset: PHY_ID1, size: 2, reset: 0x02a8 },
  { name: 'PHY_ID2', offset: PHY_ID2, size: 2, reset: 0x0380 },
  { name: 'PHY_AUTONEG_ADV', offset: 0x04, size: 2, reset: 0x0de1, writable: 0xffff },
  { name: 'PHY_LP_ABILITY', offset: 0x05, size: 2, reset: 0x41e1 },
  { name: 'PHY_AUTONEG_EXP', offset: 0x06, size: 2, reset: 0x0001 },
  { name: 'PHY_NEXT_PAGE_TX', offset: 0x07, size: 2, reset: 0x2001, writable: 0xffff, fidelity: 'partial' },
  { name: 'PHY_LP_NEXT_PAGE', offset: 0x08, size: 2, fidelity: 'partial' },
  { name: 'PHY_1000T_CTRL', offset: 0x09, size: 2, reset: 0x0300, writable: 0xffff },
  { name: 'PHY_1000T_STATUS', offset: PHY_1000T_STATUS, size: 2, reset: 0x3c00 },
  { name: 'PHY_EXT_STATUS', offset: 0x0f, size: 2, reset: 0x3000 },
  { name: 'IGP_PORT_CONFIG', offset: 0x10, size: 2, writable: 0xffff, fidelity: 'partial' },
  // Speed 1000 (bits 15:14 = 11) and full duplex (bit 9) once the link is up (unverified exact).
  { name: 'IGP_PORT_STATUS', offset: IGP_PORT_STATUS, size: 2, reset: 0xc200 },
  { name: 'IGP_PORT_CTRL', offset: 0x12, size: 2, writable: 0xffff, fidelity: 'partial' },
  { name: 'IGP_LINK_HEALTH', offset: 0x13, size: 2, fidelity: 'partial' },
  { name: 'IGP_GMII_FIFO', offset: 0x14, size: 2, writable: 0xffff, fidelity: 'partial' },
  { name: 'IGP_CHANNEL_QUALITY', offset: 0x15, size: 2, fidelity: 'partial' },
  { name: 'IGP_PAGE_SELECT', offset: 0x1f, size: 2, writable: 0xffff },
];

/** The PHY register file: 32 16-bit registers, register n at byte offset 2n. */
export const PHY_REGISTERS: readonly RegisterDef[] = PHY_ROWS.map((r) => ({ ...r, offset: r.offset * 2 }));
export const PHY_FILE_BYTES = 64;

/** Bits of each register that exist only while the link is up. */
const LINK_BITS: readonly [number, number][] = [
  [PHY_STATUS, STATUS_LINK | STATUS_AN_COMPLETE],
  [PHY_1000T_STATUS, 0x3c00],
  [IGP_PORT_STATUS, 0xc200],
];

/** Hardware-side effects of a PHY register write: self-clearing reset and AN restart. */
export function phyWriteEffect(reg: number, value: number): number {
  if (reg === PHY_CTRL) return value & ~(PHY_CTRL_RESET | PHY_CTRL_RESTART_AN);
  return value;
}

/** Value of the link-dependent register `reg` given its stored value and the link state. */
export function phyLinkView(reg: number, stored: number, linkUp: boolean): number {
  if (linkUp) return stored;
  for (const [r, bits] of LINK_BITS) if (r === reg) return stored & ~bits;
  return stored;
}
