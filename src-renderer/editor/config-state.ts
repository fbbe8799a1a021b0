/**
 * What the config providers know about each Monaco model: its config kind and the check
 * options (era, host facts, companion files) given to `attachDiagnostics`, and the diagnostics
 * last published for it (the quick-fix provider maps markers back to their fixes through them).
 */
import type * as monaco from './monaco.ts';
import { detectKind, type ConfigKind, type Diagnostic, type LintOptions } from '../../src-shared/config/index.ts';

export const LANGUAGE_IDS = { hvm: 'xen-hvmconf', xl: 'xen-xlcfg', grubLegacy: 'grub-legacy', grub2: 'grub2' } as const;

/** The config kind (src-shared/config) a Monaco language id stands for. */
export function kindOfLanguage(id: string): ConfigKind | undefined {
  if (id === LANGUAGE_IDS.hvm) return 'hvm';
  if (id === LANGUAGE_IDS.xl) return 'xl';
  if (id === LANGUAGE_IDS.grubLegacy || id === LANGUAGE_IDS.grub2) return 'grub';
  return undefined;
}

/** The language id to create a model with, from the file name and (failing that) the text. */
export function languageForFile(fileName: string, text: string): string {
  const kind = detectKind(text, fileName);
  if (kind === 'hvm') return LANGUAGE_IDS.hvm;
  if (kind === 'xl') return LANGUAGE_IDS.xl;
  return /grub\.cfg$/.test(fileName) || /^\s*menuentry\b/m.test(text) ? LANGUAGE_IDS.grub2 : LANGUAGE_IDS.grubLegacy;
}

export interface ModelState {
  options: LintOptions;
  diagnostics: Diagnostic[];
  /** Model version the diagnostics were computed for. */
  versionId: number;
}

const states = new WeakMap<monaco.editor.ITextModel, ModelState>();

export function modelState(model: monaco.editor.ITextModel): ModelState {
  let s = states.get(model);
  if (!s) {
    s = { options: {}, diagnostics: [], versionId: -1 };
    states.set(model, s);
  }
  return s;
}

export function modelKind(model: monaco.editor.ITextModel): ConfigKind | undefined {
  return kindOfLanguage(model.getLanguageId());
}
