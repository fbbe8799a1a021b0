/**
 * The Monaco wiring, against a recording fake of the monaco namespace: languages and providers
 * register, diagnostics become markers with codes, a quick fix goes through the one edit API as
 * one undoable edit, and formatting returns edits. (The real editor is exercised by the lead's
 * Chromium e2e test.)
 */
import { describe, expect, it } from 'vitest';
import { registerConfigLanguages } from '../../../src-renderer/editor/config-languages.ts';
import { attachDiagnostics } from '../../../src-renderer/editor/config-diagnostics.ts';
import { applyConfigEdits } from '../../../src-renderer/editor/edit-api.ts';
import { applyTextEdits } from '../../../src-shared/config/source.ts';
import { SEED_HOST } from '../../../src-shared/config/index.ts';

type Any = any;

function fakeMonaco() {
  const providers: Record<string, Record<string, Any>> = {};
  const commands: Record<string, Any> = {};
  const markers = new Map<Any, Any[]>();
  const reg = (what: string) => (id: string, p: Any) => {
    (providers[id] ??= {})[what] = p;
    return { dispose() {} };
  };
  const models: Any[] = [];
  const m: Any = {
    MarkerSeverity: { Hint: 1, Info: 2, Warning: 4, Error: 8 },
    Uri: { parse: (s: string) => ({ toString: () => s }) },
    languages: {
      register: () => {},
      setLanguageConfiguration: () => {},
      setMonarchTokensProvider: () => {},
      registerCompletionItemProvider: reg('completion'),
      registerHoverProvider: reg('hover'),
      registerCodeActionProvider: reg('codeAction'),
      registerDocumentFormattingEditProvider: reg('format'),
      CompletionItemKind: { Property: 9, Value: 12, Reference: 17, Keyword: 13 },
      CompletionItemInsertTextRule: { InsertAsSnippet: 4 },
    },
    editor: {
      setModelMarkers: (model: Any, _owner: string, ms: Any[]) => markers.set(model, ms),
      registerCommand: (id: string, h: Any) => ((commands[id] = h), { dispose() {} }),
      getModel: (uri: Any) => models.find((x) => x.uri.toString() === uri.toString()),
      getModels: () => models,
      getEditors: () => [],
    },
  };
  return { m, providers, commands, markers, models };
}

/** A text model with Monaco's edit and undo surface, enough for the providers. */
function fakeModel(text: string, languageId: string, uri = `inmemory://model/${languageId}`) {
  let value = text;
  let version = 1;
  const undo: string[] = [];
  const listeners: Any[] = [];
  const model: Any = {
    uri: { toString: () => uri },
    getValue: () => value,
    getLanguageId: () => languageId,
    getVersionId: () => version,
    getLineCount: () => value.split('\n').length,
    getLineContent: (l: number) => value.split('\n')[l - 1],
    getLineMaxColumn: (l: number) => value.split('\n')[l - 1].length + 1,
    onDidChangeContent: (f: Any) => (listeners.push(f), { dispose() {} }),
    pushStackElement: () => undo.push('|'),
    pushEditOperations: (_s: Any, ops: Any[]) => {
      undo.push(value);
      value = applyTextEdits(value, ops.map((o) => ({ range: { startLine: o.range.startLineNumber, startColumn: o.range.startColumn, endLine: o.range.endLineNumber, endColumn: o.range.endColumn }, text: o.text })));
      version++;
      return null;
    },
  };
  return { model, undo };
}

describe('Monaco providers', () => {
  it('registers every language once, with completion, hover, quick fixes and formatting', () => {
    const f = fakeMonaco();
    registerConfigLanguages(f.m);
    registerConfigLanguages(f.m);
    expect(Object.keys(f.providers).sort()).toEqual(['grub-legacy', 'grub2', 'xen-hvmconf', 'xen-xlcfg']);
    for (const p of Object.values(f.providers)) expect(Object.keys(p).sort()).toEqual(['codeAction', 'completion', 'format', 'hover']);
  });

  it('turns a typo into a coded marker and its quick fix into one undoable edit', () => {
    const f = fakeMonaco();
    registerConfigLanguages(f.m);
    const grub = 'title X\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz ro pciback.hid=(02:00.0)\n';
    const { model, undo } = fakeModel(grub, 'grub-legacy');
    f.models.push(model);
    const sub = attachDiagnostics(f.m, undefined, model, { era: '2007', host: SEED_HOST });
    const [marker] = f.markers.get(model)!;
    expect(marker).toMatchObject({ code: 'pciback-unknown-param', severity: 8, startLineNumber: 3, startColumn: 22, endColumn: 33, source: 'vtdw' });
    const { actions } = f.providers['grub-legacy'].codeAction.provideCodeActions(model, null, { markers: [marker] });
    expect(actions[0]).toMatchObject({ title: 'Write pciback.hide', kind: 'quickfix', isPreferred: true });
    f.commands[actions[0].command.id](null, ...actions[0].command.arguments);
    expect(model.getValue()).toContain('pciback.hide=(02:00.0)');
    expect(undo).toEqual(['|', grub, '|']);
    expect(f.markers.get(model)).toEqual([]);
    sub.dispose();
  });

  it("fixes a guest's pci-not-hidden in the open grub.conf model, as one undoable step there", () => {
    const f = fakeMonaco();
    registerConfigLanguages(f.m);
    const hvm = "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = 'qemu-dm'\nacpi = 0\napic = 0\npci = [ '02:00.0' ]\n";
    const grubText = 'title Xen\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro\n';
    const guest = fakeModel(hvm, 'xen-hvmconf', 'file:///etc/xen/hvm.conf');
    const grub = fakeModel(grubText, 'grub-legacy', 'file:///boot/grub/grub.conf');
    f.models.push(guest.model);
    const sub = attachDiagnostics(f.m, undefined, guest.model, { era: '2007', host: SEED_HOST, grubText: () => grub.model.getValue(), grubUri: 'file:///boot/grub/grub.conf' });
    const marker = f.markers.get(guest.model)!.find((x: Any) => x.code === 'pci-not-hidden');
    // Not offered while grub.conf is not open in the editor.
    expect(f.providers['xen-hvmconf'].codeAction.provideCodeActions(guest.model, null, { markers: [marker] }).actions).toEqual([]);
    f.models.push(grub.model);
    const { actions } = f.providers['xen-hvmconf'].codeAction.provideCodeActions(guest.model, null, { markers: [marker] });
    expect(actions[0]).toMatchObject({ title: 'Hide 02:00.0 from dom0 in grub.conf', isPreferred: true });
    f.commands[actions[0].command.id](null, ...actions[0].command.arguments);
    expect(grub.model.getValue()).toBe(grubText.replace(' ro\n', ' ro pciback.hide=(02:00.0)\n'));
    expect(grub.undo).toEqual(['|', grubText, '|']);
    expect(guest.model.getValue()).toBe(hvm);
    expect(guest.undo).toEqual([]);
    expect(f.markers.get(guest.model)!.map((x: Any) => x.code)).not.toContain('pci-not-hidden');
    sub.dispose();
  });

  it('returns formatting edits and completion items in Monaco’s shapes', () => {
    const f = fakeMonaco();
    registerConfigLanguages(f.m);
    const { model } = fakeModel('memory=512\n', 'xen-hvmconf');
    expect(f.providers['xen-hvmconf'].format.provideDocumentFormattingEdits(model)).toEqual([{ range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 11 }, text: 'memory = 512' }]);
    const { suggestions } = f.providers['xen-hvmconf'].completion.provideCompletionItems(model, { lineNumber: 1, column: 4 });
    expect(suggestions.find((s: Any) => s.label.label === 'memory')).toMatchObject({
      label: { label: 'memory', detail: '  int', description: 'Initial guest memory in MB.' },
      kind: 9,
      insertTextRules: 4,
      range: { startLineNumber: 1, startColumn: 1, endColumn: 4 },
    });
  });

  it('lists host devices inside pci = [ … ] with their owner, replacing the whole address typed so far', () => {
    const f = fakeMonaco();
    registerConfigLanguages(f.m);
    const { model } = fakeModel("pci = [ '00:1f.' ]\n", 'xen-hvmconf');
    attachDiagnostics(f.m, undefined, model, { era: '2007', host: { ...SEED_HOST, hidden: ['0000:02:00.0'] } }).dispose();
    const { suggestions } = f.providers['xen-hvmconf'].completion.provideCompletionItems(model, { lineNumber: 1, column: 16 });
    const byLabel = (l: string) => suggestions.find((s: Any) => s.label.label === l);
    expect(byLabel('02:00.0').label).toMatchObject({ detail: '  pciback (assignable)', description: expect.stringContaining('82572EI') });
    expect(byLabel('00:1f.2').label.detail).toBe('  dom0');
    expect(byLabel('00:1f.2').range).toMatchObject({ startColumn: 10, endColumn: 16 });
  });

  it('refuses overlapping or out-of-model edits without changing anything', () => {
    const { model } = fakeModel('abc\n', 'xen-hvmconf');
    const r = (s: number, e: number) => ({ startLine: 1, startColumn: s, endLine: 1, endColumn: e });
    expect(applyConfigEdits(model, [{ range: r(1, 3), text: 'x' }, { range: r(2, 4), text: 'y' }])).toBe(false);
    expect(applyConfigEdits(model, [{ range: { startLine: 5, startColumn: 1, endLine: 5, endColumn: 1 }, text: 'x' }])).toBe(false);
    expect(model.getValue()).toBe('abc\n');
  });
});
