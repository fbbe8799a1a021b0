/**
 * The simulator's one door for in-process callers (the `vtdw` CLI, benchmarks, golden
 * regeneration): everything they may use of the simulator is re-exported here, so the CLI never
 * reaches into the core's internals and the core can be reorganised behind this file.
 */
export { SimRuntime, type RuntimeOptions } from './runtime.ts';
export { SimSession } from './session.ts';
export { Simulation, DEFAULT_SEED } from '../engine/simulation.ts';
export { parseDmar, emitDmar, isDmarParseError, dmarJson, dmarTableSchema, findDrhd, rmrrsFor, unsupportedTypeName, iaslName, type DmarWarning, type DmarTable, type DmarJson, type DmarStructure, type DmarDeviceScope, type DmarParseError, type BridgeLookup } from '../hw/acpi/index.ts';
export { lspci, type LspciOptions } from '../guest/lspci/lspci.ts';
export { importLspciDump, readDmarForImport, hostFromText } from '../hw/host-import.ts';
export { parseHostProfile, buildPciHost, HostProfileError, type HostProfile } from '../hw/host-profile.ts';
export { LspciDumpError } from '../hw/pci/lspci-dump.ts';
export { configAccess } from '../hw/pci/pci-access.ts';
export { plausibilityWarnings, type ProfileIssue } from '../hw/host-check.ts';
export { scanJson, pathOffset, lineColumn } from '../hw/json-text.ts';
export { ANY, parseSlotFilter, parseIdFilter, filterMatches, type PciFilter } from '../guest/lspci/filter.ts';
export { World, type WorldOptions } from '../world/world.ts';
export { runVtd, type RunOptions, type RunResult, type RunFailure, type RunUntil, type RunFile } from '../toolstack/run.ts';
export { eraRefusal, XEN_ERAS, type XenEra } from '../xen/common/version.ts';
export { ATTACKS, attackText, type AttackKind, type AttackReport, type AttackAttempt } from '../toolstack/attack.ts';
