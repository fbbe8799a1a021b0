/**
 * Reading and saving the text files the user edits, for both hosts. A path becomes readable and
 * writable only once the user opened or chose it (a dialog, the browser-mode picker, the recent
 * list); saves are atomic (write a temporary file beside the target, flush, rename over it) and
 * refuse to overwrite a file that changed on disk since the editor read it.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_TEXT_FILE_BYTES, type FileError, type FileResult, type OpenedFile, type SavedFile } from '../../src-shared/files/api.ts';

const fail = (code: FileError['code'], message: string, path?: string): FileResult<never> => ({ ok: false, error: path ? { code, message, path } : { code, message } });

/** Turns a Node error into the user-facing reason, naming the path. */
export function describeFsError(err: unknown, path: string): FileResult<never> {
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

export class FileAccess {
  private readonly allowed = new Set<string>();

  /** Records that the user chose this path (dialog, picker, recent list, command line). */
  allow(path: string): string {
    const abs = resolve(path);
    this.allowed.add(abs);
    return abs;
  }

  isAllowed(path: string): boolean {
    return this.allowed.has(resolve(path));
  }

  /** Reads a file the user chose; the path becomes allowed. */
  async open(path: string): Promise<FileResult<OpenedFile>> {
    const abs = resolve(path);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      return describeFsError(err, abs);
    }
    if (st.isDirectory()) return fail('is-directory', `${abs}: is a directory`, abs);
    if (st.size > MAX_TEXT_FILE_BYTES) return fail('too-large', `${abs}: ${st.size} bytes is more than the ${MAX_TEXT_FILE_BYTES} this editor opens`, abs);
    let bytes: Buffer;
    try {
      bytes = await readFile(abs);
    } catch (err) {
      return describeFsError(err, abs);
    }
    const text = decodeText(bytes, abs);
    if (!text.ok) return text;
    this.allow(abs);
    return { ok: true, value: { path: abs, text: text.value, mtimeMs: st.mtimeMs } };
  }

  /** Saves over a file the user opened or chose before. */
  async save(path: string, text: string, expectedMtimeMs?: number): Promise<FileResult<SavedFile>> {
    const abs = resolve(path);
    if (!this.allowed.has(abs)) return fail('not-allowed', `${abs}: was not opened or chosen in this session; use Save As`, abs);
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
    return this.writeAtomic(abs, text);
  }

  /** Saves to a path the user just chose; it becomes allowed. */
  async saveAs(path: string, text: string, overwrite: boolean): Promise<FileResult<SavedFile>> {
    const abs = resolve(path);
    try {
      const st = await stat(abs);
      if (st.isDirectory()) return fail('is-directory', `${abs}: is a directory`, abs);
      if (!overwrite) return fail('exists', `${abs}: already exists; confirm to replace it`, abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return describeFsError(err, abs);
    }
    const r = await this.writeAtomic(abs, text);
    if (r.ok) this.allow(abs);
    return r;
  }

  /** Temp file in the same directory (same file system), fsync, then rename over the target. */
  private async writeAtomic(abs: string, text: string): Promise<FileResult<SavedFile>> {
    const tmp = join(dirname(abs), `.${basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const fh = await open(tmp, 'wx', 0o644);
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, abs);
      const st = await stat(abs);
      return { ok: true, value: { path: abs, mtimeMs: st.mtimeMs } };
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      return describeFsError(err, abs);
    }
  }
}
