/**
 * Diagnostics → Monaco markers. `attachDiagnostics(monaco, editor, model, options)` lints the
 * model now and on every change (debounced, 200 ms by default) with the pure linter of
 * src-shared/config, and publishes markers under the owner `vtd-lint` with each diagnostic's
 * code, so the quick-fix provider and the e2e test can find them. Returns a disposable.
 *
 *   const sub = attachDiagnostics(monaco, editor, model, { era: '2007', host, grubText: () => grubModel.getValue() });
 *   …
 *   sub.dispose();
 */
import type * as monaco from './monaco.ts';
import { lint, type Diagnostic, type LintOptions, type Severity } from '../../src-shared/config/index.ts';
import { modelKind, modelState } from './config-state.ts';

type Monaco = typeof monaco;

export const MARKER_OWNER = 'vtd-lint';

export interface AttachOptions extends Omit<LintOptions, 'grubText'> {
  /** The grub.conf text to check a guest config against (read at each lint). */
  grubText?: string | (() => string | undefined);
  /**
   * The URI of the open grub.conf model, which cross-file quick fixes edit (pciback.hide for a
   * device dom0 keeps). Without it they target the one open GRUB model, if there is exactly one.
   */
  grubUri?: string;
  /**
   * Where era and host come from when they can change while the model is open (read at each
   * lint, so a check that was scheduled before the user picked another era uses the new one).
   */
  context?: () => Pick<LintOptions, 'era' | 'host'>;
  /** Debounce delay in ms (default 200). */
  delayMs?: number;
  /** Called with each new set of diagnostics (e.g. for a problems list). */
  onDiagnostics?: (diagnostics: Diagnostic[]) => void;
}

const SEVERITY: Record<Severity, 'Error' | 'Warning' | 'Info' | 'Hint'> = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' };

export function toMarker(m: Monaco, d: Diagnostic): monaco.editor.IMarkerData {
  return {
    severity: m.MarkerSeverity[SEVERITY[d.severity]],
    message: d.message,
    code: d.code,
    source: 'vtdw',
    startLineNumber: d.range.startLine,
    startColumn: d.range.startColumn,
    endLineNumber: d.range.endLine,
    endColumn: d.range.endColumn,
  };
}

/** Lints the model once and publishes the markers; returns the diagnostics. */
export function lintModel(m: Monaco, model: monaco.editor.ITextModel): Diagnostic[] {
  const kind = modelKind(model);
  if (!kind) return [];
  const state = modelState(model);
  const diagnostics = lint(model.getValue(), kind, state.options);
  state.diagnostics = diagnostics;
  state.versionId = model.getVersionId();
  m.editor.setModelMarkers(model, MARKER_OWNER, diagnostics.map((d) => toMarker(m, d)));
  return diagnostics;
}

export function attachDiagnostics(m: Monaco, _editor: monaco.editor.ICodeEditor | undefined, model: monaco.editor.ITextModel, options: AttachOptions = {}): monaco.IDisposable {
  const state = modelState(model);
  const refresh = () => {
    const grub = typeof options.grubText === 'function' ? options.grubText() : options.grubText;
    const { era, host } = options.context?.() ?? options;
    state.options = { era, host, otherGuests: options.otherGuests, grubText: grub, grubName: options.grubUri };
    const ds = lintModel(m, model);
    options.onDiagnostics?.(ds);
  };
  refresh();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sub = model.onDidChangeContent(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, options.delayMs ?? 200);
  });
  return {
    dispose() {
      if (timer) clearTimeout(timer);
      sub.dispose();
      m.editor.setModelMarkers(model, MARKER_OWNER, []);
    },
  };
}
