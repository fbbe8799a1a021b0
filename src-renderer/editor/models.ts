/**
 * The Monaco text models behind open documents, kept outside Vue's reactivity (a proxied model
 * is slow and can break Monaco's identity checks). The documents store refers to them by id.
 *
 * Each model is linted as it changes, in the context the user chose (era, host) and against the
 * other open documents, as xm would meet them together: a guest config is checked against the
 * first open GRUB menu (does pciback hide the device, is VT-d switched on) and against the other
 * open guest configs (is a device given to two guests). When one document changes, the others
 * that depend on it are checked again.
 */
import * as monaco from './monaco.ts';
import { attachDiagnostics, kindOfLanguage, languageForFile, registerConfigLanguages } from './config.ts';
import { modelState } from './config-state.ts';
import { applyFixEdits } from './config-providers.ts';
import { DEFAULT_ERA, SEED_HOST, type Diagnostic, type Era, type FileInput, type Fix, type HostFacts } from '../../src-shared/config/index.ts';


registerConfigLanguages(monaco);

interface Entry {
  model: monaco.editor.ITextModel;
  title: string;
  lint: monaco.IDisposable;
}

const entries = new Map<string, Entry>();
let context: { era: Era; host: HostFacts } = { era: DEFAULT_ERA, host: SEED_HOST };

export type DiagnosticsListener = (id: string, diagnostics: Diagnostic[]) => void;
let onDiagnostics: DiagnosticsListener = () => undefined;

export function setDiagnosticsListener(l: DiagnosticsListener): void {
  onDiagnostics = l;
}

const isGrub = (m: monaco.editor.ITextModel) => kindOfLanguage(m.getLanguageId()) === 'grub';

/** The first open GRUB menu: a guest config is checked against it, and its fixes edit it. */
function firstGrub(): monaco.editor.ITextModel | undefined {
  for (const { model } of entries.values()) if (isGrub(model)) return model;
  return undefined;
}

function otherGuests(id: string): FileInput[] {
  const out: FileInput[] = [];
  for (const [other, e] of entries) {
    const kind = kindOfLanguage(e.model.getLanguageId());
    if (other !== id && (kind === 'hvm' || kind === 'xl')) out.push({ name: e.title, text: e.model.getValue(), kind });
  }
  return out;
}

export function languageOf(title: string, text: string): string {
  return languageForFile(title, text);
}

function attach(id: string, model: monaco.editor.ITextModel): monaco.IDisposable {
  return attachDiagnostics(monaco, undefined, model, {
    context: () => context,
    grubText: () => firstGrub()?.getValue(),
    grubUri: firstGrub()?.uri.toString(),
    otherGuests: isGrub(model) ? undefined : otherGuests(id),
    onDiagnostics: (ds) => onDiagnostics(id, ds),
  });
}

let relintTimer: ReturnType<typeof setTimeout> | undefined;
const pending = new Set<string>();

/** Checks every document but `changed` again (soon, once for a burst of changes). */
function relintOthers(changed: string | undefined): void {
  for (const id of entries.keys()) if (id !== changed) pending.add(id);
  clearTimeout(relintTimer);
  relintTimer = setTimeout(() => {
    for (const id of pending) {
      const e = entries.get(id);
      if (!e) continue;
      e.lint.dispose();
      e.lint = attach(id, e.model);
    }
    pending.clear();
  }, 250);
}

/** Era and host the documents are checked against; every document is checked again. */
export function setCheckContext(era: Era, host: HostFacts): void {
  context = { era, host };
  // Completion and hover read the era and host from the model's state: give them the new
  // context at once, not when the debounced re-check below runs.
  for (const { model } of entries.values()) {
    const state = modelState(model);
    state.options = { ...state.options, era, host };
  }
  relintOthers(undefined);
}

export function createModel(id: string, text: string, language: string, title: string): monaco.editor.ITextModel {
  disposeModel(id);
  const model = monaco.editor.createModel(text, language, monaco.Uri.parse(`inmemory://doc/${encodeURIComponent(id)}/${encodeURIComponent(title)}`));
  // The first check runs once the next frame is drawn, so a document opened at start shows
  // before it is linted (its markers follow a frame later) instead of after. A timer alone ran
  // before that frame: the lint of both samples (~15 ms) then held the editor's first paint.
  let first: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => (first = setTimeout(() => (entry.lint = attach(id, model)))));
  const entry: Entry = {
    model,
    title,
    lint: {
      dispose: () => {
        cancelAnimationFrame(frame);
        clearTimeout(first);
      },
    },
  };
  entries.set(id, entry);
  model.onDidChangeContent(() => relintOthers(id));
  relintOthers(id);
  return model;
}

export function getModel(id: string): monaco.editor.ITextModel | undefined {
  return entries.get(id)?.model;
}

/** Keeps the title other documents see this one under (after Save As). */
export function renameModel(id: string, title: string): void {
  const e = entries.get(id);
  if (e) e.title = title;
}

export function disposeModel(id: string): void {
  const e = entries.get(id);
  if (!e) return;
  e.lint.dispose();
  e.model.dispose();
  entries.delete(id);
  relintOthers(id);
}

/** Applies one of a document's quick fixes (from the Problems panel); false if it cannot apply. */
export function applyFix(id: string, fix: Fix): boolean {
  const e = entries.get(id);
  return e ? applyFixEdits(monaco, e.model, fix.edits) : false;
}
