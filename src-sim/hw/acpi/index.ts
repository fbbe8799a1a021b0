/** ACPI tables the platform firmware exposes; today the DMAR. */
export { parseDmar, emitDmar, isDmarParseError, DMAR_HEADER_SIZE, type DmarParseError, type DmarWarning } from './dmar.ts';
export * from './dmar-table.ts';
export { resolveScope, scopeCovers, findDrhd, rmrrsFor, drhdUnits, type BridgeBuses, type BridgeLookup, type DrhdMatch, type ScopeTarget } from './dmar-scope.ts';
export { ACPI_HEADER_SIZE, byteSum, fixChecksum, iaslName } from './acpi-header.ts';
