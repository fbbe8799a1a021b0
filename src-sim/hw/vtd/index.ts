/** VT-d DMA-remapping hardware: what the platform, Xen's driver model and tests import. */
export { IntelIommu, type IntelIommuOptions, type IntelIommuState, type IntelIommuStats } from './iommu.ts';
export {
  VTD_PROFILES,
  capabilitiesFromHex,
  capabilitiesToHex,
  chooseCapabilities,
  decodeCap,
  decodeEcap,
  domainCount,
  encodeCap,
  encodeEcap,
  type VtdCap,
  type VtdCapabilities,
  type VtdEcap,
  type VtdProfileName,
  type VtdUnitDescription,
} from './cap.ts';
export * from './dmar-regs.ts';
export type { FaultEventSink, FaultOutcome } from './fault.ts';
export { CONTEXT_TT_DEV_IOTLB, CONTEXT_TT_MULTI_LEVEL, CONTEXT_TT_PASS_THROUGH } from './context.ts';
export { createRemappingUnits, remappingUnitFor, type RemappingUnit, type RemappingUnitsOptions } from './drhd.ts';
