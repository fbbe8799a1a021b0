/**
 * Open configuration documents: which file each is, whether it has unsaved changes, and the
 * actions on them (new, open, save, save as, close). Text lives in Monaco models (editor/models);
 * this store keeps only what the UI shows. Unsaved text is backed up through the host a second
 * after each change, so a reload or a crash loses nothing; a save drops the backup.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FileService } from '../files/file-service.ts';
import type { FileError, OpenedFile } from '../../src-shared/files/api.ts';
import type * as Models from '../editor/models.ts';
import type { Diagnostic } from '../../src-shared/config/index.ts';

export interface DocMeta {
  id: string;
  title: string;
  path: string | null;
  /** Monaco language id (xen-hvmconf, xen-xlcfg, grub-legacy, grub2). */
  language: string;
  /** mtime of the file when last read or written, for conflict detection on save. */
  mtimeMs?: number;
  /** Monaco's alternative version id at the last save (or open). */
  savedVersion: number;
  dirty: boolean;
}


const BACKUP_DELAY_MS = 1000;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export const useDocumentsStore = defineStore('documents', () => {
  const docs = ref<DocMeta[]>([]);
  const activeId = ref<string | null>(null);
  const message = ref<{ kind: 'info' | 'error'; text: string } | null>(null);
  const recent = ref<{ path: string; openedAt: number }[]>([]);
  /** Each document's diagnostics as the linter last reported them. */
  const problems = ref<Record<string, Diagnostic[]>>({});
  /**
   * The editor's model registry (editor/models.ts), handed over by the Configuration view when
   * it loads: Monaco is a separate chunk, so the shell, the status bar and the simulator
   * connection come up without waiting for it.
   */
  let models: typeof Models | undefined;

  function useModels(m: typeof Models): void {
    models = m;
    m.setDiagnosticsListener((id: string, ds: Diagnostic[]) => {
      problems.value[id] = ds;
    });
  }

  function editor(): typeof Models {
    if (!models) throw new Error('documents: the editor has not loaded yet');
    return models;
  }
  const getModel = (id: string) => editor().getModel(id);
  const languageOf = (title: string, text: string) => editor().languageOf(title, text);
  let files: FileService | undefined;
  let counter = 0;
  const backupTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const active = computed(() => docs.value.find((d) => d.id === activeId.value) ?? null);
  const anyDirty = computed(() => docs.value.some((d) => d.dirty));

  /**
   * The backups the host held when the page started, asked for as soon as the file service is
   * bound: the answer then arrives while the editor's chunk loads, and `restore` (once Monaco
   * is up) does not wait a round trip more. Taken once; later restores ask again.
   */
  let startBackups: ReturnType<FileService['backups']> | undefined;

  function bind(service: FileService): void {
    files = service;
    startBackups = service.backups();
    // Awaited by restore; this only keeps an early failure from counting as unhandled.
    startBackups.catch(() => undefined);
    void refreshRecent();
  }

  function say(kind: 'info' | 'error', text: string): void {
    message.value = { kind, text };
  }

  function fileError(e: FileError): void {
    say('error', e.message);
  }

  function track(doc: DocMeta): void {
    const model = getModel(doc.id)!;
    model.onDidChangeContent(() => {
      const d = docs.value.find((x) => x.id === doc.id);
      if (!d) return;
      d.dirty = model.getAlternativeVersionId() !== d.savedVersion;
      scheduleBackup(d);
    });
  }

  function add(meta: Omit<DocMeta, 'savedVersion' | 'dirty'>, text: string, dirty = false): DocMeta {
    const model = editor().createModel(meta.id, text, meta.language, meta.title);
    const doc: DocMeta = { ...meta, savedVersion: dirty ? -1 : model.getAlternativeVersionId(), dirty };
    docs.value.push(doc);
    track(doc);
    activeId.value = doc.id;
    return doc;
  }

  function newDocument(title: string, text: string, id = `untitled-${Date.now().toString(36)}-${++counter}`): DocMeta {
    return add({ id, title, path: null, language: languageOf(title, text) }, text);
  }

  function adoptOpened(f: OpenedFile): DocMeta {
    const existing = docs.value.find((d) => d.path === f.path);
    if (existing) {
      activeId.value = existing.id;
      return existing;
    }
    const title = baseName(f.path);
    return add({ id: `file-${Date.now().toString(36)}-${++counter}`, title, path: f.path, language: languageOf(title, f.text), mtimeMs: f.mtimeMs }, f.text);
  }

  async function open(): Promise<void> {
    if (!files) return;
    const r = await files.open();
    if (!r.ok) return fileError(r.error);
    if (r.value) {
      adoptOpened(r.value);
      say('info', `Opened ${r.value.path}`);
      void refreshRecent();
    }
  }

  async function openRecent(path: string): Promise<void> {
    if (!files) return;
    const r = await files.openRecent(path);
    if (!r.ok) return fileError(r.error);
    adoptOpened(r.value);
    void refreshRecent();
  }

  async function refreshRecent(): Promise<void> {
    const r = await files?.recent();
    if (r?.ok) recent.value = r.value;
  }

  function markSaved(doc: DocMeta, path: string, mtimeMs: number): void {
    const model = getModel(doc.id)!;
    doc.path = path;
    doc.title = baseName(path);
    editor().renameModel(doc.id, doc.title);
    doc.mtimeMs = mtimeMs;
    doc.savedVersion = model.getAlternativeVersionId();
    doc.dirty = false;
    clearTimeout(backupTimers.get(doc.id));
    void files?.dropBackup(doc.id);
  }

  async function save(id = activeId.value): Promise<boolean> {
    const doc = docs.value.find((d) => d.id === id);
    if (!doc || !files) return false;
    if (!doc.path) return saveAs(id);
    const text = getModel(doc.id)!.getValue();
    const r = await files.save(doc.path, text, doc.mtimeMs);
    if (!r.ok) {
      fileError(r.error);
      return false;
    }
    markSaved(doc, r.value.path, r.value.mtimeMs);
    say('info', `Saved ${r.value.path}`);
    return true;
  }

  async function saveAs(id = activeId.value): Promise<boolean> {
    const doc = docs.value.find((d) => d.id === id);
    if (!doc || !files) return false;
    const r = await files.saveAs(doc.title, getModel(doc.id)!.getValue());
    if (!r.ok) {
      fileError(r.error);
      return false;
    }
    if (!r.value) return false;
    markSaved(doc, r.value.path, r.value.mtimeMs);
    say('info', `Saved ${r.value.path}`);
    void refreshRecent();
    return true;
  }

  /** Closes a document; the caller has already asked the user about unsaved changes. */
  function close(id: string): void {
    const i = docs.value.findIndex((d) => d.id === id);
    if (i < 0) return;
    clearTimeout(backupTimers.get(id));
    void files?.dropBackup(id);
    docs.value.splice(i, 1);
    editor().disposeModel(id);
    delete problems.value[id];
    if (activeId.value === id) activeId.value = docs.value[Math.min(i, docs.value.length - 1)]?.id ?? null;
  }

  function backupNow(doc: DocMeta): void {
    backupTimers.delete(doc.id);
    const model = models?.getModel(doc.id);
    if (!model || !files) return;
    if (!doc.dirty) void files.dropBackup(doc.id);
    else void files.putBackup({ id: doc.id, path: doc.path, title: doc.title, language: doc.language, text: model.getValue(), savedAt: Date.now() });
  }

  function scheduleBackup(doc: DocMeta): void {
    clearTimeout(backupTimers.get(doc.id));
    backupTimers.set(
      doc.id,
      setTimeout(() => backupNow(doc), BACKUP_DELAY_MS),
    );
  }

  /** Writes every pending backup at once (the page is going away). */
  function flushBackups(): void {
    for (const [id, t] of [...backupTimers]) {
      clearTimeout(t);
      const doc = docs.value.find((d) => d.id === id);
      if (doc) backupNow(doc);
    }
  }

  /**
   * At start: reopen every backed-up buffer as an unsaved document (replacing a sample with the
   * same id), then add the samples that have no backup. Returns how many were restored.
   */
  async function restore(samples: { id: string; title: string; text: string }[]): Promise<number> {
    const pending = startBackups ?? files?.backups();
    startBackups = undefined;
    const r = await pending;
    const backups = r?.ok ? r.value : [];
    if (r && !r.ok) say('error', `Could not read unsaved-change backups: ${r.error.message}`);
    for (const b of backups) add({ id: b.id, title: b.title, path: b.path, language: languageOf(b.title, b.text) }, b.text, true);
    for (const s of samples) if (!backups.some((b) => b.id === s.id)) newDocument(s.title, s.text, s.id);
    activeId.value = docs.value[0]?.id ?? null;
    if (backups.length) say('info', `Restored unsaved changes in ${backups.map((b) => b.title).join(', ')}`);
    return backups.length;
  }

  /** A document's text as the editor holds it now (undefined before the editor loads, or for no such document). */
  function textOf(id: string): string | undefined {
    return models?.getModel(id)?.getValue();
  }

  return { docs, activeId, active, anyDirty, message, recent, problems, bind, useModels, newDocument, open, openRecent, save, saveAs, close, restore, refreshRecent, say, flushBackups, textOf };
});
