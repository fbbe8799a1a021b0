/**
 * The Monaco text models behind open documents, kept outside Vue's reactivity (a proxied model
 * is slow and can break Monaco's identity checks). The documents store refers to them by id.
 * Each model is linted as it changes: a guest config is checked against the era, the host and
 * the first open GRUB menu (whether pciback hides the device, whether VT-d is switched on).
 */
import * as monaco from './monaco.ts';
import { attachDiagnostics, kindOfLanguage, languageForFile, registerConfigLanguages } from './config.ts';
import { SEED_HOST, type Diagnostic } from '../../src-shared/config/index.ts';

registerConfigLanguages(monaco);

interface Entry {
  model: monaco.editor.ITextModel;
  lint: monaco.IDisposable;
}

const entries = new Map<string, Entry>();

export type DiagnosticsListener = (id: string, diagnostics: Diagnostic[]) => void;
let onDiagnostics: DiagnosticsListener = () => undefined;

export function setDiagnosticsListener(l: DiagnosticsListener): void {
  onDiagnostics = l;
}

/** The first open GRUB menu: a guest config is checked against it, and its fixes edit it. */
function firstGrub(): monaco.editor.ITextModel | undefined {
  for (const { model } of entries.values()) if (kindOfLanguage(model.getLanguageId()) === 'grub') return model;
  return undefined;
}

function grubText(): string | undefined {
  return firstGrub()?.getValue();
}

export function languageOf(title: string, text: string): string {
  return languageForFile(title, text);
}

function attach(id: string, model: monaco.editor.ITextModel): monaco.IDisposable {
  return attachDiagnostics(monaco, undefined, model, {
    era: '2007',
    host: SEED_HOST,
    grubText,
    grubUri: firstGrub()?.uri.toString(),
    onDiagnostics: (ds) => onDiagnostics(id, ds),
  });
}

let relintTimer: ReturnType<typeof setTimeout> | undefined;

/** A GRUB menu changed (or appeared): guest configs checked against it are checked again. */
function relintGuests(): void {
  clearTimeout(relintTimer);
  relintTimer = setTimeout(() => {
    for (const [id, e] of entries) {
      if (kindOfLanguage(e.model.getLanguageId()) === 'grub') continue;
      e.lint.dispose();
      e.lint = attach(id, e.model);
    }
  }, 200);
}

export function createModel(id: string, text: string, language: string, title: string): monaco.editor.ITextModel {
  disposeModel(id);
  const model = monaco.editor.createModel(text, language, monaco.Uri.parse(`inmemory://doc/${encodeURIComponent(id)}/${encodeURIComponent(title)}`));
  entries.set(id, { model, lint: attach(id, model) });
  if (kindOfLanguage(language) === 'grub') {
    relintGuests();
    model.onDidChangeContent(relintGuests);
  }
  return model;
}

export function getModel(id: string): monaco.editor.ITextModel | undefined {
  return entries.get(id)?.model;
}

export function disposeModel(id: string): void {
  const e = entries.get(id);
  if (!e) return;
  const wasGrub = kindOfLanguage(e.model.getLanguageId()) === 'grub';
  e.lint.dispose();
  e.model.dispose();
  entries.delete(id);
  if (wasGrub) relintGuests();
}
