/**
 * Monaco providers for the config languages, each a thin translation of a pure function of
 * src-shared/config: completion and hover from the catalogues (assist.ts), quick fixes from the
 * fixes attached to each diagnostic (applied through the one edit API, so they are one undo step
 * each), and document formatting (format.ts: white space only, comments kept).
 * Registered by `registerConfigLanguages(monaco)`.
 */
import type * as monaco from './monaco.ts';
import { completions, hover, type AssistOptions, type CompletionItem } from '../../src-shared/config/assist.ts';
import { formatConfig } from '../../src-shared/config/format.ts';
import { XL_BY_NAME, XM_BY_NAME } from '../../src-shared/config/hvm-options.ts';
import { DOM0_BY_NAME, XEN_BY_NAME } from '../../src-shared/config/xen-cmdline.ts';
import { hiddenByGrub } from '../../src-shared/config/grub-check.ts';
import { parseGrub } from '../../src-shared/config/grub-parser.ts';
import type { Diagnostic } from '../../src-shared/config/index.ts';
import type { TextEdit } from '../../src-shared/config/source.ts';
import { lintModel, MARKER_OWNER } from './config-diagnostics.ts';
import { LANGUAGE_IDS, modelKind, modelState } from './config-state.ts';
import { applyConfigEdits } from './edit-api.ts';

type Monaco = typeof monaco;

export const APPLY_FIX_COMMAND = 'vtdw.config.applyFix';
const ALL_IDS = Object.values(LANGUAGE_IDS);

function assistOptions(model: monaco.editor.ITextModel): AssistOptions {
  const o = modelState(model).options;
  const grubText = modelKind(model) === 'grub' ? model.getValue() : o.grubText;
  return { era: o.era, host: o.host, hidden: grubText ? hiddenByGrub(parseGrub(grubText)) : o.host?.hidden ? new Set(o.host.hidden) : undefined };
}

const KIND_MAP = { option: 'Property', value: 'Value', device: 'Reference', command: 'Keyword', 'boot-option': 'Property' } as const;

export function registerConfigProviders(m: Monaco): monaco.IDisposable[] {
  const subs: monaco.IDisposable[] = [];
  subs.push(
    m.editor.registerCommand(APPLY_FIX_COMMAND, (_accessor: unknown, uri: string, edits: TextEdit[]) => {
      const model = m.editor.getModel(m.Uri.parse(uri));
      if (model) applyFixEdits(m, model, edits);
    }),
  );
  for (const id of ALL_IDS) {
    subs.push(
      m.languages.registerCompletionItemProvider(id, {
        triggerCharacters: ["'", '"', '(', '=', ',', ' '],
        provideCompletionItems(model, position) {
          const kind = modelKind(model);
          if (!kind) return { suggestions: [] };
          const items = completions(model.getValue(), kind, position.lineNumber, position.column, assistOptions(model));
          const opts = assistOptions(model);
          return {
            suggestions: items.map((it) => ({
              label: completionLabel(it, opts),
              kind: m.languages.CompletionItemKind[KIND_MAP[it.kind]],
              insertText: it.insertText,
              insertTextRules: it.snippet ? m.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
              detail: it.detail,
              documentation: it.documentation ? { value: it.documentation } : undefined,
              sortText: it.sortText,
              range: { startLineNumber: it.range.startLine, startColumn: deviceStart(it, model, position) ?? it.range.startColumn, endLineNumber: it.range.endLine, endColumn: it.range.endColumn },
            })),
          };
        },
      }),
      m.languages.registerHoverProvider(id, {
        provideHover(model, position) {
          const kind = modelKind(model);
          if (!kind) return null;
          const h = hover(model.getValue(), kind, position.lineNumber, position.column, assistOptions(model));
          if (!h) return null;
          return { range: { startLineNumber: h.range.startLine, startColumn: h.range.startColumn, endLineNumber: h.range.endLine, endColumn: h.range.endColumn }, contents: [{ value: h.markdown }] };
        },
      }),
      m.languages.registerCodeActionProvider(
        id,
        {
          provideCodeActions(model, _range, context) {
            const state = modelState(model);
            if (state.versionId !== model.getVersionId()) lintModel(m, model);
            const actions: monaco.languages.CodeAction[] = [];
            for (const marker of context.markers) {
              if (marker.source !== 'vtdw' && (marker as { owner?: string }).owner !== MARKER_OWNER) continue;
              const d = findDiagnostic(state.diagnostics, marker);
              if (!d) continue;
              for (const fix of d.fixes) {
                // A fix in another file is offered only while that file is open.
                if (fix.edits.some((e) => e.file !== undefined && !otherModel(m, e.file))) continue;
                actions.push({
                  title: fix.title,
                  kind: 'quickfix',
                  diagnostics: [marker],
                  isPreferred: fix.preferred,
                  command: { id: APPLY_FIX_COMMAND, title: fix.title, arguments: [model.uri.toString(), fix.edits] },
                });
              }
            }
            return { actions, dispose() {} };
          },
        },
        { providedCodeActionKinds: ['quickfix'] },
      ),
      m.languages.registerDocumentFormattingEditProvider(id, {
        provideDocumentFormattingEdits(model) {
          const kind = modelKind(model);
          if (!kind) return [];
          return formatConfig(model.getValue(), kind).map((e) => ({
            range: { startLineNumber: e.range.startLine, startColumn: e.range.startColumn, endLineNumber: e.range.endLine, endColumn: e.range.endColumn },
            text: e.text,
          }));
        },
      }),
    );
  }
  return subs;
}

/**
 * The row Monaco shows for an item, kept short enough for the list's width: the name, then
 * (dimmed) the option's type or who owns the device now, and right-aligned the one-line doc or
 * the device's name. Default and era are in the item's detail (the details pane, Ctrl+Space).
 */
function completionLabel(it: CompletionItem, opts: AssistOptions): monaco.languages.CompletionItemLabel {
  if (it.kind === 'device') return { label: it.label, detail: `  ${deviceOwner(it.label, opts)}`, description: it.detail };
  if (it.kind === 'value') return { label: it.label, description: it.detail };
  const type = optionType(it.label);
  return { label: it.label, detail: type ? `  ${type}` : undefined, description: it.documentation ? firstLine(it.documentation) : it.detail };
}

/** The type an option or boot option has in the catalogues (the list is of one language). */
function optionType(name: string): string | undefined {
  return (XM_BY_NAME.get(name) ?? XL_BY_NAME.get(name) ?? XEN_BY_NAME.get(name) ?? DOM0_BY_NAME.get(name))?.type;
}

/**
 * A PCI address typed so far (`00:1f.`) is what a device item replaces and is filtered by; the
 * catalogue's word stops at ':' (an identifier word), so without this Monaco would match the
 * list against `1f.` alone and insert after `00:`.
 */
function deviceStart(it: CompletionItem, model: monaco.editor.ITextModel, pos: monaco.Position): number | undefined {
  if (it.kind !== 'device' || it.insertText.startsWith('(')) return undefined;
  const before = model.getLineContent(pos.lineNumber).slice(0, pos.column - 1);
  return pos.column - /[0-9a-fA-F:.]*$/.exec(before)![0].length;
}

/** The catalogue docs are one line already (a role note may follow a blank line): the first line, plain. */
function firstLine(md: string): string {
  return md.replace(/[`*]/g, '').split('\n')[0];
}

/** Who has the function now: pciback (assignable), a guest, or dom0 with its driver. */
function deviceOwner(short: string, opts: AssistOptions): string {
  const dev = opts.host?.devices.find((d) => d.bdf === short || d.bdf === `0000:${short}`);
  if (!dev) return '';
  const guest = opts.host?.assigned?.find((a) => a.bdf === dev.bdf);
  if (guest) return `given to ${guest.domain}`;
  if (opts.hidden?.has(dev.bdf)) return 'pciback (assignable)';
  return dev.driver ? `dom0 · ${dev.driver}` : 'dom0';
}

/**
 * Applies a quick fix of a diagnostic of `model`: edits naming another file (grub.conf for a
 * guest's pci-not-hidden) go to that model as one undoable step there, the rest are one step in
 * this model; both are checked again at once. The lightbulb and the Problems panel both call it.
 * Returns false when a file the fix edits is not open (nothing is changed then).
 */
export function applyFixEdits(m: Monaco, model: monaco.editor.ITextModel, edits: readonly TextEdit[]): boolean {
  const byModel = new Map<monaco.editor.ITextModel, TextEdit[]>();
  for (const e of edits) {
    const target = e.file === undefined ? model : otherModel(m, e.file);
    if (!target) return false;
    byModel.set(target, [...(byModel.get(target) ?? []), { range: e.range, text: e.text }]);
  }
  const state = modelState(model);
  for (const [target, own] of byModel) {
    const editor = m.editor.getEditors().find((x) => x.getModel() === target);
    if (!applyConfigEdits(editor ?? target, own, 'quick-fix')) continue;
    if (target !== model) {
      lintModel(m, target);
      // This guest was checked against the grub.conf text just changed: check it again now.
      if (state.options.grubText !== undefined && modelKind(target) === 'grub') state.options = { ...state.options, grubText: target.getValue() };
    }
  }
  lintModel(m, model);
  return true;
}

/** The open model a cross-file edit names: by URI, else the only open GRUB model for '<grub>'. */
function otherModel(m: Monaco, file: string): monaco.editor.ITextModel | undefined {
  const models = m.editor.getModels();
  const byUri = models.find((x) => x.uri.toString() === file);
  if (byUri) return byUri;
  const grubs = models.filter((x) => modelKind(x) === 'grub');
  return file === '<grub>' && grubs.length === 1 ? grubs[0] : undefined;
}

function findDiagnostic(ds: Diagnostic[], marker: monaco.editor.IMarkerData): Diagnostic | undefined {
  const code = typeof marker.code === 'string' ? marker.code : marker.code?.value;
  return ds.find(
    (d) =>
      d.code === code &&
      d.range.startLine === marker.startLineNumber &&
      d.range.startColumn === marker.startColumn &&
      d.range.endLine === marker.endLineNumber &&
      d.range.endColumn === marker.endColumn &&
      d.message === marker.message,
  );
}
