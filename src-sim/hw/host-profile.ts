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

export const HOST_PROFILE_VERSION = 1;

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
  model: v.optional(v.string()),
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
});

export type HostProfile = v.InferOutput<typeof hostProfileSchema>;
export type HostProfilePciFunction = HostProfile['pci'][number];

export class HostProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
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
  return out || '(top level)';
}

/** Checks an already-parsed JSON value; every problem is reported with its field path. */
export function validateHostProfile(data: unknown): { ok: true; profile: HostProfile } | { ok: false; problems: string[] } {
  const r = v.safeParse(hostProfileSchema, data);
  if (!r.success) return { ok: false, problems: r.issues.map((i) => `${pathOf(i)}: ${i.message}`) };
  const problems: string[] = [];
  const seen = new Map<string, number>();
  r.output.pci.forEach((f, i) => {
    const key = formatBdf((parseBdf(f.bdf) as { bdf: Bdf }).bdf);
    const first = seen.get(key);
    if (first !== undefined) problems.push(`pci[${i}].bdf: ${key} is already pci[${first}]`);
    seen.set(key, i);
    const len = configBytes(f).length;
    if (f.config.slice(0, -1).some((row) => row.length !== 47)) problems.push(`pci[${i}].config: every row but the last must hold 16 bytes`);
    if (len < 64) problems.push(`pci[${i}].config: ${len} bytes; the header alone is 64`);
  });
  return problems.length ? { ok: false, problems } : { ok: true, profile: r.output };
}

/**
 * Where JSON text first goes wrong (JSON.parse no longer says): a small recursive-descent
 * scan of the grammar, returning the offset of the first offending character.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string) => (text.startsWith(w, i) ? (i += w.length) : fail());
  const str = () => {
    if (text[i] !== '"') fail();
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] < ' ') fail();
      if (text[i] === '\\') i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (depth: number): void => {
    ws();
    if (depth > 512) fail();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return void i++;
        else fail();
      }
    }
    if (c === '"') return str();
    if (c === 't') return void lit('true');
    if (c === 'f') return void lit('false');
    if (c === 'n') return void lit('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value(0);
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return at as number;
  }
}

/** Parses profile text (JSON) and validates it; syntax errors give line:column. */
export function parseHostProfile(text: string): HostProfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const pos = Math.max(0, jsonErrorOffset(text));
    const before = text.slice(0, pos).split('\n');
    throw new HostProfileError([`${before.length}:${before[before.length - 1].length + 1}: invalid JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  const r = validateHostProfile(data);
  if (!r.ok) throw new HostProfileError(r.problems);
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
