/**
 * The DMA-remapping unit's register page, declared as data: offsets and bit names as the VT-d
 * spec v1.x spells them (Xen 2007 xen/include/asm-x86/hvm/vmx/intel-iommu.h, QEMU
 * hw/i386/intel_iommu_internal.h), reset values and masks as QEMU's vtd_init() defines them,
 * restricted to what the unit's CAP/ECAP advertise (an absent feature's registers are not
 * declared, so they read as 0 and are reported as unassigned).
 */
import type { RegisterDef } from '../regs/register-file.ts';
import { encodeCap, encodeEcap, type VtdCapabilities } from './cap.ts';

export const DMAR_REG_SIZE = 0x1000;

export const DMAR_VER_REG = 0x000;
export const DMAR_CAP_REG = 0x008;
export const DMAR_ECAP_REG = 0x010;
export const DMAR_GCMD_REG = 0x018;
export const DMAR_GSTS_REG = 0x01c;
export const DMAR_RTADDR_REG = 0x020;
export const DMAR_CCMD_REG = 0x028;
export const DMAR_FSTS_REG = 0x034;
export const DMAR_FECTL_REG = 0x038;
export const DMAR_FEDATA_REG = 0x03c;
export const DMAR_FEADDR_REG = 0x040;
export const DMAR_FEUADDR_REG = 0x044;
export const DMAR_AFLOG_REG = 0x058;
export const DMAR_PMEN_REG = 0x064;
export const DMAR_PLMBASE_REG = 0x068;
export const DMAR_PLMLIMIT_REG = 0x06c;
export const DMAR_PHMBASE_REG = 0x070;
export const DMAR_PHMLIMIT_REG = 0x078;
export const DMAR_IQH_REG = 0x080;
export const DMAR_IQT_REG = 0x088;
export const DMAR_IQA_REG = 0x090;
export const DMAR_ICS_REG = 0x09c;
export const DMAR_IECTL_REG = 0x0a0;
export const DMAR_IEDATA_REG = 0x0a4;
export const DMAR_IEADDR_REG = 0x0a8;
export const DMAR_IEUADDR_REG = 0x0ac;
export const DMAR_IRTA_REG = 0x0b8;

/** GCMD (write) and GSTS (status) bits share positions. */
export const DMA_GCMD_TE = 1 << 31;
export const DMA_GCMD_SRTP = 1 << 30;
export const DMA_GCMD_SFL = 1 << 29;
export const DMA_GCMD_EAFL = 1 << 28;
export const DMA_GCMD_WBF = 1 << 27;
export const DMA_GCMD_QIE = 1 << 26;
export const DMA_GCMD_IRE = 1 << 25;
export const DMA_GCMD_SIRTP = 1 << 24;
export const DMA_GCMD_CFI = 1 << 23;
export const DMA_GSTS_TES = DMA_GCMD_TE;
export const DMA_GSTS_RTPS = DMA_GCMD_SRTP;
export const DMA_GSTS_FLS = DMA_GCMD_SFL;
export const DMA_GSTS_AFLS = DMA_GCMD_EAFL;
export const DMA_GSTS_WBFS = DMA_GCMD_WBF;
export const DMA_GSTS_QIES = DMA_GCMD_QIE;
export const DMA_GSTS_IRES = DMA_GCMD_IRE;
export const DMA_GSTS_IRTPS = DMA_GCMD_SIRTP;
export const DMA_GSTS_CFIS = DMA_GCMD_CFI;

/** CCMD high dword (bits 63:32 of the register). */
export const DMA_CCMD_ICC_HI = 1 << 31;
export const DMA_CCMD_CIRG_SHIFT_HI = 29;
export const DMA_CCMD_CAIG_SHIFT_HI = 27;
/** Invalidation granularities as encoded in CIRG/CAIG and IIRG/IAIG. */
export const INV_GLOBAL = 1;
export const INV_DOMAIN = 2;
/** Device-selective (context cache) or page-selective (IOTLB). */
export const INV_DEVICE_OR_PAGE = 3;

/** IOTLB_REG high dword. */
export const DMA_TLB_IVT_HI = 1 << 31;
export const DMA_TLB_IIRG_SHIFT_HI = 28;
export const DMA_TLB_IAIG_SHIFT_HI = 25;
export const DMA_TLB_DR_HI = 1 << 17;
export const DMA_TLB_DW_HI = 1 << 16;
/** IVA_REG low dword. */
export const DMA_IVA_IH = 1 << 6;

export const DMA_FSTS_PFO = 1 << 0;
export const DMA_FSTS_PPF = 1 << 1;
export const DMA_FSTS_AFO = 1 << 2;
export const DMA_FSTS_APF = 1 << 3;
export const DMA_FSTS_IQE = 1 << 4;
export const DMA_FSTS_ICE = 1 << 5;
export const DMA_FSTS_ITE = 1 << 6;
export const DMA_FSTS_FRI_SHIFT = 8;

export const DMA_FECTL_IM = 1 << 31;
export const DMA_FECTL_IP = 1 << 30;

/** Fault recording register, dword +0xC. */
export const DMA_FRCD_F = 1 << 31;
export const DMA_FRCD_T_READ = 1 << 30;

export const DMA_PMEN_EPM = 1 << 31;
export const DMA_PMEN_PRS = 1 << 0;

/** Fault reasons (spec §4.1 / QEMU VTDFaultReason). */
export const VTD_FR_ROOT_ENTRY_P = 0x01;
export const VTD_FR_CONTEXT_ENTRY_P = 0x02;
export const VTD_FR_CONTEXT_ENTRY_INV = 0x03;
export const VTD_FR_ADDR_BEYOND_MGAW = 0x04;
export const VTD_FR_WRITE = 0x05;
export const VTD_FR_READ = 0x06;
export const VTD_FR_PAGING_ENTRY_INV = 0x07;
export const VTD_FR_ROOT_TABLE_INV = 0x08;
export const VTD_FR_CONTEXT_TABLE_INV = 0x09;
export const VTD_FR_ROOT_ENTRY_RSVD = 0x0a;
export const VTD_FR_CONTEXT_ENTRY_RSVD = 0x0b;
export const VTD_FR_PAGING_ENTRY_RSVD = 0x0c;
export const VTD_FR_CONTEXT_ENTRY_TT = 0x0d;

/** Linux's dma_remap_fault_reasons[] text, for logs and the inspector. */
export const FAULT_REASON_TEXT: Readonly<Record<number, string>> = {
  0x01: 'Present bit in root entry is clear',
  0x02: 'Present bit in context entry is clear',
  0x03: 'Invalid context entry',
  0x04: 'Access beyond MGAW',
  0x05: 'PTE Write access is not set',
  0x06: 'PTE Read access is not set',
  0x07: 'Next page table ptr is invalid',
  0x08: 'Root table address invalid',
  0x09: 'Context table ptr is invalid',
  0x0a: 'non-zero reserved fields in RTP',
  0x0b: 'non-zero reserved fields in CTP',
  0x0c: 'non-zero reserved fields in PTE',
  0x0d: 'Blocked a DMA translation request',
};

/**
 * Faults FPD may suppress (QEMU vtd_qualified_faults): errors in the request or in entries the
 * device's own context points at; root-level and table-pointer errors are always reported.
 */
export function isQualifiedFault(reason: number): boolean {
  return reason === 0x02 || reason === 0x03 || reason === 0x04 || reason === 0x05 || reason === 0x06 || reason === 0x07 || reason === 0x0b || reason === 0x0c || reason === 0x0d;
}

/** Offset of fault recording register `i` (128 bits each, from CAP.FRO). */
export const frcdOffset = (c: VtdCapabilities, i: number): number => c.cap.froOffset + 16 * i;

/** Bits of a host-address-width-limited 64-bit address field above bit 31 (hi-dword mask). */
export function addressHiMask(widthBits: number): number {
  return widthBits >= 64 ? 0xffffffff : widthBits <= 32 ? 0 : (2 ** (widthBits - 32) - 1) >>> 0;
}

/**
 * The register table for a unit with capabilities `c`. GCMD's writable bits are only those of
 * supported features (a write of an unsupported command bit has no effect); registers of absent
 * features are left out; PMR bounds are declared `partial` (stored, not enforced).
 */
export function dmarRegisterDefs(c: VtdCapabilities, hawBits: number): RegisterDef[] {
  const [capLo, capHi] = encodeCap(c.cap);
  const [ecapLo, ecapHi] = encodeEcap(c.ecap);
  const addrHi = addressHiMask(hawBits);
  const gcmd = (DMA_GCMD_TE | DMA_GCMD_SRTP | DMA_GCMD_WBF | (c.ecap.qi ? DMA_GCMD_QIE : 0) | (c.ecap.ir ? DMA_GCMD_IRE | DMA_GCMD_SIRTP | DMA_GCMD_CFI : 0)) >>> 0;
  const defs: RegisterDef[] = [
    { name: 'VER_REG', offset: DMAR_VER_REG, size: 4, reset: 0x10 },
    { name: 'CAP_REG', offset: DMAR_CAP_REG, size: 8, reset: capLo, resetHi: capHi },
    { name: 'ECAP_REG', offset: DMAR_ECAP_REG, size: 8, reset: ecapLo, resetHi: ecapHi },
    { name: 'GCMD_REG', offset: DMAR_GCMD_REG, size: 4, writable: gcmd, writeOnly: 0xffffffff, onWrite: 'globalCommand' },
    { name: 'GSTS_REG', offset: DMAR_GSTS_REG, size: 4 },
    { name: 'RTADDR_REG', offset: DMAR_RTADDR_REG, size: 8, writable: [0xfffff000, addrHi] },
    { name: 'CCMD_REG', offset: DMAR_CCMD_REG, size: 8, writable: [0xffffffff, 0xe0000003], onWrite: 'contextCommand' },
    { name: 'FSTS_REG', offset: DMAR_FSTS_REG, size: 4, w1c: DMA_FSTS_PFO | DMA_FSTS_AFO | DMA_FSTS_APF | DMA_FSTS_IQE | DMA_FSTS_ICE | DMA_FSTS_ITE, onWrite: 'faultStatus' },
    { name: 'FECTL_REG', offset: DMAR_FECTL_REG, size: 4, reset: DMA_FECTL_IM, writable: DMA_FECTL_IM, onWrite: 'faultEventControl' },
    { name: 'FEDATA_REG', offset: DMAR_FEDATA_REG, size: 4, writable: c.ecap.eim ? 0xffffffff : 0xffff },
    { name: 'FEADDR_REG', offset: DMAR_FEADDR_REG, size: 4, writable: 0xfffffffc },
    { name: 'FEUADDR_REG', offset: DMAR_FEUADDR_REG, size: 4, writable: c.ecap.eim ? 0xffffffff : 0 },
  ];
  if (c.cap.plmr || c.cap.phmr) defs.push({ name: 'PMEN_REG', offset: DMAR_PMEN_REG, size: 4, writable: DMA_PMEN_EPM, fidelity: 'partial', onWrite: 'protectedMemoryEnable' });
  if (c.cap.plmr) {
    defs.push({ name: 'PLMBASE_REG', offset: DMAR_PLMBASE_REG, size: 4, writable: 0xffe00000, fidelity: 'partial' });
    defs.push({ name: 'PLMLIMIT_REG', offset: DMAR_PLMLIMIT_REG, size: 4, writable: 0xffe00000, fidelity: 'partial' });
  }
  if (c.cap.phmr) {
    defs.push({ name: 'PHMBASE_REG', offset: DMAR_PHMBASE_REG, size: 8, writable: [0xffe00000, addrHi], fidelity: 'partial' });
    defs.push({ name: 'PHMLIMIT_REG', offset: DMAR_PHMLIMIT_REG, size: 8, writable: [0xffe00000, addrHi], fidelity: 'partial' });
  }
  if (c.ecap.qi) {
    defs.push({ name: 'IQH_REG', offset: DMAR_IQH_REG, size: 8 });
    defs.push({ name: 'IQT_REG', offset: DMAR_IQT_REG, size: 8, writable: [0x7fff0, 0], onWrite: 'queueTail' });
    defs.push({ name: 'IQA_REG', offset: DMAR_IQA_REG, size: 8, writable: [0xfffff007, addrHi] });
    defs.push({ name: 'ICS_REG', offset: DMAR_ICS_REG, size: 4, w1c: 1 });
    defs.push({ name: 'IECTL_REG', offset: DMAR_IECTL_REG, size: 4, reset: DMA_FECTL_IM, writable: DMA_FECTL_IM, onWrite: 'invalidationEventControl' });
    defs.push({ name: 'IEDATA_REG', offset: DMAR_IEDATA_REG, size: 4, writable: c.ecap.eim ? 0xffffffff : 0xffff });
    defs.push({ name: 'IEADDR_REG', offset: DMAR_IEADDR_REG, size: 4, writable: 0xfffffffc });
    defs.push({ name: 'IEUADDR_REG', offset: DMAR_IEUADDR_REG, size: 4, writable: c.ecap.eim ? 0xffffffff : 0 });
  }
  if (c.ecap.ir) defs.push({ name: 'IRTA_REG', offset: DMAR_IRTA_REG, size: 8, writable: [0xfffff80f, addrHi], fidelity: 'unimplemented' });
  const iro = c.ecap.iroOffset;
  defs.push({ name: 'IVA_REG', offset: iro, size: 8, writable: [0xfffff07f, addrHi], writeOnly: [0xffffffff, 0xffffffff] });
  defs.push({ name: 'IOTLB_REG', offset: iro + 8, size: 8, writable: [0, 0xb003ffff], onWrite: 'iotlbCommand' });
  for (let i = 0; i < c.cap.nfr; i++) {
    defs.push({ name: `FRCD${i}_LO`, offset: frcdOffset(c, i), size: 8 });
    defs.push({ name: `FRCD${i}_HI`, offset: frcdOffset(c, i) + 8, size: 8, w1c: [0, DMA_FRCD_F], onWrite: 'faultRecordCleared' });
  }
  return defs;
}
