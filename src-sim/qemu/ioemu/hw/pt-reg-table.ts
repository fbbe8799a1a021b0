/**
 * qemu-dm's register-table emulation of an assigned function's config space, as data: the
 * `pt_emu_reg_*_tbl` register tables and the `pt_emu_reg_grp_tbl` group table of qemu-xen 3.4
 * `hw/pass-through.c` (xen-3.4.0; the same scheme serves the 3.3 and 4.0 eras here).
 *
 * A group is the header (0x00–0x3F) or one capability, found by its ID in the real function's
 * list. `emu` groups hold emulated registers; `hardwired` groups (AGP, slot ID, PCI-X, SHPC,
 * SSVID, AGP 8x) read as 0 and drop writes, and are left out of the rebuilt capability list, as is
 * every capability this table does not name. Outside every group, accesses go straight to the
 * device.
 *
 * Each register row: `emu` bits are served from the emulated value, the rest read from the
 * device; `ro` bits the guest cannot change in the emulated value; `init` is the emulated value
 * at start-up (or a named `initHook` computes it; a hook may drop the row — an unused BAR, a
 * register the capability's version lacks). `read`/`write` name the side effects qemu has
 * (COMMAND's write-through policy and BAR remapping, BAR sizing, the MSI hooks); rows that
 * name none use the plain masked merge.
 */

export type PtInitHook = 'vendor' | 'device' | 'ptr' | 'status' | 'irqpin' | 'bar' | 'pmc' | 'pmcsr' | 'linkctrl' | 'devctrl2' | 'linkctrl2' | 'msgctrl' | 'msgaddr64' | 'msgdata' | 'msixctrl';
export type PtReadHook = 'cmd' | 'bar' | 'pmcsr';
export type PtWriteHook = 'cmd' | 'bar' | 'romBar' | 'pmcsr' | 'msgctrl' | 'msgaddr32' | 'msgaddr64' | 'msgdata' | 'msixctrl';

export interface PtRegInfo {
  /** The register's name as pciutils' header spells it (PCI_COMMAND, PCI_MSI_FLAGS, …). */
  name: string;
  /** Offset inside its group. */
  offset: number;
  size: 1 | 2 | 4;
  /** init_val. */
  init: number;
  /** ro_mask: bits the guest cannot change in the emulated value. */
  ro: number;
  /** emu_mask: bits served from the emulated value (the rest pass through to the device). */
  emu: number;
  initHook?: PtInitHook;
  read?: PtReadHook;
  write?: PtWriteHook;
}

/** How a group's size is found: fixed, or read from the capability (pt_*_size_init). */
export type PtGroupSize = number | 'msi' | 'pcie' | 'vendor';

export interface PtRegGroup {
  /** Capability ID, or 0xFF for the type-0 header. */
  id: number;
  name: string;
  type: 'emu' | 'hardwired';
  size: PtGroupSize;
  regs?: readonly PtRegInfo[];
}

export const PT_HEADER_GROUP_ID = 0xff;

/** Next Pointer of every capability: rebuilt to skip the hidden ones. */
const NEXT_PTR: PtRegInfo = { name: 'PCI_CAP_LIST_NEXT', offset: 0x01, size: 1, init: 0, ro: 0xff, emu: 0xff, initHook: 'ptr' };

const bar = (i: number): PtRegInfo => ({ name: `PCI_BASE_ADDRESS_${i}`, offset: 0x10 + 4 * i, size: 4, init: 0, ro: 0, emu: 0, initHook: 'bar', read: 'bar', write: 'bar' });

/** pt_emu_reg_header0_tbl. Cap pointer precedes Status: Status's init reads it. */
export const PT_EMU_REG_HEADER0: readonly PtRegInfo[] = [
  { name: 'PCI_VENDOR_ID', offset: 0x00, size: 2, init: 0, ro: 0xffff, emu: 0xffff, initHook: 'vendor' },
  { name: 'PCI_DEVICE_ID', offset: 0x02, size: 2, init: 0, ro: 0xffff, emu: 0xffff, initHook: 'device' },
  // Parity (6), SERR (8), fast back-to-back (9) and INTx disable (10) emulated; IO, MEM, master to the device.
  { name: 'PCI_COMMAND', offset: 0x04, size: 2, init: 0, ro: 0xf880, emu: 0x0740, read: 'cmd', write: 'cmd' },
  { name: 'PCI_CAPABILITY_LIST', offset: 0x34, size: 1, init: 0, ro: 0xff, emu: 0xff, initHook: 'ptr' },
  // Only the capability-list bit is emulated; the device's RW1C error bits take the guest's writes.
  { name: 'PCI_STATUS', offset: 0x06, size: 2, init: 0, ro: 0x06ff, emu: 0x0010, initHook: 'status' },
  { name: 'PCI_CACHE_LINE_SIZE', offset: 0x0c, size: 1, init: 0, ro: 0, emu: 0xff },
  { name: 'PCI_LATENCY_TIMER', offset: 0x0d, size: 1, init: 0, ro: 0, emu: 0xff },
  { name: 'PCI_INTERRUPT_LINE', offset: 0x3c, size: 1, init: 0, ro: 0, emu: 0xff },
  // Forced to INTA# when the device has a pin at all.
  { name: 'PCI_INTERRUPT_PIN', offset: 0x3d, size: 1, init: 0, ro: 0xff, emu: 0xff, initHook: 'irqpin' },
  bar(0),
  bar(1),
  bar(2),
  bar(3),
  bar(4),
  bar(5),
  { name: 'PCI_ROM_ADDRESS', offset: 0x30, size: 4, init: 0, ro: 0x000007fe, emu: 0xfffff800, initHook: 'bar', write: 'romBar' },
];

/** pt_emu_reg_pm_tbl: PME support (15:11), D1/D2 and PME clock hidden; the power state emulated. */
export const PT_EMU_REG_PM: readonly PtRegInfo[] = [
  NEXT_PTR,
  { name: 'PCI_PM_PMC', offset: 0x02, size: 2, init: 0, ro: 0xffff, emu: 0xf9c8, initHook: 'pmc' },
  { name: 'PCI_PM_CTRL', offset: 0x04, size: 2, init: 0x0008, ro: 0xe1fc, emu: 0x8100, initHook: 'pmcsr', read: 'pmcsr', write: 'pmcsr' },
];

/** pt_emu_reg_pcie_tbl: the FLR capability bit hidden, device and link control emulated. */
export const PT_EMU_REG_PCIE: readonly PtRegInfo[] = [
  NEXT_PTR,
  { name: 'PCI_EXP_DEVCAP', offset: 0x04, size: 4, init: 0, ro: 0x1ffcffff, emu: 0x10000000 },
  { name: 'PCI_EXP_DEVCTL', offset: 0x08, size: 2, init: 0x2810, ro: 0x8400, emu: 0xffff },
  { name: 'PCI_EXP_LNKCTL', offset: 0x10, size: 2, init: 0, ro: 0xfc34, emu: 0xffff, initHook: 'linkctrl' },
  { name: 'PCI_EXP_DEVCTL2', offset: 0x28, size: 2, init: 0, ro: 0xffe0, emu: 0xffff, initHook: 'devctrl2' },
  { name: 'PCI_EXP_LNKCTL2', offset: 0x30, size: 2, init: 0, ro: 0xe040, emu: 0xffff, initHook: 'linkctrl2' },
];

/** pt_emu_reg_msi_tbl: the whole message emulated; Enable reaches the device through the hook. */
export const PT_EMU_REG_MSI: readonly PtRegInfo[] = [
  NEXT_PTR,
  { name: 'PCI_MSI_FLAGS', offset: 0x02, size: 2, init: 0, ro: 0xff8e, emu: 0x007f, initHook: 'msgctrl', write: 'msgctrl' },
  { name: 'PCI_MSI_ADDRESS_LO', offset: 0x04, size: 4, init: 0, ro: 0x00000003, emu: 0xffffffff, write: 'msgaddr32' },
  { name: 'PCI_MSI_ADDRESS_HI', offset: 0x08, size: 4, init: 0, ro: 0, emu: 0xffffffff, initHook: 'msgaddr64', write: 'msgaddr64' },
  { name: 'PCI_MSI_DATA_32', offset: 0x08, size: 2, init: 0, ro: 0, emu: 0xffff, initHook: 'msgdata', write: 'msgdata' },
  { name: 'PCI_MSI_DATA_64', offset: 0x0c, size: 2, init: 0, ro: 0, emu: 0xffff, initHook: 'msgdata', write: 'msgdata' },
];

/** pt_emu_reg_msix_tbl: Message Control only (the table is not modelled here). */
export const PT_EMU_REG_MSIX: readonly PtRegInfo[] = [NEXT_PTR, { name: 'PCI_MSIX_FLAGS', offset: 0x02, size: 2, init: 0, ro: 0x3fff, emu: 0, initHook: 'msixctrl', write: 'msixctrl' }];

/** pt_emu_reg_grp_tbl, in its order (the order the capability list is searched). */
export const PT_EMU_REG_GRP_TBL: readonly PtRegGroup[] = [
  { id: PT_HEADER_GROUP_ID, name: 'Header Type0', type: 'emu', size: 0x40, regs: PT_EMU_REG_HEADER0 },
  { id: 0x01, name: 'Power Management', type: 'emu', size: 8, regs: PT_EMU_REG_PM },
  { id: 0x02, name: 'AGP', type: 'hardwired', size: 0x30 },
  { id: 0x03, name: 'Vital Product Data', type: 'emu', size: 0x08, regs: [NEXT_PTR] },
  { id: 0x04, name: 'Slot Identification', type: 'hardwired', size: 0x04 },
  { id: 0x05, name: 'MSI', type: 'emu', size: 'msi', regs: PT_EMU_REG_MSI },
  { id: 0x07, name: 'PCI-X', type: 'hardwired', size: 0x18 },
  { id: 0x09, name: 'Vendor Specific', type: 'emu', size: 'vendor', regs: [NEXT_PTR] },
  { id: 0x0c, name: 'SHPC', type: 'hardwired', size: 0x08 },
  { id: 0x0d, name: 'Subsystem ID', type: 'hardwired', size: 0x08 },
  { id: 0x0e, name: 'AGP 8x', type: 'hardwired', size: 0x30 },
  { id: 0x10, name: 'PCI Express', type: 'emu', size: 'pcie', regs: PT_EMU_REG_PCIE },
  { id: 0x11, name: 'MSI-X', type: 'emu', size: 0x0c, regs: PT_EMU_REG_MSIX },
];

/** The group row for a capability ID, if the table names it. */
export function ptGroupFor(id: number): PtRegGroup | undefined {
  return PT_EMU_REG_GRP_TBL.find((g) => g.id === id);
}
