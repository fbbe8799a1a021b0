/**
 * The config editor's public surface, for the Configuration view and the wizard:
 *
 *   import * as monaco from './monaco.ts';
 *   import { registerConfigLanguages, languageForFile, attachDiagnostics, applyConfigEdits } from './config.ts';
 *
 *   registerConfigLanguages(monaco);                      // once: languages + providers
 *   const model = monaco.editor.createModel(text, languageForFile(name, text), monaco.Uri.file(name));
 *   const sub = attachDiagnostics(monaco, editor, model, { era: '2007', host, grubText: () => grubModel.getValue() });
 *   applyConfigEdits(editor, edits, 'wizard');            // one undoable step, visible in the diff
 *
 * Markers use the owner `vtd-lint` and carry the diagnostic code; quick fixes run the command
 * `vtdw.config.applyFix` through `applyConfigEdits`.
 */
export { registerConfigLanguages, LANGUAGE_IDS, kindOfLanguage, languageForFile } from './config-languages.ts';
export { attachDiagnostics, lintModel, toMarker, MARKER_OWNER, type AttachOptions } from './config-diagnostics.ts';
export { applyConfigEdits, type EditSource } from './edit-api.ts';
export { APPLY_FIX_COMMAND } from './config-providers.ts';
