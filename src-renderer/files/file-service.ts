/**
 * The renderer's file service: one interface, two hosts. Under Electron it calls the preload's
 * native dialogs; in browser mode it shows our own picker and calls the Node host's API. Every
 * answer is checked against the shared schemas before the editor trusts it.
 */
import * as v from 'valibot';
import {
  Backup,
  DirListing,
  OpenedFile,
  RecentFile,
  SavedFile,
  FileError,
  checkShape,
  type FileResult,
  type DirListing as DirListingT,
  type Backup as BackupT,
  type OpenedFile as OpenedFileT,
  type RecentFile as RecentFileT,
  type SavedFile as SavedFileT,
} from '../../src-shared/files/api.ts';
import type { VtdwFiles } from '../../src-preload/api';

export interface PickRequest {
  mode: 'open' | 'save';
  title: string;
  suggestedName?: string;
}

/** The user's choice in the picker: a path, and for saving whether replacing was confirmed. */
export type PickResult = { path: string; overwrite: boolean } | null;
export type Picker = (req: PickRequest, list: (dir?: string) => Promise<FileResult<DirListingT>>) => Promise<PickResult>;

export interface FileService {
  readonly mode: 'electron' | 'browser';
  open(): Promise<FileResult<OpenedFileT | null>>;
  openRecent(path: string): Promise<FileResult<OpenedFileT>>;
  save(path: string, text: string, expectedMtimeMs?: number): Promise<FileResult<SavedFileT>>;
  saveAs(suggestedName: string, text: string): Promise<FileResult<SavedFileT | null>>;
  recent(): Promise<FileResult<RecentFileT[]>>;
  backups(): Promise<FileResult<BackupT[]>>;
  putBackup(b: BackupT): Promise<FileResult<object>>;
  dropBackup(id: string): Promise<FileResult<object>>;
}

function checked<T>(schema: v.GenericSchema<unknown, T>, raw: unknown): FileResult<T> {
  const r = raw as FileResult<unknown>;
  if (r && r.ok === false) return checkShape(FileError, r.error, 'error').ok ? (r as FileResult<T>) : { ok: false, error: { code: 'io', message: 'the host sent an unreadable error' } };
  if (r && r.ok === true) return checkShape(schema, r.value, 'reply');
  return { ok: false, error: { code: 'io', message: 'the host sent an unreadable reply' } };
}

const Nothing = v.object({});

export function electronFileService(files: VtdwFiles): FileService {
  return {
    mode: 'electron',
    open: async () => checked(v.nullable(OpenedFile), await files.openDialog()),
    openRecent: async (path) => checked(OpenedFile, await files.openRecent(path)),
    save: async (path, text, expectedMtimeMs) => checked(SavedFile, await files.save(expectedMtimeMs === undefined ? { path, text } : { path, text, expectedMtimeMs })),
    saveAs: async (suggestedName, text) => checked(v.nullable(SavedFile), await files.saveAsDialog({ suggestedName, text })),
    recent: async () => checked(v.array(RecentFile), await files.recent()),
    backups: async () => checked(v.array(Backup), await files.backups()),
    putBackup: async (b) => checked(Nothing, await files.putBackup(b)),
    dropBackup: async (id) => checked(Nothing, await files.dropBackup(id)),
  };
}

/** Browser mode: the host's API lives below the page's own token path. */
export function browserFileService(pick: Picker, base: string = new URL('api/', location.href).href): FileService {
  async function call<T>(schema: v.GenericSchema<unknown, T>, method: string, route: string, body?: unknown): Promise<FileResult<T>> {
    let res: Response;
    try {
      res = await fetch(new URL(route, base), {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        // Small requests (backups while the page unloads) must outlive the page.
        keepalive: body !== undefined && JSON.stringify(body).length < 60_000,
      });
    } catch (err) {
      return { ok: false, error: { code: 'io', message: `cannot reach the vtdw host: ${(err as Error).message}` } };
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      return { ok: false, error: { code: 'io', message: `the vtdw host answered ${res.status} without JSON` } };
    }
    return checked(schema, res.ok ? { ok: true, value: json } : { ok: false, error: json });
  }
  const list = (dir?: string) => call(DirListing, 'GET', dir ? `fs/list?dir=${encodeURIComponent(dir)}` : 'fs/list');
  return {
    mode: 'browser',
    async open() {
      const choice = await pick({ mode: 'open', title: 'Open a configuration file' }, list);
      return choice ? call(OpenedFile, 'POST', 'files/open', { path: choice.path }) : { ok: true, value: null };
    },
    openRecent: (path) => call(OpenedFile, 'POST', 'files/open', { path }),
    save: (path, text, expectedMtimeMs) => call(SavedFile, 'POST', 'files/save', expectedMtimeMs === undefined ? { path, text } : { path, text, expectedMtimeMs }),
    async saveAs(suggestedName, text) {
      const choice = await pick({ mode: 'save', title: 'Save as', suggestedName }, list);
      return choice ? call(SavedFile, 'POST', 'files/save-as', { path: choice.path, text, overwrite: choice.overwrite }) : { ok: true, value: null };
    },
    recent: () => call(v.array(RecentFile), 'GET', 'files/recent'),
    backups: () => call(v.array(Backup), 'GET', 'backups'),
    putBackup: (b) => call(Nothing, 'PUT', 'backups', b),
    dropBackup: (id) => call(Nothing, 'DELETE', `backups/${encodeURIComponent(id)}`),
  };
}
