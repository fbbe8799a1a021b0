/**
 * Files in and out for the host/lspci/dmar commands, with one error format:
 * `vtdw CMD: FILE: WHERE: REASON` — WHERE is `byte 0x…` in binary input, `line:col` in text
 * and JSON, left out when the whole file is meant — and errno codes in words.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliIO } from './io.ts';

/** Prints one located problem in the shared format. */
export function report(io: CliIO, cmd: string, file: string, where: string | undefined, reason: string): void {
  io.err(`vtdw ${cmd}: ${file}: ${where ? `${where}: ` : ''}${reason}\n`);
}

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EIO: 'input/output error',
  EEXIST: 'already exists',
  EXDEV: 'on another file system',
};

/** "no such file or directory (ENOENT)" — what went wrong, then the code to search for. */
export function errnoWords(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = err.code;
  if (!code) return err.message ?? String(e);
  const words = WORDS[code] ?? /^[A-Z]+: ([^,]+)/.exec(err.message ?? '')?.[1] ?? 'failed';
  return `${words} (${code})`;
}

/** Reads a file for a command, or prints why it cannot and returns undefined. */
export function readInput(io: CliIO, cmd: string, file: string): Buffer | undefined {
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (e) {
    report(io, cmd, file, undefined, `cannot read: ${errnoWords(e)}`);
    return undefined;
  }
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it, flushed, then renamed over
 * it — a failed write never leaves half a profile. Prints why it failed and returns false.
 */
export function writeOutput(io: CliIO, cmd: string, file: string, text: string): boolean {
  const path = resolve(io.cwd, file);
  const fail = (why: string) => (report(io, cmd, file, undefined, `cannot write: ${why}`), false);
  try {
    if (statSync(path).isDirectory()) return fail(errnoWords({ code: 'EISDIR' }));
  } catch {
    // Not there yet: the usual case.
  }
  try {
    if (!statSync(dirname(path)).isDirectory()) return fail(`${dirname(file) || '.'}: ${errnoWords({ code: 'ENOTDIR' })}`);
  } catch (e) {
    return fail(`directory ${dirname(file) || '.'}: ${errnoWords(e)}`);
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  let step = `cannot create a temporary file in ${dirname(file) || '.'}`;
  try {
    fd = openSync(tmp, 'wx');
    step = 'cannot write the temporary file';
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    step = 'cannot replace it';
    renameSync(tmp, path);
    return true;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // The temporary file was never created.
    }
    report(io, cmd, file, undefined, `cannot write: ${step}: ${errnoWords(e)}`);
    return false;
  }
}
