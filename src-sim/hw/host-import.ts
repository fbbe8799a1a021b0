/**
 * `vtdw host import`: a host profile from a real machine's `lspci -xxx`/`-xxxx` dump (and,
 * optionally, its DMAR table). Every function keeps its dumped bytes, so the simulated host
 * answers config cycles with them; what a dump cannot tell (CPU, memory, BAR sizes) is left
 * as "unknown" for the user to fill in.
 */
import * as v from 'valibot';
import { formatBdf } from '../../src-shared/units/bdf.ts';
import { isDmarParseError, parseDmar } from './acpi/dmar.ts';
import { dmarTableSchema, type DmarTable } from './acpi/dmar-table.ts';
import { configRows, HOST_PROFILE_VERSION, parseHostProfile, type HostProfile } from './host-profile.ts';
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

/** UTF-8 bytes to text without host APIs (the core has no TextDecoder). */
function utf8(bytes: Uint8Array): string {
  let latin1 = '';
  for (let i = 0; i < bytes.length; i += 8192) latin1 += String.fromCharCode(...bytes.subarray(i, i + 8192));
  try {
    return decodeURIComponent(escape(latin1));
  } catch {
    return latin1;
  }
}

/** A DMAR for `--dmar`: the binary table (signature "DMAR") or its `vtdw dmar --json` form. */
export function readDmarForImport(bytes: Uint8Array): { ok: true; dmar: DmarTable } | { ok: false; error: string } {
  const isBinary = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'DMAR';
  if (isBinary) {
    const t = parseDmar(bytes);
    return isDmarParseError(t) ? { ok: false, error: `byte offset ${t.offset}: ${t.reason}` } : { ok: true, dmar: t };
  }
  let data: unknown;
  try {
    data = JSON.parse(utf8(bytes));
  } catch (e) {
    return { ok: false, error: `neither a binary DMAR table (no "DMAR" signature) nor JSON: ${(e as Error).message}` };
  }
  const r = v.safeParse(dmarTableSchema, data);
  if (!r.success) return { ok: false, error: r.issues.map((i) => `${(i.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('').replace(/^\./, '') || '(top level)'}: ${i.message}`).join('; ') };
  return { ok: true, dmar: r.output };
}

/** What `--host` names: a profile (JSON) or an lspci dump, imported on the fly. */
export function hostFromText(text: string, name: string): HostProfile {
  return /^\s*\{/.test(text) ? parseHostProfile(text) : importLspciDump(text, { name });
}
