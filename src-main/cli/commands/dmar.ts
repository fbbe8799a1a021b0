/**
 * `vtdw dmar FILE [--json]`: decodes a binary ACPI DMAR table (an acpidump extract, `iasl`
 * output, or what the simulator's firmware exposes) — the remapping units, reserved regions and
 * device scopes a 2007 Xen host would parse at boot.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { readInput, report } from '../file-errors.ts';
import { dmarJson, iaslName, isDmarParseError, parseDmar, unsupportedTypeName, type DmarDeviceScope, type DmarStructure, type DmarTable, type DmarWarning } from '../../../src-sim/host/headless.ts';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const show = (text: string): string => text.replace(/[^\x20-\x7e]/g, (c) => '\\x' + hex2(c.charCodeAt(0)));

const DMAR_FLAGS = ['INTR_REMAP', 'X2APIC_OPT_OUT', 'DMA_CTRL_PLATFORM_OPT_IN'];

function flagNames(flags: number, names: readonly string[]): string {
  const set = names.filter((_, i) => flags & (1 << i));
  const unknown = flags & ~((1 << names.length) - 1);
  if (unknown) set.push(`0x${unknown.toString(16)}`);
  return `0x${flags.toString(16)}${set.length ? ` (${set.join(', ')})` : ''}`;
}

function size(base: string, end: string): string {
  const n = BigInt(end) - BigInt(base) + 1n;
  if (n <= 0n) return 'end below base';
  const units: [bigint, string][] = [
    [1n << 30n, 'GiB'],
    [1n << 20n, 'MiB'],
    [1n << 10n, 'KiB'],
  ];
  for (const [u, name] of units) if (n % u === 0n) return `${n / u} ${name}`;
  return `${n} bytes`;
}

/** "00:1c.4/00.0": the start bus, then each hop's device.function (Linux sysfs path style). */
function scopeLine(s: DmarDeviceScope): string {
  const path = s.path.map(([d, f]) => `${hex2(d)}.${f}`).join('/');
  const where = path ? `${hex2(s.startBus)}:${path}` : `bus ${hex2(s.startBus)}, empty path`;
  const id = s.type === 'endpoint' || s.type === 'bridge' ? '' : `id ${s.enumerationId}  `;
  const flags = s.flags ? `  flags 0x${hex2(s.flags)}` : '';
  return `      ${s.type.padEnd(9)} ${id}${where}${flags}`;
}

function structureLines(s: DmarStructure, i: number): string[] {
  const tag = `[${i}] ${s.type}`;
  const seg = (n: number) => `segment ${n.toString(16).padStart(4, '0')}`;
  switch (s.type) {
    case 'DRHD':
      return [`${tag}  register base ${s.registerBase}${s.size ? ` (2^${s.size} pages)` : ''}  ${seg(s.segment)}  flags ${flagNames(s.flags, ['INCLUDE_PCI_ALL'])}`, ...s.scopes.map(scopeLine)];
    case 'RMRR':
      return [`${tag}  ${s.baseAddress}-${s.endAddress} (${size(s.baseAddress, s.endAddress)})  ${seg(s.segment)}`, ...s.scopes.map(scopeLine)];
    case 'ATSR':
      return [`${tag}  ${seg(s.segment)}  flags ${flagNames(s.flags, ['ALL_PORTS'])}`, ...s.scopes.map(scopeLine)];
    case 'RHSA':
      return [`${tag}  register base ${s.baseAddress}  proximity domain ${s.proximityDomain}`];
    case 'ANDD':
      return [`${tag}  device number ${s.deviceNumber}  name "${show(s.name)}"`];
    case 'SATC':
      return [`${tag}  ${seg(s.segment)}  flags ${flagNames(s.flags, ['ATC_REQUIRED'])}`, ...s.scopes.map(scopeLine)];
    case 'SIDP':
      return [`${tag}  ${seg(s.segment)}`, ...s.scopes.map(scopeLine)];
    case 'unsupported':
      return [`[${i}] ${unsupportedTypeName(s.typeCode)}  ${4 + s.data.length / 2} bytes  skipped: not supported by this build`];
  }
}

/** The readable listing: header, then one block per structure in table order. */
export function dmarListing(t: DmarTable, bytes: number): string {
  const lines = [`DMAR revision ${t.revision}, ${bytes} bytes, checksum ok`];
  if (t.oem) {
    const o = t.oem;
    // The names as iASL prints them: up to the first NUL, unprintable bytes as spaces.
    lines.push(`OEM "${iaslName(o.oemId)}" table "${iaslName(o.oemTableId)}" revision 0x${o.oemRevision.toString(16)}, creator "${iaslName(o.creatorId)}" revision 0x${o.creatorRevision.toString(16)}`);
  }
  lines.push(`Host address width ${t.hostAddressWidth + 1} bits (field 0x${hex2(t.hostAddressWidth)})`, `Flags ${flagNames(t.flags, DMAR_FLAGS)}`, '');
  t.structures.forEach((s, i) => lines.push(...structureLines(s, i)));
  const count = (type: string) => t.structures.filter((s) => s.type === type).length;
  const skipped = count('unsupported') ? `, ${count('unsupported')} skipped` : '';
  const later = ['SATC', 'SIDP'].filter((t) => count(t)).map((t) => `, ${count(t)} ${t}`).join('');
  lines.push('', `${count('DRHD')} DRHD, ${count('RMRR')} RMRR, ${count('ATSR')} ATSR, ${count('RHSA')} RHSA, ${count('ANDD')} ANDD${later}${skipped}`);
  return lines.join('\n') + '\n';
}

export const dmar: Command = {
  summary: 'decode a binary ACPI DMAR table (remapping units, RMRRs, device scopes)',
  usage: `Usage: vtdw dmar FILE [--json]

Decodes the binary DMAR table in FILE (e.g. from \`acpidump -b\` or \`iasl\`).
  --json   print the table as JSON: { "revision", "hostAddressWidth", "flags", "structures" }
           (hostAddressWidth is the raw field: the platform's width in bits minus one)
Scope paths read as START_BUS:DEV.FN/DEV.FN…: each hop but the last is a bridge whose
secondary bus the next hop is on. A malformed table is reported as
"vtdw dmar: FILE: byte 0xNN: reason" with exit status 1. Structure types 0-6 (DRHD, RMRR,
ATSR, RHSA, ANDD, SATC, SIDP) are decoded as ACPICA's iasl decodes them; later types are
skipped with a warning and kept in --json as "unsupported".`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length === 0) throw new UsageError('missing FILE (a binary DMAR table)');
    if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
    const file = positionals[0];
    const read = await readInput(io, 'dmar', file);
    if (!read) return 1;
    const bytes = new Uint8Array(read);
    const warnings: DmarWarning[] = [];
    const table = parseDmar(bytes, { warnings });
    if (isDmarParseError(table)) {
      report(io, 'dmar', file, `byte 0x${table.offset.toString(16)}`, table.reason);
      return 1;
    }
    for (const w of warnings) report(io, 'dmar', file, `byte 0x${w.offset.toString(16)}`, `warning: ${w.reason}`);
    io.out(values.json ? JSON.stringify(dmarJson(table), null, 2) + '\n' : dmarListing(table, bytes.length));
    return 0;
  },
};
