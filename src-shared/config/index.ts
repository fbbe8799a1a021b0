/**
 * The config language services, as pure functions shared by the renderer's editor, the
 * simulator's toolstack and the `vtdw` CLI:
 *
 * - `detectKind(text, fileName)` — hvm (xm Python), xl (xl.cfg) or grub.
 * - `analyzeHvm / analyzeXl / analyzeGrub` — parse (and for hvm, evaluate) one file.
 * - `checkFiles({ guests, grub }, { era, host })` — every diagnostic of a set of files checked
 *   together: the grub.conf's pciback.hide tells which devices the guests may take, and guests
 *   checked together must not share a device.
 * - `lint(text, kind, options)` — the editor's entry point: one file, optional companion text.
 *
 * Diagnostics carry codes, exact ranges and fixes (text edits); see diagnostic.ts.
 */
import { sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { DEFAULT_ERA, type Era } from './era.ts';
import { checkGrub, hiddenByGrub, hideEdits } from './grub-check.ts';
import { parseGrub, type GrubConfig } from './grub-parser.ts';
import { guestFromXl, guestFromXm, type GuestModel } from './guest-model.ts';
import { checkGuest } from './hvm-check.ts';
import type { HostFacts } from './host-facts.ts';
import { assignedPci } from './pci-check.ts';
import { evaluateHvm, type HvmEval } from './python-eval.ts';
import { parseXl } from './xl-parser.ts';

export type ConfigKind = 'hvm' | 'xl' | 'grub';

export interface CheckOptions {
  era?: Era;
  host?: HostFacts;
  /**
   * xm command-line variables (`xm create xmexample2 vmid=1`) for configs that declare them with
   * `xm_vars.var(...)`: values are strings, as xm passes them. The editor's setting goes here.
   */
  vars?: Readonly<Record<string, string>>;
}

/** Kind from the file name when it says, else from the content. */
export function detectKind(text: string, fileName = ''): ConfigKind {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  // Xen's own examples first: xmexample.pv-grub is an xm config about pv-grub, not a grub file.
  if (/^xlexample/.test(base)) return 'xl';
  if (/^xmexample/.test(base)) return 'hvm';
  if (/grub|menu\.lst/.test(base)) return 'grub';
  if (/^xl|\.xl$|xl\.cfg/.test(base)) return 'xl';
  if (/^xm|hvm\.conf|\.hvm$/.test(base)) return 'hvm';
  const firstWords = text.split(/\r\n|\n|\r/, 200).map((l) => /^\s*([A-Za-z_][\w.-]*)/.exec(l)?.[1]).filter(Boolean) as string[];
  if (firstWords.some((w) => ['title', 'menuentry', 'submenu', 'multiboot', 'multiboot2', 'insmod'].includes(w))) return 'grub';
  if (/^\s*(import|if|from|def)\b/m.test(text) || /^\s*\w+\s*=.*\b(os|re)\./m.test(text)) return 'hvm';
  if (/^\s*type\s*=\s*["']hvm/m.test(text)) return 'xl';
  return 'hvm';
}

export function analyzeHvm(text: string, options: CheckOptions = {}): { eval: HvmEval; model: GuestModel } {
  const ev = evaluateHvm(text, { uname: options.host?.uname, vars: options.vars });
  return { eval: ev, model: guestFromXm(ev) };
}

export function analyzeXl(text: string): { model: GuestModel; parse: ReturnType<typeof parseXl> } {
  const parse = parseXl(text);
  return { parse, model: guestFromXl(parse) };
}

export function analyzeGrub(text: string): GrubConfig {
  return parseGrub(text);
}

export interface FileInput {
  name: string;
  text: string;
  kind?: ConfigKind;
}

export interface FileDiagnostics {
  name: string;
  kind: ConfigKind;
  diagnostics: Diagnostic[];
}

/**
 * Checks guests and a boot config together. Without a grub.conf, the host's `hidden` list (if
 * any) says which devices pciback owns; without either, that check is skipped.
 */
export function checkFiles(files: { guests: FileInput[]; grub?: FileInput }, options: CheckOptions = {}): FileDiagnostics[] {
  const era = options.era ?? DEFAULT_ERA;
  const out: FileDiagnostics[] = [];
  let hidden = options.host?.hidden ? new Set(options.host.hidden) : undefined;
  let hide: ((bdf: string) => ReturnType<typeof hideEdits>) | undefined;
  if (files.grub) {
    const grub = parseGrub(files.grub.text);
    const grubName = files.grub.name;
    checkGrub(grub, { era, host: options.host });
    hidden = hiddenByGrub(grub) ?? hidden;
    // A device dom0 keeps is fixed in grub.conf: the guest's diagnostic carries that file's edit.
    hide = (bdf) => hideEdits(grub, bdf, era, grubName);
    out.push({ name: files.grub.name, kind: 'grub', diagnostics: sortDiagnostics(grub.sink.list) });
  }
  const models = files.guests.map((f) => {
    const kind = f.kind ?? detectKind(f.text, f.name);
    return { f, kind, model: kind === 'xl' ? analyzeXl(f.text).model : analyzeHvm(f.text, options).model };
  });
  models.forEach(({ f, kind, model }, i) => {
    const takenBy = new Map<string, string>();
    for (const a of options.host?.assigned ?? []) takenBy.set(a.bdf, a.domain);
    models.forEach((other, j) => {
      if (j >= i) return;
      for (const a of assignedPci(other.model, era)) if (!takenBy.has(a.bdf)) takenBy.set(a.bdf, other.f.name);
    });
    checkGuest(model, { era, host: options.host, hidden, takenBy, hideEdits: hide });
    out.push({ name: f.name, kind, diagnostics: sortDiagnostics(model.sink.list) });
  });
  return out;
}

export interface LintOptions extends CheckOptions {
  /** For a guest config: the grub.conf text whose pciback.hide says what dom0 gives up. */
  grubText?: string;
  /** The name cross-file fixes give that grub.conf (`TextEdit.file`; default '<grub>'). */
  grubName?: string;
  /** For a guest config: other guest configs that may take the same devices. */
  otherGuests?: FileInput[];
}

/** The editor's entry point: diagnostics of one file, sorted. */
export function lint(text: string, kind: ConfigKind, options: LintOptions = {}): Diagnostic[] {
  if (kind === 'grub') {
    const grub = parseGrub(text);
    checkGrub(grub, { era: options.era ?? DEFAULT_ERA, host: options.host });
    return sortDiagnostics(grub.sink.list);
  }
  const guests: FileInput[] = [...(options.otherGuests ?? []), { name: '<this>', text, kind }];
  const results = checkFiles({ guests, grub: options.grubText !== undefined ? { name: options.grubName ?? '<grub>', text: options.grubText, kind: 'grub' } : undefined }, options);
  return results[results.length - 1].diagnostics;
}

export { sortDiagnostics, hasErrors, type Diagnostic, type Fix, type Severity } from './diagnostic.ts';
export { applyTextEdits, SourceText, type Range, type TextEdit } from './source.ts';
export { ERAS, DEFAULT_ERA, isEra, type Era } from './era.ts';
export { SEED_HOST, type HostFacts, type HostDevice } from './host-facts.ts';
export { bindingsJson, evaluateHvm } from './python-eval.ts';
