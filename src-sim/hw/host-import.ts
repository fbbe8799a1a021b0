/**
 * `vtdw host import`: a host profile from a real machine's `lspci -xxx`/`-xxxx` dump (and,
 * optionally, its DMAR table). Every function keeps its dumped bytes, so the simulated host
 * answers config cycles with them; what a dump cannot tell (CPU, memory, BAR sizes) is left
 * as "unknown" for the user to fill in.
 */
import * as v from 'valibot';
import { formatBdf } from '../../src-shared/units/bdf.ts';
import { isDmarParseError, parseDmar, type DmarWarning } from './acpi/dmar.ts';
import { dmarTableSchema, type DmarTable } from './acpi/dmar-table.ts';
import { configRows, HOST_PROFILE_VERSION, parseHostProfile, schemaIssue, type HostProfile } from './host-profile.ts';
import { lineColumn, pathOffset, scanJson } from './json-text.ts';
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

/** Where a problem is ("byte 0x1c", "3:7") and why, as the CLI prints it after the file name. */
export interface LocatedProblem {
  at: string;
  reason: string;
}

export type DmarImport = { ok: true; dmar: DmarTable; warnings: LocatedProblem[] } | { ok: false; error: LocatedProblem };

const byteAt = (w: DmarWarning): LocatedProblem => ({ at: `byte 0x${w.offset.toString(16)}`, reason: w.reason });

/** A DMAR for `--dmar`: the binary table (signature "DMAR") or its `vtdw dmar --json` form. */
export function readDmarForImport(bytes: Uint8Array): DmarImport {
  const isBinary = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === 'DMAR';
  if (isBinary) {
    const warnings: DmarWarning[] = [];
    const t = parseDmar(bytes, { warnings });
    return isDmarParseError(t) ? { ok: false, error: byteAt(t) } : { ok: true, dmar: t, warnings: warnings.map(byteAt) };
  }
  const text = utf8(bytes);
  if (!/^\s*[{[]/.test(text)) {
    const sig = Array.from(bytes.subarray(0, 4), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
    return { ok: false, error: { at: 'byte 0x0', reason: `signature "${sig}" is not "DMAR", and the file is not JSON (\`vtdw dmar FILE --json\` output) either` } };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const at = lineColumn(text, Math.max(0, scanJson(text).errorAt));
    return { ok: false, error: { at, reason: 'neither a binary DMAR table (no "DMAR" signature) nor valid JSON (`vtdw dmar FILE --json` output)' } };
  }
  const r = v.safeParse(dmarTableSchema, data);
  if (!r.success) {
    const { path, message } = schemaIssue(r.issues[0]);
    return { ok: false, error: { at: lineColumn(text, pathOffset(scanJson(text), path)), reason: path ? `${path}: ${message}` : message } };
  }
  return { ok: true, dmar: r.output, warnings: [] };
}

/**
 * What `--host` names: a profile (JSON) or an lspci dump, imported on the fly. Anything that
 * is JSON — or starts like it — is a profile, so `[]` or `null` is a bad profile, not a dump.
 */
export function hostFromText(text: string, name: string): HostProfile {
  const looksJson = /^\s*[{[]/.test(text) || scanJson(text).errorAt === -1;
  return looksJson ? parseHostProfile(text) : importLspciDump(text, { name });
}
