/**
 * The Monaco text models behind open documents, kept outside Vue's reactivity (a proxied model
 * is slow and can break Monaco's identity checks). The documents store refers to them by id.
 */
import * as monaco from './monaco.ts';

const models = new Map<string, monaco.editor.ITextModel>();

export function createModel(id: string, text: string, language: string, title: string): monaco.editor.ITextModel {
  models.get(id)?.dispose();
  const model = monaco.editor.createModel(text, language, monaco.Uri.parse(`inmemory://doc/${encodeURIComponent(id)}/${encodeURIComponent(title)}`));
  models.set(id, model);
  return model;
}

export function getModel(id: string): monaco.editor.ITextModel | undefined {
  return models.get(id);
}

export function disposeModel(id: string): void {
  models.get(id)?.dispose();
  models.delete(id);
}

/** Monaco's language id for a document kind; registered by the config language module. */
export function setLanguage(id: string, language: string): void {
  const m = models.get(id);
  if (m) monaco.editor.setModelLanguage(m, language);
}
