/**
 * `vtdw host import`: a host profile from a real machine's `lspci -xxx`/`-xxxx` dump (and,
 * optionally, its DMAR table). Every function keeps its dumped bytes, so the simulated host
 * answers config cycles with them; what a dump cannot tell (CPU, memory, BAR sizes) is left
 * as "unknown" for the user to fill in.
 */
import { formatBdf } from '../../src-shared/units/bdf.ts';
import type { DmarTable } from './acpi/dmar-table.ts';
import { configRows, HOST_PROFILE_VERSION, type HostProfile } from './host-profile.ts';
import { parseLspciDump } from './pci/lspci-dump.ts';

export interface ImportOptions {
  name: string;
  description?: string;
  dmar?: DmarTable | null;
}

/** Throws LspciDumpError (line and reason) on a malformed dump. */
export function importLspciDump(text: string, opts: ImportOptions): HostProfile {
  const devices = parseLspciDump(text);
  const profile: HostProfile = {
    profileVersion: HOST_PROFILE_VERSION,
    name: opts.name,
    description: opts.description ?? `imported from an lspci dump (${devices.length} functions); CPU, memory and BAR sizes unknown`,
    cpu: { model: 'unknown', ghz: 0, cores: 0 },
    ramMiB: 0,
    pci: devices.map((d) => {
      // Pad a short dump to whole 64-byte header rows: lspci needs the header to show a device.
      const bytes = d.bytes.length >= 64 ? d.bytes : Uint8Array.from({ length: 64 }, (_, i) => d.bytes[i] ?? 0xff);
      return d.title ? { bdf: formatBdf(d.bdf), note: d.title, config: configRows(bytes) } : { bdf: formatBdf(d.bdf), config: configRows(bytes) };
    }),
    dmar: opts.dmar ?? null,
  };
  return profile;
}
