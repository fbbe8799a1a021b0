/**
 * The 8254x/8257x spec vocabulary: register offsets and bit names as Intel's manuals and the
 * Linux e1000/e1000e drivers spell them (QEMU hw/net/e1000x_regs.h, Linux e1000e regs.h and
 * defines.h). Values only; the register table that gives them semantics is e1000_regs.ts.
 */

// ---- register offsets (BAR0) ---------------------------------------------------------------
export const CTRL = 0x00000;
export const STATUS = 0x00008;
export const EECD = 0x00010;
export const EERD = 0x00014;
export const CTRL_EXT = 0x00018;
export const MDIC = 0x00020;
export const ICR = 0x000c0;
export const ITR = 0x000c4;
export const ICS = 0x000c8;
export const IMS = 0x000d0;
export const IMC = 0x000d8;
export const IAM = 0x000e0;
export const RCTL = 0x00100;
export const TCTL = 0x00400;
export const PBA = 0x01000;
export const RDBAL = 0x02800;
export const RDBAH = 0x02804;
export const RDLEN = 0x02808;
export const RDH = 0x02810;
export const RDT = 0x02818;
export const RDTR = 0x02820;
export const RADV = 0x0282c;
export const TDBAL = 0x03800;
export const TDBAH = 0x03804;
export const TDLEN = 0x03808;
export const TDH = 0x03810;
export const TDT = 0x03818;
export const TIDV = 0x03820;
export const TADV = 0x0382c;
export const MTA = 0x05200;
export const RA = 0x05400;

// Statistics (all read-to-clear).
export const CRCERRS = 0x04000;
export const MPC = 0x04010;
export const PRC64 = 0x0405c;
export const GPRC = 0x04074;
export const BPRC = 0x04078;
export const MPRC = 0x0407c;
export const GPTC = 0x04080;
export const GORCL = 0x04088;
export const GORCH = 0x0408c;
export const GOTCL = 0x04090;
export const GOTCH = 0x04094;
export const RNBC = 0x040a0;
export const RUC = 0x040a4;
export const ROC = 0x040ac;
export const TORL = 0x040c0;
export const TORH = 0x040c4;
export const TOTL = 0x040c8;
export const TOTH = 0x040cc;
export const TPR = 0x040d0;
export const TPT = 0x040d4;
export const PTC64 = 0x040d8;
export const MPTC = 0x040f0;
export const BPTC = 0x040f4;
export const IAC = 0x04100;

/** BAR0 window: 128 KiB of CSRs. */
export const MMIO_SIZE = 0x20000;
/** I/O BAR: IOADDR at 0, IODATA at 4, the rest reserved (32 bytes on 8257x). */
export const IO_SIZE = 0x20;
export const IOADDR = 0x00;
export const IODATA = 0x04;

// ---- CTRL ----------------------------------------------------------------------------------
export const CTRL_FD = 1 << 0;
export const CTRL_GIO_MASTER_DISABLE = 1 << 2;
export const CTRL_ASDE = 1 << 5;
export const CTRL_SLU = 1 << 6;
export const CTRL_SPD_1000 = 2 << 8;
export const CTRL_RST = 1 << 26;
export const CTRL_PHY_RST = 1 << 31;

// ---- STATUS --------------------------------------------------------------------------------
export const STATUS_FD = 1 << 0;
export const STATUS_LU = 1 << 1;
export const STATUS_SPEED_1000 = 2 << 6;
export const STATUS_GIO_MASTER_ENABLE = 1 << 19;

// ---- EECD / EERD ---------------------------------------------------------------------------
export const EECD_REQ = 1 << 6;
export const EECD_GNT = 1 << 7;
export const EECD_PRES = 1 << 8;
export const EECD_AUTO_RD = 1 << 9;
/** 8257x layout (e1000e E1000_NVM_RW_REG_*): START bit 0, DONE bit 1, address from bit 2. */
export const EERD_START = 1 << 0;
export const EERD_DONE = 1 << 1;
export const EERD_ADDR_SHIFT = 2;
export const EERD_DATA_SHIFT = 16;

// ---- CTRL_EXT ------------------------------------------------------------------------------
export const CTRL_EXT_EE_RST = 1 << 13;
export const CTRL_EXT_IAME = 1 << 27;

// ---- MDIC ----------------------------------------------------------------------------------
export const MDIC_DATA_MASK = 0xffff;
export const MDIC_REG_SHIFT = 16;
export const MDIC_PHY_SHIFT = 21;
export const MDIC_OP_WRITE = 1 << 26;
export const MDIC_OP_READ = 2 << 26;
export const MDIC_READY = 1 << 28;
export const MDIC_INT_EN = 1 << 29;
export const MDIC_ERROR = 1 << 30;

// ---- interrupt causes (ICR/ICS/IMS/IMC) ---------------------------------------------------
export const ICR_TXDW = 1 << 0;
export const ICR_TXQE = 1 << 1;
export const ICR_LSC = 1 << 2;
export const ICR_RXSEQ = 1 << 3;
export const ICR_RXDMT0 = 1 << 4;
export const ICR_RXO = 1 << 6;
export const ICR_RXT0 = 1 << 7;
export const ICR_MDAC = 1 << 9;
/** 82571+: set in ICR while the interrupt is asserted (e1000_intr checks it on shared lines). */
export const ICR_INT_ASSERTED = 1 << 31;
/** Cause bits this model can raise (the rest of ICR is writable through ICS only). */
export const IMS_ENABLE_MASK = ICR_RXT0 | ICR_TXDW | ICR_RXDMT0 | ICR_RXSEQ | ICR_LSC;

// ---- RCTL ----------------------------------------------------------------------------------
export const RCTL_EN = 1 << 1;
export const RCTL_SBP = 1 << 2;
export const RCTL_UPE = 1 << 3;
export const RCTL_MPE = 1 << 4;
export const RCTL_LPE = 1 << 5;
export const RCTL_RDMTS_SHIFT = 8;
export const RCTL_MO_SHIFT = 12;
export const RCTL_BAM = 1 << 15;
export const RCTL_BSIZE_SHIFT = 16;
export const RCTL_BSEX = 1 << 25;
export const RCTL_SECRC = 1 << 26;

// ---- TCTL ----------------------------------------------------------------------------------
export const TCTL_EN = 1 << 1;
export const TCTL_PSP = 1 << 3;
export const TCTL_CT_SHIFT = 4;
export const TCTL_COLD_SHIFT = 12;

// ---- RAH -----------------------------------------------------------------------------------
export const RAH_AV = 1 << 31;

// ---- RDTR ----------------------------------------------------------------------------------
export const RDTR_FPD = 1 << 31;

// ---- descriptors ---------------------------------------------------------------------------
export const DESC_BYTES = 16;
/** TX CMD byte (bits 31–24 of the descriptor's second dword). */
export const TXD_CMD_EOP = 1 << 0;
export const TXD_CMD_IFCS = 1 << 1;
export const TXD_CMD_IC = 1 << 2;
export const TXD_CMD_RS = 1 << 3;
export const TXD_CMD_RPS = 1 << 4;
export const TXD_CMD_DEXT = 1 << 5;
export const TXD_CMD_VLE = 1 << 6;
export const TXD_CMD_IDE = 1 << 7;
/** With DEXT: TSE (TCP segmentation) is bit 2 of DCMD in the extended data descriptor. */
export const TXD_DCMD_TSE = 1 << 2;
export const TXD_STA_DD = 1 << 0;
/** RX status byte. */
export const RXD_STA_DD = 1 << 0;
export const RXD_STA_EOP = 1 << 1;
/** Ignore checksum indication: this model computes no RX checksums. */
export const RXD_STA_IXSM = 1 << 2;

// ---- units ---------------------------------------------------------------------------------
/** ITR counts 256 ns intervals. */
export const ITR_UNIT_NS = 256;
/** RDTR, RADV, TIDV, TADV count 1.024 µs. */
export const DELAY_UNIT_NS = 1024;
