/**
 * Reading and saving the text files the user edits, for both hosts. A path becomes writable
 * only once the user opened or chose it (a dialog, the browser-mode picker, the recent list);
 * only regular files are read, never more than the editor's limit; saves are atomic, keep the
 * file's mode and owner, go through symlinks (atomic-write.ts), and refuse to overwrite a file
 * that changed on disk since the editor read it. Browser mode confines every path to its
 * workspace root.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_TEXT_FILE_BYTES, type FileError, type FileResult, type OpenedFile, type SavedFile } from '../../src-shared/files/api.ts';
import { NotRegularFileError, writeFileAtomic } from './atomic-write.ts';
import { readRegularFile } from './regular-file.ts';
import { KeyedQueue } from './serial.ts';
import type { WorkspaceRoot } from './workspace-root.ts';

const fail = (code: FileError['code'], message: string, path?: string): FileResult<never> => ({ ok: false, error: path ? { code, message, path } : { code, message } });

/** Turns a Node error into the user-facing reason, naming the path. */
export function describeFsError(err: unknown, path: string): FileResult<never> {
  if (err instanceof NotRegularFileError) return fail(err.kind === 'a directory' ? 'is-directory' : 'not-regular', err.message, path);
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return fail('not-found', `${path}: no such file`, path);
    case 'EACCES':
    case 'EPERM':
      return fail('io', `${path}: permission denied`, path);
    case 'EISDIR':
      return fail('is-directory', `${path}: is a directory`, path);
    case 'ENOTDIR':
      return fail('not-found', `${path}: a parent of this path is not a directory`, path);
    case 'ENOSPC':
      return fail('io', `${path}: no space left on the device; nothing was written`, path);
    case 'EROFS':
      return fail('io', `${path}: the file system is read-only`, path);
    case 'ELOOP':
      return fail('io', `${path}: too many levels of symbolic links`, path);
    default:
      return fail('io', `${path}: ${(err as Error).message}`, path);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array, path: string): FileResult<string> {
  if (bytes.includes(0)) return fail('not-text', `${path}: contains NUL bytes; this is not a text file`, path);
  try {
    return { ok: true, value: utf8.decode(bytes) };
  } catch {
    return fail('not-text', `${path}: is not valid UTF-8 text`, path);
  }
}

/** Reads a regular text file of at most MAX_TEXT_FILE_BYTES, saying why not otherwise. */
export async function readTextFile(abs: string): Promise<FileResult<{ text: string; mtimeMs: number }>> {
  const r = await readRegularFile(abs, MAX_TEXT_FILE_BYTES);
  if (!r.ok) {
    const p = r.problem;
    if (p.code === 'errno') return describeFsError(p.error, abs);
    if (p.code === 'too-large') return fail('too-large', `${abs}: is more than the ${p.limit} bytes this editor opens`, abs);
    return fail(p.kind === 'a directory' ? 'is-directory' : 'not-regular', `${abs}: is ${p.kind}, not a regular file`, abs);
  }
  const text = decodeText(r.bytes, abs);
  return text.ok ? { ok: true, value: { text: text.value, mtimeMs: r.stats.mtimeMs } } : text;
}

export interface FileAccessOptions {
  /** Browser mode: every path must lead inside this folder; relative paths start there. */
  root?: WorkspaceRoot;
}

export class FileAccess {
  private readonly allowed = new Set<string>();
  /** Saves of one path run one after another (the mtime check, then the write). */
  private readonly saves = new KeyedQueue();

  constructor(private readonly opts: FileAccessOptions = {}) {}

  /** A path from the user, absolute: relative ones start at the root (browser mode). */
  resolve(path: string): string {
    return this.opts.root ? this.opts.root.resolve(path) : resolve(path);
  }

  /** Refuses a path outside the workspace root (browser mode); the code is 'not-allowed'. */
  async confine(abs: string): Promise<FileResult<string>> {
    const why = await this.opts.root?.refusal(abs);
    return why ? fail('not-allowed', why, abs) : { ok: true, value: abs };
  }

  /** Records that the user chose this path (dialog, picker, recent list, command line). */
  allow(path: string): string {
    const abs = this.resolve(path);
    this.allowed.add(abs);
    return abs;
  }

  isAllowed(path: string): boolean {
    return this.allowed.has(this.resolve(path));
  }

  /** Reads a file the user chose; the path becomes allowed. */
  async open(path: string): Promise<FileResult<OpenedFile>> {
    const abs = await this.confine(this.resolve(path));
    if (!abs.ok) return abs;
    const r = await readTextFile(abs.value);
    if (!r.ok) return r;
    this.allow(abs.value);
    return { ok: true, value: { path: abs.value, text: r.value.text, mtimeMs: r.value.mtimeMs } };
  }

  /** Saves over a file the user opened or chose before. */
  async save(path: string, text: string, expectedMtimeMs?: number): Promise<FileResult<SavedFile>> {
    const abs = this.resolve(path);
    if (!this.allowed.has(abs)) return fail('not-allowed', `${abs}: was not opened or chosen in this session; use Save As`, abs);
    const inside = await this.confine(abs);
    if (!inside.ok) return inside;
    return this.saves.run(abs, async () => {
      if (expectedMtimeMs !== undefined) {
        try {
          const st = await stat(abs);
          if (Math.abs(st.mtimeMs - expectedMtimeMs) > 1) {
            return fail('conflict', `${abs}: changed on disk since it was opened (by another program?); reload it or use Save As`, abs);
          }
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(err, abs);
        }
      }
      return this.write(abs, text);
    });
  }

  /** Saves to a path the user just chose; it becomes allowed. */
  async saveAs(path: string, text: string, overwrite: boolean): Promise<FileResult<SavedFile>> {
    const inside = await this.confine(this.resolve(path));
    if (!inside.ok) return inside;
    const abs = inside.value;
    return this.saves.run(abs, async () => {
      try {
        const st = await stat(abs);
        if (st.isDirectory()) return fail('is-directory', `${abs}: is a directory`, abs);
        if (!overwrite) return fail('exists', `${abs}: already exists; confirm to replace it`, abs);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(err, abs);
      }
      const r = await this.write(abs, text);
      if (r.ok) this.allow(abs);
      return r;
    });
  }

  private async write(abs: string, text: string): Promise<FileResult<SavedFile>> {
    try {
      const { stats } = await writeFileAtomic(abs, text);
      return { ok: true, value: { path: abs, mtimeMs: stats.mtimeMs } };
    } catch (err) {
      return describeFsError(err, abs);
    }
  }
}
