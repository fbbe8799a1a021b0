/**
 * The two PCI-address grammars users type by hand:
 *
 * - xm's `pci = [ '…' ]` strings, whose parser changed per era (xen.md §2.1): 2007/3.2
 *   `preprocess_pci` uses `re.match` (anchored at the start only, one hex function digit, the
 *   rest ignored, non-matching strings silently dropped); 3.3/3.4 anchor the whole string and
 *   require function 0-7 (3.4 adds `@VSLOT` and `,key=val` options), still dropping misses;
 *   4.0 rejects a non-matching string with `Error: Failed to parse pci device`.
 * - dom0 Linux's `pciback.hide=(…)(…)` (2.6.18-xen `pci_stub.c`), read with repeated
 *   `sscanf(" (%x:%x:%x.%x) %n")` / `" (%x:%x.%x) %n"`; anything else stops the parse with
 *   `pciback: Error parsing pci_devs_to_hide at "…"`.
 */
import { inEra, type Era } from './era.ts';

export interface PciAddress {
  domain: number;
  bus: number;
  slot: number;
  func: number;
}

/** `0000:02:00.0`, the spelling sysfs and xend print. */
export function canonicalBdf(a: PciAddress): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(a.domain, 4)}:${h(a.bus, 2)}:${h(a.slot, 2)}.${a.func.toString(16)}`;
}

/** `02:00.0` (segment dropped when 0), the spelling configs use. */
export function shortBdf(a: PciAddress): string {
  const full = canonicalBdf(a);
  return a.domain === 0 ? full.slice(5) : full;
}

export type XmPciOutcome =
  /** Parsed exactly as written. */
  | 'ok'
  /** Accepted, but part of the text is ignored (the seed's `02:00.00` in 2007/3.2). */
  | 'ignored-tail'
  /** xm silently drops the entry: the guest boots without the device. */
  | 'dropped'
  /** xm stops with an error (4.0). */
  | 'rejected';

export interface XmPciParse {
  outcome: XmPciOutcome;
  address?: PciAddress;
  /** Characters [from, to) of the string that xm ignores. */
  ignored?: [number, number];
  /** 3.4+: per-device options after the address. */
  options?: Record<string, string>;
  /** A corrected spelling, when one is obvious. */
  suggestion?: string;
  why?: string;
}

const RE_2007 = /^(?:([0-9a-fA-F]{1,4})[:,])?([0-9a-fA-F]{1,2})[:,]([0-9a-fA-F]{1,2})[.,]([0-9a-fA-F])/;
const RE_33 = /^(?:([0-9a-fA-F]{1,4})[:,])?([0-9a-fA-F]{1,2})[:,]([0-9a-fA-F]{1,2})[.,]([0-7])$/;
const RE_34 = /^(?:([0-9a-fA-F]{1,4})[:,])?([0-9a-fA-F]{1,2})[:,]([0-9a-fA-F]{1,2})[.,]([0-7])(?:@([0-9a-fA-F]{1,2}))?((?:,[a-z_]+=[^,]*)*)$/;
const RE_40 = /^(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.(\*|[0-7](?:-[0-7])?(?:,[0-7](?:-[0-7])?)*)(?:@([0-9a-fA-F]{1,2}))?((?:,[a-z_]+=[^,]*)*)$/;

/** Parses one `pci = [...]` entry as the given era's xm would. */
export function parseXmPci(text: string, era: Era): XmPciParse {
  const m = (inEra(era, '4.0') ? RE_40 : inEra(era, '3.4') ? RE_34 : inEra(era, '3.3') ? RE_33 : RE_2007).exec(text);
  if (!m) {
    const suggestion = suggestBdf(text);
    const outcome: XmPciOutcome = inEra(era, '4.0') ? 'rejected' : 'dropped';
    const why = /\s/.test(text) && suggestion === text.trim() ? 'it contains white space' : `it is not of the form [SSSS:]BB:DD.F${inEra(era, '3.3') ? ' with function 0-7' : ''}`;
    return { outcome, suggestion: suggestion !== text ? suggestion : undefined, why };
  }
  const func = m[4] === '*' || m[4].includes('-') || m[4].includes(',') ? 0 : parseInt(m[4], 16);
  const address = { domain: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2], 16), slot: parseInt(m[3], 16), func };
  const options: Record<string, string> = {};
  for (const kv of (m[6] ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    options[k] = v ?? '';
  }
  if (m[0].length < text.length) {
    return { outcome: 'ignored-tail', address, ignored: [m[0].length, text.length], suggestion: m[1] ? canonicalBdf(address) : shortBdf(address), why: `xm reads '${m[0]}' and ignores '${text.slice(m[0].length)}'` };
  }
  return { outcome: 'ok', address, options };
}

/** The obvious intended address: `02:00.00` → `02:00.0`, ` 02:00.0 ` → `02:00.0`, `2:0.0` kept. */
export function suggestBdf(text: string): string | undefined {
  const t = text.trim();
  const m = /^(?:(?:0x)?([0-9a-fA-F]{1,4})[:.,-])?(?:0x)?([0-9a-fA-F]{1,2})[:.,-](?:0x)?([0-9a-fA-F]{1,2})[.,:-](?:0x)?0*([0-7])$/.exec(t);
  if (!m) return undefined;
  const a = { domain: m[1] ? parseInt(m[1], 16) : 0, bus: parseInt(m[2], 16), slot: parseInt(m[3], 16), func: parseInt(m[4], 16) };
  if (a.slot > 0x1f) return undefined;
  return m[1] ? canonicalBdf(a) : shortBdf(a);
}

// ---- pciback.hide ----------------------------------------------------------------------------

export interface HideGroup {
  address: PciAddress;
  /** Offsets of the group `(…)` within the parameter value. */
  start: number;
  end: number;
  /** What Linux will actually hide when the text says more (func 8 → 0, slot 0x20 → 0). */
  truncated?: boolean;
}

export interface HideParse {
  groups: HideGroup[];
  /** Offset where Linux stopped with "Error parsing pci_devs_to_hide at …" (rest not hidden). */
  errorAt?: number;
}

/** `(%x:%x:%x.%x)` or `(%x:%x.%x)` groups, white space allowed around them. */
export function parseHideList(value: string): HideParse {
  const groups: HideGroup[] = [];
  let pos = 0;
  for (;;) {
    const start = skipWs(value, pos);
    const g = scanGroup(value, start);
    if (!g) return { groups, errorAt: start };
    groups.push({ ...g.group, start, end: g.end });
    // `%n` only records a position when the closing ')' matched; without it the loop ends.
    if (!g.closed) return { groups };
    pos = skipWs(value, g.end);
    if (pos >= value.length) return { groups };
  }
}

function skipWs(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/** sscanf's `%x`: optional white space, optional 0x, one or more hex digits. */
function scanHex(s: string, i: number): { value: number; end: number } | undefined {
  let j = skipWs(s, i);
  if (s[j] === '0' && (s[j + 1] === 'x' || s[j + 1] === 'X') && /[0-9a-fA-F]/.test(s[j + 2] ?? '')) j += 2;
  const start = j;
  while (j < s.length && /[0-9a-fA-F]/.test(s[j])) j++;
  if (j === start) return undefined;
  // The C int wraps; only the low bits matter to the kernel anyway.
  return { value: parseInt(s.slice(Math.max(start, j - 8), j), 16) >>> 0, end: j };
}

function scanGroup(s: string, i: number): { group: Omit<HideGroup, 'start' | 'end'>; end: number; closed: boolean } | undefined {
  if (s[i] !== '(') return undefined;
  const nums: number[] = [];
  const seps: string[] = [];
  let j = i + 1;
  for (let k = 0; k < 4; k++) {
    const h = scanHex(s, j);
    if (!h) break;
    nums.push(h.value);
    j = h.end;
    if (s[j] === ':' || s[j] === '.') {
      seps.push(s[j]);
      j++;
    } else break;
  }
  let fields: number[] | undefined;
  let used = 0;
  const pattern = seps.join('');
  if (nums.length >= 4 && pattern.startsWith('::.')) [fields, used] = [nums.slice(0, 4), 4];
  else if (nums.length >= 3 && pattern.startsWith(':.')) [fields, used] = [[0, ...nums.slice(0, 3)], 3];
  if (!fields) return undefined;
  // Rewind to just after the last field used, then expect ')'.
  let end = i + 1;
  for (let k = 0; k < used; k++) {
    end = scanHex(s, end)!.end;
    if (k < used - 1) end++;
  }
  const closed = s[end] === ')';
  const [domain, bus, slot, func] = fields;
  const address = { domain: domain & 0xffff, bus: bus & 0xff, slot: slot & 0x1f, func: func & 7 };
  const truncated = address.domain !== domain || address.bus !== bus || address.slot !== slot || address.func !== func;
  return { group: { address, truncated: truncated || undefined }, end: closed ? end + 1 : end, closed };
}
