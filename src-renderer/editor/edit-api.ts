/**
 * The one way anything in the app changes a config model: a set of text edits applied as ONE
 * undoable step. Quick fixes, the formatter and the wizard all call `applyConfigEdits`, so every
 * change shows in the undo history (Ctrl+Z restores the text exactly) and in the diff view as
 * the edits made — never a whole-text replacement that would lose the user's layout.
 */
import type * as monaco from './monaco.ts';
import type { TextEdit } from '../../src-shared/config/source.ts';

type Editor = monaco.editor.ICodeEditor;
type Model = monaco.editor.ITextModel;

/** Where the edit came from (undo-stop label and the `source` Monaco records). */
export type EditSource = 'quick-fix' | 'format' | 'wizard' | string;

/**
 * Applies non-overlapping edits (1-based, end-exclusive ranges, as the config services produce)
 * to the model as one undo step. Given an editor, cursor state is kept the way Monaco does for
 * typed edits; given only a model, the edit is pushed onto the model's undo stack directly.
 * Returns false (and changes nothing) when the edits overlap or fall outside the model.
 */
export function applyConfigEdits(target: Editor | Model, edits: readonly TextEdit[], source: EditSource = 'vtdw'): boolean {
  if (edits.length === 0) return true;
  const model = isEditor(target) ? target.getModel() : target;
  if (!model) return false;
  if (!editsFit(model, edits)) return false;
  const ops = edits.map((e) => ({
    range: { startLineNumber: e.range.startLine, startColumn: e.range.startColumn, endLineNumber: e.range.endLine, endColumn: e.range.endColumn },
    text: e.text,
    forceMoveMarkers: true,
  }));
  if (isEditor(target)) {
    target.pushUndoStop();
    const ok = target.executeEdits(source, ops);
    target.pushUndoStop();
    return ok;
  }
  model.pushStackElement();
  model.pushEditOperations(null, ops, () => null);
  model.pushStackElement();
  return true;
}

function isEditor(x: Editor | Model): x is Editor {
  return typeof (x as Editor).executeEdits === 'function';
}

function editsFit(model: Model, edits: readonly TextEdit[]): boolean {
  const lines = model.getLineCount();
  const inside = (l: number, c: number) => l >= 1 && l <= lines && c >= 1 && c <= model.getLineMaxColumn(l);
  const sorted = [...edits].sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i].range;
    if (!inside(r.startLine, r.startColumn) || !inside(r.endLine, r.endColumn)) return false;
    const next = sorted[i + 1]?.range;
    if (next && (next.startLine < r.endLine || (next.startLine === r.endLine && next.startColumn < r.endColumn))) return false;
  }
  return true;
}
