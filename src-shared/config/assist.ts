/**
 * Completion and hover data for the editor, from the catalogues: option names and values of
 * xm/xl configs, GRUB commands, Xen and dom0 boot options, and host PCI functions inside
 * `pci = [ '…' ]` and `pciback.hide=(…)`. Pure functions of (text, position): the Monaco
 * providers only translate the result.
 */
import { eraSpan, inEra, type Era, DEFAULT_ERA } from './era.ts';
import type { HostDevice, HostFacts } from './host-facts.ts';
import { VIF_MODELS, allowedIn, XL_BY_NAME, XL_OPTIONS, XM_BY_NAME, XM_OPTIONS, XM_VIF_KEYS, type OptionDef } from './hvm-options.ts';
import type { ConfigKind } from './index.ts';
import { canonicalBdf, parseXmPci } from './pci-spec.ts';
import { SourceText, type Range } from './source.ts';
import { DOM0_BY_NAME, DOM0_OPTIONS, XEN_BY_NAME, XEN_OPTIONS, type BootOption } from './xen-cmdline.ts';

export interface CompletionItem {
  label: string;
  kind: 'option' | 'value' | 'device' | 'command' | 'boot-option';
  insertText: string;
  /** insertText uses snippet syntax (`${1:…}`). */
  snippet?: boolean;
  detail?: string;
  documentation?: string;
  /** Orders key options first. */
  sortText: string;
  range: Range;
}

export interface HoverInfo {
  range: Range;
  markdown: string;
}

export interface AssistOptions {
  era?: Era;
  host?: HostFacts;
  /** Functions pciback owns (offered first in `pci = [...]`). */
  hidden?: Set<string>;
}

const GRUB_DOCS: Record<string, string> = {
  title: 'Starts a boot entry (GRUB legacy); the rest of the line is its menu title.',
  root: 'Sets the root device of the entry: `(hdD,P)`, disk and partition counted from 0.',
  kernel: 'Loads the multiboot kernel — for Xen, `xen.gz` — followed by its command line.',
  module: 'Loads a multiboot module: the first after xen.gz is the dom0 kernel with its command line, the second its initrd.',
  modulenounzip: 'As module, without decompressing.',
  default: 'Index of the entry booted by default, counting from 0.',
  timeout: 'Seconds before the default entry boots.',
  hiddenmenu: 'Do not show the menu unless a key is pressed.',
  splashimage: 'Background image of the menu.',
  menuentry: "GRUB 2 boot entry: `menuentry 'Title' { … }`.",
  multiboot: 'GRUB 2: loads xen.gz (Multiboot 1) with its command line.',
  multiboot2: 'GRUB 2: loads xen.gz as a Multiboot2 image (Xen ≥ 4.8, EFI).',
  module2: 'GRUB 2: a Multiboot2 module (after multiboot2).',
  insmod: 'GRUB 2: loads a GRUB module (part_msdos, ext2 …).',
  set: "GRUB 2: sets a variable, e.g. `set root='hd0,msdos1'` (partitions count from 1).",
};

export function completions(text: string, kind: ConfigKind, line: number, column: number, opts: AssistOptions = {}): CompletionItem[] {
  const src = new SourceText(text);
  const lineText = src.lineText(Math.min(Math.max(1, line), src.lineCount));
  const before = lineText.slice(0, Math.max(0, column - 1));
  const word = /[\w.-]*$/.exec(before)![0];
  const range: Range = { startLine: line, startColumn: column - word.length, endLine: line, endColumn: column };
  return kind === 'grub' ? grubCompletions(src, line, before, range, opts) : guestCompletions(src, kind, line, before, range, opts);
}

function guestCompletions(src: SourceText, kind: ConfigKind, line: number, before: string, range: Range, opts: AssistOptions): CompletionItem[] {
  const era = opts.era ?? DEFAULT_ERA;
  const catalogue = kind === 'xl' ? XL_OPTIONS : XM_OPTIONS;
  if (/^\s*[A-Za-z_]*$/.test(before)) {
    return catalogue
      .filter((o) => kind === 'xl' || inEra(era, o.since, o.until))
      .map((o) => ({
        label: o.name,
        kind: 'option',
        insertText: `${o.name} = ${snippetValue(o)}`,
        snippet: true,
        detail: `${o.type}${o.default !== undefined ? ` = ${o.default}` : ''} · ${eraSpan(o.since, o.until)}`,
        documentation: o.doc,
        sortText: (o.key ? '0' : '1') + o.name,
        range,
      }));
  }
  const ctx = statementContext(src, line, before);
  if (!ctx) return [];
  const opt = (kind === 'xl' ? XL_BY_NAME : XM_BY_NAME).get(ctx.name);
  if (ctx.inString && opt?.items === 'pci') return deviceItems(opts, range, (bdf) => bdf, true);
  if (ctx.inString && opt?.items === 'vif') {
    const m = /model=([\w-]*)$/.exec(before);
    if (m) return VIF_MODELS.map((v, i) => ({ label: v, kind: 'value', insertText: v, detail: 'emulated NIC model', sortText: String(i), range }));
    if (/(^|,|['"])\s*[\w]*$/.test(before)) return XM_VIF_KEYS.map((k) => ({ label: k, kind: 'option', insertText: `${k}=`, detail: 'vif key', sortText: k, range }));
  }
  const allowed = opt && allowedIn(opt, era);
  if (opt && allowed && /=\s*['"]?[\w-]*$/.test(before)) {
    const quoted = /['"][\w-]*$/.test(before);
    return allowed.map((v, i) => ({
      label: v,
      kind: 'value',
      insertText: opt.type === 'switch' || quoted ? v : `'${v}'`,
      detail: `${opt.name} value`,
      sortText: String(i).padStart(2, '0'),
      range,
    }));
  }
  return [];
}

function snippetValue(o: OptionDef): string {
  if (o.type === 'list') return o.items === 'pci' ? "[ '${1:02:00.0}' ]" : "[ '${1}' ]";
  if (o.type === 'str' || o.type === 'str|list') return o.allowed ? `'\${1|${o.allowed.join(',')}|}'` : "'${1}'";
  if (o.type === 'switch') return '${1|0,1|}';
  const d = o.default && /^\d+$/.test(o.default) ? o.default : '';
  return `\${1:${d}}`;
}

/** The assignment the cursor is in (it may have started lines above) and whether inside quotes. */
function statementContext(src: SourceText, line: number, before: string): { name: string; inString: boolean } | undefined {
  let l = line;
  for (let k = 0; k < 50 && l >= 1; k++) {
    const m = /^\s*([A-Za-z_]\w*)\s*\+?=/.exec(l === line ? before : src.lineText(l));
    if (m) {
      const fromStmt = l === line ? before : [src.lineText(l), ...Array.from({ length: line - l - 1 }, (_, i) => src.lineText(l + 1 + i)), before].join('\n');
      return { name: m[1], inString: insideQuotes(fromStmt.slice(fromStmt.indexOf('=') + 1)) };
    }
    l--;
  }
  return undefined;
}

function insideQuotes(text: string): boolean {
  let q = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return false;
      i = nl;
    } else if (c === "'" || c === '"') q = c;
  }
  return q !== '';
}

/** Who has the function now: pciback (assignable), or dom0 (its driver or its role). */
export function deviceOwner(d: HostDevice, hidden: Set<string> | undefined): string {
  if (hidden?.has(d.bdf)) return 'pciback (assignable)';
  if (d.dom0Loses) return `dom0 needs it (${d.role})`;
  return d.driver ? `dom0 (${d.driver})` : 'dom0';
}

function deviceItems(opts: AssistOptions, range: Range, wrap: (bdf: string) => string, hiddenFirst: boolean): CompletionItem[] {
  const devs = opts.host?.devices ?? [];
  return devs.map((d) => {
    const short = d.bdf.startsWith('0000:') ? d.bdf.slice(5) : d.bdf;
    const hidden = opts.hidden?.has(d.bdf);
    const owner = deviceOwner(d, opts.hidden);
    return {
      label: short,
      kind: 'device',
      insertText: wrap(short),
      detail: `${d.description} — ${owner}`,
      documentation: `${d.bdf} — ${d.vendorId.toString(16).padStart(4, '0')}:${d.deviceId.toString(16).padStart(4, '0')} · ${owner}${d.dom0Loses ? `\n\nGiving it to a guest takes from dom0 ${d.dom0Loses}.` : ''}`,
      // pciback's first, then devices dom0 can spare, devices dom0 needs last.
      sortText: (hiddenFirst && hidden ? '0' : d.dom0Loses ? '2' : '1') + d.bdf,
      range,
    };
  });
}

function grubCompletions(src: SourceText, line: number, before: string, range: Range, opts: AssistOptions): CompletionItem[] {
  const grub2 = /^[ \t]*(menuentry|multiboot|insmod|set\s)/m.test(src.text);
  if (/^\s*[\w]*$/.test(before)) {
    const names = grub2 ? ['menuentry', 'multiboot', 'multiboot2', 'module', 'module2', 'insmod', 'set', 'search', 'linux', 'initrd'] : ['title', 'root', 'kernel', 'module', 'default', 'timeout', 'hiddenmenu', 'splashimage', 'initrd'];
    return names.map((n, i) => ({ label: n, kind: 'command', insertText: n, detail: 'GRUB command', documentation: GRUB_DOCS[n], sortText: String(i).padStart(2, '0'), range }));
  }
  const cmd = /^\s*(\S+)/.exec(src.lineText(line))?.[1] ?? '';
  const hide = /(?:xen-)?pciback\.hide=((?:\([^)]*\))*)\(?([0-9a-fA-F:.]*)$/.exec(before);
  if (hide) {
    const typed = /\(?[0-9a-fA-F:.]*$/.exec(before)![0];
    const r = { ...range, startColumn: range.endColumn - typed.length };
    return deviceItems(opts, r, (bdf) => `(${bdf})`, false);
  }
  const era = opts.era ?? DEFAULT_ERA;
  const list = cmd === 'kernel' || cmd === 'multiboot' || cmd === 'multiboot2' ? XEN_OPTIONS : cmd.startsWith('module') ? DOM0_OPTIONS : undefined;
  if (!list) return [];
  return list
    .filter((o) => inEra(era, o.since, o.until))
    .map((o) => ({ label: o.name, kind: 'boot-option', insertText: bootInsert(o, era), snippet: true, detail: `${o.type} · ${eraSpan(o.since, o.until)}`, documentation: o.doc + (o.role ? `\n\n${o.role}` : ''), sortText: (o.role ? '0' : '1') + o.name, range }));
}

function bootInsert(o: BootOption, era: Era): string {
  if (o.type === 'flag') return o.name;
  if (o.name === 'vtd' || o.name === 'iommu') return `${o.name}=1`;
  if (o.name === 'ioapic_ack') return era === '2007' ? 'ioapic_ack=old' : 'ioapic_ack=${1|old,new|}';
  if (o.type === 'hide') return `${o.name}=(\${1:02:00.0})`;
  if (o.allowed) return `${o.name}=\${1|${o.allowed.join(',')}|}`;
  return `${o.name}=\${1}`;
}

// ---- data for completion providers ------------------------------------------------------------

export interface OptionEntry {
  name: string;
  type: string;
  default?: string;
  /** One-line doc. */
  doc: string;
  /** Allowed values in this era (enumerated options). */
  values?: readonly string[];
  /** "since 3.3", "3.0 – 3.0", "all eras". */
  span: string;
  /** Matters to passthrough (list first). */
  key: boolean;
  /** xm: where create.py defines it. */
  cite?: string;
}

/** The options of an era's guest config (xm hvm.conf or xl.cfg) with types, one-line docs and values. */
export function optionsForEra(kind: 'hvm' | 'xl', era: Era): OptionEntry[] {
  const catalogue = kind === 'xl' ? XL_OPTIONS : XM_OPTIONS;
  return catalogue
    .filter((o) => kind === 'xl' || inEra(era, o.since, o.until))
    .map((o) => ({ name: o.name, type: o.type, default: o.default, doc: o.doc, values: allowedIn(o, era), span: eraSpan(o.since, o.until), key: !!o.key, cite: o.cite?.first }));
}

/** The boot options of an era for the xen.gz line or the dom0 kernel line, with docs and values. */
export function bootOptionsForEra(line: 'xen' | 'dom0', era: Era): OptionEntry[] {
  return (line === 'xen' ? XEN_OPTIONS : DOM0_OPTIONS)
    .filter((o) => inEra(era, o.since, o.until))
    .map((o) => ({ name: o.name, type: o.type, doc: o.doc, values: o.allowed, span: eraSpan(o.since, o.until), key: !!o.role }));
}

// ---- hover -----------------------------------------------------------------------------------

export function hover(text: string, kind: ConfigKind, line: number, column: number, opts: AssistOptions = {}): HoverInfo | undefined {
  const src = new SourceText(text);
  if (line < 1 || line > src.lineCount) return undefined;
  const lt = src.lineText(line);
  const c = column - 1;
  const bdf = wordAround(lt, c, /[0-9a-fA-F:.]/);
  if (bdf && /^([0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-9a-fA-F]+$/.test(bdf.word)) {
    const parsed = parseXmPci(bdf.word, '2007').address;
    const dev = parsed && opts.host?.devices.find((d) => d.bdf === canonicalBdf(parsed));
    const md = dev
      ? `**${dev.bdf}** — ${dev.description}\n\n${dev.vendorId.toString(16).padStart(4, '0')}:${dev.deviceId.toString(16).padStart(4, '0')}${opts.hidden?.has(dev.bdf) ? ' · owned by pciback' : dev.driver ? ` · dom0 driver: ${dev.driver}` : ''}`
      : opts.host
        ? `**${bdf.word}** — no such PCI function on ${opts.host.name}`
        : `**${bdf.word}** — PCI address bus:device.function (hex)`;
    return { range: { startLine: line, startColumn: bdf.start + 1, endLine: line, endColumn: bdf.end + 1 }, markdown: md };
  }
  if (kind === 'grub') {
    const w = wordAround(lt, c, /[^\s]/);
    if (!w) return undefined;
    const name = w.word.split('=')[0];
    const cmd = /^\s*(\S+)/.exec(lt)?.[1] ?? '';
    const first = lt.search(/\S/) === w.start;
    const opt = first ? undefined : cmd.startsWith('module') ? DOM0_BY_NAME.get(name) : XEN_BY_NAME.get(name) ?? DOM0_BY_NAME.get(name);
    const md = first && GRUB_DOCS[name] ? `**${name}** — ${GRUB_DOCS[name]}` : opt ? bootMarkdown(opt) : undefined;
    return md ? { range: { startLine: line, startColumn: w.start + 1, endLine: line, endColumn: w.start + name.length + 1 }, markdown: md } : undefined;
  }
  const w = wordAround(lt, c, /\w/);
  if (!w) return undefined;
  const opt = (kind === 'xl' ? XL_BY_NAME : XM_BY_NAME).get(w.word);
  if (!opt) return undefined;
  const lines = [
    `**${opt.name}** — ${opt.type}${opt.default !== undefined ? `, default ${opt.default}` : ''} · ${eraSpan(opt.since, opt.until)} (${kind === 'xl' ? 'xl.cfg' : 'xm'})`,
    '',
    opt.doc,
  ];
  const allowed = allowedIn(opt, opts.era ?? DEFAULT_ERA);
  if (allowed) lines.push('', `Allowed: ${allowed.map((a) => '`' + a + '`').join(', ')}`);
  if (opt.cite) lines.push('', `Defined by xm's create.py: ${opt.cite.first}${opt.cite.last !== opt.cite.first ? ` … ${opt.cite.last}` : ''}`);
  return { range: { startLine: line, startColumn: w.start + 1, endLine: line, endColumn: w.end + 1 }, markdown: lines.join('\n') };
}

function bootMarkdown(o: BootOption): string {
  return [`**${o.name}** — ${o.type} · ${eraSpan(o.since, o.until)}`, '', o.doc, ...(o.role ? ['', o.role] : []), ...(o.allowed ? ['', `Values: ${o.allowed.map((a) => '`' + a + '`').join(', ')}`] : [])].join('\n');
}

function wordAround(text: string, at: number, re: RegExp): { word: string; start: number; end: number } | undefined {
  let s = at;
  let e = at;
  while (s > 0 && re.test(text[s - 1])) s--;
  while (e < text.length && re.test(text[e])) e++;
  return e > s ? { word: text.slice(s, e), start: s, end: e } : undefined;
}
