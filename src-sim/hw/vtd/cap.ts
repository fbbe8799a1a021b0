/**
 * CAP and ECAP of a DMA-remapping unit (Intel VT-d spec v1.x §10.4.2/10.4.3), as named fields,
 * and the per-chipset values the simulator offers. Bit positions follow Xen 2007's
 * xen/include/asm-x86/hvm/vmx/intel-iommu.h (cap_nd, cap_sagaw, cap_fault_reg_offset, …) and
 * QEMU's hw/i386/intel_iommu_internal.h (VTD_CAP_*, VTD_ECAP_*).
 *
 * The register value is 64 bits; it is kept as two dwords (lo, hi) because the register file
 * stores dwords and every field we need lies inside one of them except FRO (bits 33:24).
 */

/** CAP_REG (offset 0x08) as named fields; widths and offsets in their natural units. */
export interface VtdCap {
  /** ND field: 2^(4+2·nd) domain ids. */
  nd: number;
  afl: boolean;
  rwbf: boolean;
  plmr: boolean;
  phmr: boolean;
  /** Caching mode: not-present entries may be cached (emulated IOMMUs). */
  cm: boolean;
  /** SAGAW bitmap: bit n = AGAW code n (0 → 2-level … 4 → 6-level). */
  sagaw: number;
  /** Maximum guest address width in bits (register field + 1). */
  mgawBits: number;
  zlr: boolean;
  isoch: boolean;
  /** Byte offset of the first fault recording register (FRO × 16). */
  froOffset: number;
  /** SLLPS bitmap: bit 0 = 2 MiB, bit 1 = 1 GiB, … */
  sllps: number;
  psi: boolean;
  /** Number of fault recording registers (NFR field + 1). */
  nfr: number;
  mamv: number;
  dwd: boolean;
  drd: boolean;
}

/** ECAP_REG (offset 0x10) as named fields. */
export interface VtdEcap {
  c: boolean;
  qi: boolean;
  dt: boolean;
  ir: boolean;
  eim: boolean;
  ch: boolean;
  pt: boolean;
  sc: boolean;
  /** Byte offset of the IOTLB registers (IRO × 16). */
  iroOffset: number;
  mhmv: number;
}

export interface VtdCapabilities {
  cap: VtdCap;
  ecap: VtdEcap;
}

const bit = (v: number, n: number): boolean => ((v >>> n) & 1) === 1;
const b = (x: boolean, n: number): number => (x ? 1 << n : 0) >>> 0;

export function decodeCap(lo: number, hi: number): VtdCap {
  return {
    nd: lo & 7,
    afl: bit(lo, 3),
    rwbf: bit(lo, 4),
    plmr: bit(lo, 5),
    phmr: bit(lo, 6),
    cm: bit(lo, 7),
    sagaw: (lo >>> 8) & 0x1f,
    mgawBits: ((lo >>> 16) & 0x3f) + 1,
    zlr: bit(lo, 22),
    isoch: bit(lo, 23),
    froOffset: (((lo >>> 24) & 0xff) | ((hi & 3) << 8)) * 16,
    sllps: (hi >>> 2) & 0xf,
    psi: bit(hi, 7),
    nfr: ((hi >>> 8) & 0xff) + 1,
    mamv: (hi >>> 16) & 0x3f,
    dwd: bit(hi, 22),
    drd: bit(hi, 23),
  };
}

export function encodeCap(c: VtdCap): [lo: number, hi: number] {
  const fro = c.froOffset / 16;
  const lo =
    (c.nd & 7) | b(c.afl, 3) | b(c.rwbf, 4) | b(c.plmr, 5) | b(c.phmr, 6) | b(c.cm, 7) | ((c.sagaw & 0x1f) << 8) |
    (((c.mgawBits - 1) & 0x3f) << 16) | b(c.zlr, 22) | b(c.isoch, 23) | ((fro & 0xff) << 24);
  const hi = ((fro >>> 8) & 3) | ((c.sllps & 0xf) << 2) | b(c.psi, 7) | (((c.nfr - 1) & 0xff) << 8) | ((c.mamv & 0x3f) << 16) | b(c.dwd, 22) | b(c.drd, 23);
  return [lo >>> 0, hi >>> 0];
}

export function decodeEcap(lo: number): VtdEcap {
  return {
    c: bit(lo, 0),
    qi: bit(lo, 1),
    dt: bit(lo, 2),
    ir: bit(lo, 3),
    eim: bit(lo, 4),
    ch: bit(lo, 5),
    pt: bit(lo, 6),
    sc: bit(lo, 7),
    iroOffset: ((lo >>> 8) & 0x3ff) * 16,
    mhmv: (lo >>> 20) & 0xf,
  };
}

export function encodeEcap(e: VtdEcap): [lo: number, hi: number] {
  const lo = b(e.c, 0) | b(e.qi, 1) | b(e.dt, 2) | b(e.ir, 3) | b(e.eim, 4) | b(e.ch, 5) | b(e.pt, 6) | b(e.sc, 7) | (((e.iroOffset / 16) & 0x3ff) << 8) | ((e.mhmv & 0xf) << 20);
  return [lo >>> 0, 0];
}

/** A CAP/ECAP pair from the hex a boot log prints ("cap c9008020e30260 ecap 1000"). */
export function capabilitiesFromHex(capHex: string, ecapHex: string): VtdCapabilities {
  const split = (h: string): [number, number] => {
    const v = BigInt('0x' + h);
    return [Number(v & 0xffffffffn), Number(v >> 32n)];
  };
  const [clo, chi] = split(capHex);
  return { cap: decodeCap(clo, chi), ecap: decodeEcap(split(ecapHex)[0]) };
}

/** The register values as the lower-case hex a boot log prints. */
export function capabilitiesToHex(c: VtdCapabilities): { cap: string; ecap: string } {
  const join = ([lo, hi]: [number, number]) => ((BigInt(hi) << 32n) | BigInt(lo)).toString(16);
  return { cap: join(encodeCap(c.cap)), ecap: join(encodeEcap(c.ecap)) };
}

/**
 * Units the simulator knows, with the values real machines report (vtd.md §2.2):
 * - `q35-2007`: ICH9/Q35 "Bearlake" desktop unit, the seed's machine (3-level only, NFR 1).
 * - `x58-2009`: Tylersburg X58/5520 IOH (4-level only, NFR 8, QI/IR/PT/SC).
 * - `x58-2009-noir`: the same CAP with ecap f020e2 (no DT/IR/EIM), seen on some BIOSes.
 * - `emulated`: Q35 values plus CM=1, what an emulator (QEMU) exposes.
 */
export const VTD_PROFILES = {
  'q35-2007': { cap: 'c9008020e30260', ecap: '1000' },
  'x58-2009': { cap: 'c90780106f0462', ecap: 'f020fe' },
  'x58-2009-noir': { cap: 'c90780106f0462', ecap: 'f020e2' },
  emulated: { cap: 'c9008020e302e0', ecap: '1000' },
} as const;

export type VtdProfileName = keyof typeof VTD_PROFILES;

export interface VtdUnitDescription {
  /** A named profile; when absent one is derived from the host address width. */
  profile?: VtdProfileName;
  /** Platform host address width in bits (DMAR HAW field + 1). */
  hostAddressWidthBits: number;
  /** Field overrides applied last (e.g. `{ cap: { nfr: 4 } }` for a fault-overflow lab). */
  cap?: Partial<VtdCap>;
  ecap?: Partial<VtdEcap>;
}

/**
 * CAP/ECAP for one unit of a host. A named profile gives a real chipset's values; otherwise a
 * 2007-style unit is derived: MGAW = the host width, the single SAGAW level that covers it
 * (3-level up to 39 bits, else 4-level), 16 domains below 39 bits and 256 above, NFR 1 or 8.
 */
export function chooseCapabilities(desc: VtdUnitDescription): VtdCapabilities {
  const name = desc.profile ?? (desc.hostAddressWidthBits <= 39 ? 'q35-2007' : 'x58-2009');
  const base = capabilitiesFromHex(VTD_PROFILES[name].cap, VTD_PROFILES[name].ecap);
  if (!desc.profile) base.cap.mgawBits = Math.min(Math.max(desc.hostAddressWidthBits, 30), 48);
  return { cap: { ...base.cap, ...desc.cap }, ecap: { ...base.ecap, ...desc.ecap } };
}

/** Domain ids the unit supports (CAP.ND). */
export function domainCount(cap: VtdCap): number {
  return 2 ** (4 + 2 * cap.nd);
}
