/**
 * Host profiles: a physical machine as a data file (resources/hosts/*.json) — CPU, memory,
 * the PCI tree with every function's configuration space as hex rows (what `lspci -xxx` shows),
 * and the firmware's DMAR table in the shape `vtdw dmar --json` prints (null: no VT-d).
 * Validation names the field path of every problem ("pci[3].config[2]: …"); the CLI reads
 * the file, this pure code checks it and builds the PCI hierarchy from it.
 */
import * as v from 'valibot';
import { formatBdf, parseBdf, type Bdf } from '../../src-shared/units/bdf.ts';
import { dmarTableSchema } from './acpi/dmar-table.ts';
import { layoutFromImage } from './pci/config-layout.ts';
import { PciConfigSpace } from './pci/config-space.ts';
import { PciFunction } from './pci/pci-function.ts';
import { PciHost, type PciHostWiring } from './pci/pci-host.ts';
import { DEVICE_MODELS } from './device-models.ts';
import { bridgeBusProblems, type ProfileIssue } from './host-check.ts';
import { lineColumn, pathOffset, scanJson } from './json-text.ts';

export { jsonErrorOffset } from './json-text.ts';
export type { ProfileIssue } from './host-check.ts';

export const HOST_PROFILE_VERSION = 1;

/** The device models a profile's `model` field may name: the registry's keys. */
export { DEVICE_MODELS };

const HEX_ROW = /^[0-9a-f]{2}( [0-9a-f]{2}){0,15}$/;
const uint = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));

const bdfSchema = v.pipe(
  v.string(),
  v.check((s) => parseBdf(s).ok && /^[0-9a-f]{4}:/.test(s), 'a PCI address with its segment, lower-case, like "0000:02:00.0"'),
);

const pciFunctionSchema = v.strictObject({
  bdf: bdfSchema,
  /** What the device is, for people reading the file (lspci's name line). */
  note: v.optional(v.string()),
  /** 16 bytes per row, lower-case hex separated by single spaces: row N holds bytes 16N…16N+15. */
  config: v.pipe(
    v.array(v.pipe(v.string(), v.regex(HEX_ROW, 'a row of up to 16 bytes as lower-case hex separated by single spaces'))),
    v.minLength(4, 'at least 4 rows (the 64-byte header)'),
    v.maxLength(256, 'at most 256 rows (4096 bytes)'),
  ),
  /** BAR sizes in bytes, where known (imported dumps do not carry them). */
  bars: v.optional(v.array(v.strictObject({ index: uint(5), size: v.pipe(uint(2 ** 40), v.check((n) => n > 0 && Number.isInteger(Math.log2(n)), 'a power of two')) }))),
  romSize: v.optional(uint(2 ** 24)),
  /** A device model that should back this function, e.g. "e1000:82572EI-desktop". */
  model: v.optional(v.picklist(DEVICE_MODELS, (i) => `${i.received} is not a device model this build has (known: ${DEVICE_MODELS.join(', ')})`)),
});

export const hostProfileSchema = v.strictObject({
  profileVersion: v.literal(HOST_PROFILE_VERSION),
  name: v.pipe(v.string(), v.minLength(1)),
  description: v.optional(v.string()),
  cpu: v.strictObject({
    model: v.string(),
    /** 0 when unknown (an imported dump does not say). */
    ghz: v.pipe(v.number(), v.minValue(0), v.maxValue(10)),
    cores: uint(256),
  }),
  /** 0 when unknown. */
  ramMiB: uint(2 ** 24),
  pci: v.pipe(v.array(pciFunctionSchema), v.minLength(1, 'at least one PCI function')),
  dmar: v.nullable(dmarTableSchema),
  /**
   * How the chipset routes each root-bus slot's INTA#–INTD# to I/O APIC inputs (the ACPI _PRT
   * in APIC mode), keyed "SSSS:BB:DD". Pins behind bridges are swizzled to their root slot first.
   */
  irqRouting: v.optional(
    v.record(
      v.pipe(v.string(), v.regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]$/, 'a root-bus slot like "0000:00:1c"')),
      v.strictObject({ A: v.optional(uint(255)), B: v.optional(uint(255)), C: v.optional(uint(255)), D: v.optional(uint(255)) }),
    ),
  ),
});

export type HostProfile = v.InferOutput<typeof hostProfileSchema>;
export type HostProfilePciFunction = HostProfile['pci'][number];

/** A profile that does not validate; `problems` are the issues as "[line:col: ]path: message". */
export class HostProfileError extends Error {
  readonly problems: string[];
  constructor(readonly issues: (ProfileIssue & { at?: string })[]) {
    const problems = issues.map((i) => [i.at, i.path, i.message].filter(Boolean).join(': '));
    super(problems.join('\n'));
    this.problems = problems;
    this.name = 'HostProfileError';
  }
}

/** Field path as people write it: pci[3].config[2], dmar.structures[0].registerBase. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', Array: 'a list [ … ]', Object: 'an object { … }', never: 'nothing here' };

/** valibot's "Invalid type: Expected … but received …" in plain words; own messages pass through. */
function plainMessage(issue: v.BaseIssue<unknown>, path: string): string {
  const { type, expected, received, message } = issue;
  if (!message.startsWith('Invalid ')) return message;
  if (path === 'profileVersion' && type === 'literal') {
    const n = issue.input;
    return typeof n === 'number' && n > HOST_PROFILE_VERSION
      ? `profile version ${n} is newer than this build reads (${HOST_PROFILE_VERSION})`
      : `profile version ${received} is not one this build reads (${HOST_PROFILE_VERSION})`;
  }
  if ((type === 'strict_object' || type === 'object') && received === 'undefined') return 'missing field';
  if (type === 'strict_object' && expected === 'never') return 'unknown field (not part of a host profile)';
  if (type === 'strict_tuple' && expected === 'never') return 'unexpected entry (this list must be empty)';
  if (type === 'min_value') return `must be at least ${expected?.replace('>=', '')}, found ${received}`;
  if (type === 'max_value') return `must be at most ${expected?.replace('<=', '')}, found ${received}`;
  if (type === 'integer') return `must be a whole number, found ${received}`;
  if (type === 'literal' || type === 'picklist' || type === 'variant') return `must be ${expected?.replace(/^\((.*)\)$/, '$1').replace(/ \| /g, ' or ')}, found ${received}`;
  if (expected && TYPE_WORDS[expected]) return `must be ${TYPE_WORDS[expected]}, found ${received === 'Array' ? 'a list' : received === 'Object' ? 'an object' : received}`;
  return message;
}

/** A schema issue as a field path and a message in plain words. */
export function schemaIssue(i: v.BaseIssue<unknown>): ProfileIssue {
  const path = pathOf(i);
  return { path, message: plainMessage(i, path) };
}

/** Problems found after the schema passed: duplicate addresses, short rows, bridge bus numbers. */
function structuralProblems(p: HostProfile): ProfileIssue[] {
  const problems: ProfileIssue[] = [];
  const seen = new Map<string, number>();
  p.pci.forEach((f, i) => {
    const key = formatBdf((parseBdf(f.bdf) as { bdf: Bdf }).bdf);
    const first = seen.get(key);
    if (first !== undefined) problems.push({ path: `pci[${i}].bdf`, message: `${key} is already pci[${first}]` });
    seen.set(key, i);
    const len = configBytes(f).length;
    if (f.config.slice(0, -1).some((row) => row.length !== 47)) problems.push({ path: `pci[${i}].config`, message: 'every row but the last must hold 16 bytes' });
    if (len < 64) problems.push({ path: `pci[${i}].config`, message: `${len} bytes; the header alone is 64` });
  });
  return problems.length ? problems : bridgeBusProblems(p);
}

type Validation = { ok: true; profile: HostProfile } | { ok: false; problems: string[]; issues: ProfileIssue[] };

/** Checks an already-parsed JSON value; every problem is reported with its field path. */
export function validateHostProfile(data: unknown): Validation {
  const fail = (issues: ProfileIssue[]): Validation => ({ ok: false, issues, problems: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail([{ path: '', message: `a host profile must be a JSON object { … }, not ${Array.isArray(data) ? 'a list' : data === null ? 'null' : `a ${typeof data}`}` }]);
  }
  const r = v.safeParse(hostProfileSchema, data);
  if (!r.success) return fail(r.issues.map(schemaIssue));
  const problems = structuralProblems(r.output);
  return problems.length ? fail(problems) : { ok: true, profile: r.output };
}

/** Problems with the device models a profile names (what the PC would have to plug). */
export function deviceModelProblems(p: HostProfile): ProfileIssue[] {
  return p.pci.flatMap((f, i) => (f.model === undefined || DEVICE_MODELS.includes(f.model) ? [] : [{ path: `pci[${i}].model`, message: `"${f.model}" is not a device model this build has (known: ${DEVICE_MODELS.join(', ')})` }]));
}

/** Parses profile text (JSON) and validates it; syntax errors give line:column. */
export function parseHostProfile(text: string): HostProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = lineColumn(text, Math.max(0, scanJson(text).errorAt));
    throw new HostProfileError([{ at, path: '', message: `invalid JSON: ${(e as Error).message.split('\n')[0].replace(/ in JSON at position \d+.*$/, '')}` }]);
  }
  const r = validateHostProfile(data);
  if (!r.ok) {
    const scan = scanJson(text);
    throw new HostProfileError(r.issues.map((i) => ({ ...i, at: lineColumn(text, pathOffset(scan, i.path)) })));
  }
  return r.profile;
}

export function configBytes(f: Pick<HostProfilePciFunction, 'config'>): Uint8Array {
  const bytes: number[] = [];
  for (const row of f.config) for (const b of row.split(' ')) bytes.push(parseInt(b, 16));
  return Uint8Array.from(bytes);
}

/** Config bytes as profile rows (16 per row, like lspci -xxx without the offsets). */
export function configRows(bytes: Uint8Array): string[] {
  const rows: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) rows.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' '));
  return rows;
}

export function functionBdf(f: HostProfilePciFunction): Bdf {
  const r = parseBdf(f.bdf);
  if (!r.ok) throw new Error(`validated profile holds a bad BDF ${f.bdf}`);
  return r.bdf;
}

/** A raw function: the profile's bytes with standard header/capability semantics laid over. */
export function functionFromProfile(f: HostProfilePciFunction): PciFunction {
  const barSizes: Record<number, number> = {};
  for (const b of f.bars ?? []) barSizes[b.index] = b.size;
  const layout = layoutFromImage(configBytes(f), { barSizes, romSize: f.romSize ?? 0 });
  return new PciFunction(functionBdf(f), new PciConfigSpace(layout));
}

/**
 * The machine's PCI hierarchy from a profile: functions attached bus by bus, so bridges
 * exist before the devices behind them. Functions with a `model` are left to the caller,
 * which plugs the model there (see plugModel) — `skipModels` says whether to leave them out.
 */
export function buildPciHost(profile: HostProfile, wiring: PciHostWiring = {}, opts: { skipModels?: boolean } = {}): PciHost {
  const host = new PciHost(wiring);
  const fns = profile.pci.filter((f) => !(opts.skipModels && f.model)).map((f) => ({ f, bdf: functionBdf(f) }));
  fns.sort((a, b) => a.bdf.segment - b.bdf.segment || a.bdf.bus - b.bdf.bus || a.bdf.device - b.bdf.device || a.bdf.fn - b.bdf.fn);
  for (const { bdf } of fns) if (bdf.bus === 0) host.rootBus(bdf.segment, 0);
  for (const { f } of fns) host.attach(functionFromProfile(f));
  return host;
}
