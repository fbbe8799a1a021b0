/**
 * Files in and out for the commands, with one error format:
 * `vtdw CMD: FILE: WHERE: REASON` — WHERE is `byte 0x…` in binary input, `line:col` in text
 * and JSON, left out when the whole file is meant — and errno codes in words.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliIO } from './io.ts';
import { readRegularFile, problemWords } from '../files/regular-file.ts';
import { NotRegularFileError, failedStep, writeFileAtomic, type WriteStep } from '../files/atomic-write.ts';

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

/** Dumps, profiles and DMAR tables are far smaller; anything larger is not one. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a file for a command, or prints why it cannot and returns undefined. Only a regular
 * file, and never more than `limit` + 1 bytes: /dev/zero and FIFOs end in an error at once.
 */
export async function readInput(io: CliIO, cmd: string, file: string, limit = MAX_INPUT_BYTES): Promise<Buffer | undefined> {
  const r = await readRegularFile(resolve(io.cwd, file), limit);
  if (r.ok) return r.bytes;
  report(io, cmd, file, undefined, `cannot read: ${problemWords(r.problem, errnoWords)}`);
  return undefined;
}

const STEPS: Record<WriteStep, (dir: string) => string> = {
  create: (dir) => `cannot create a temporary file in ${dir}`,
  write: () => 'cannot write the temporary file',
  replace: () => 'cannot replace it',
};

/**
 * Writes `text` to `file` atomically (see files/atomic-write.ts: a temporary file beside it,
 * flushed, renamed over it, mode and owner kept, symlinks saved through) — a failed write never
 * leaves half a profile. Prints why it failed and returns false.
 */
export async function writeOutput(io: CliIO, cmd: string, file: string, text: string): Promise<boolean> {
  const path = resolve(io.cwd, file);
  const dir = dirname(file) || '.';
  const fail = (why: string) => (report(io, cmd, file, undefined, `cannot write: ${why}`), false);
  try {
    if (!statSync(dirname(path)).isDirectory()) return fail(`${dir}: ${errnoWords({ code: 'ENOTDIR' })}`);
  } catch (e) {
    return fail(`directory ${dir}: ${errnoWords(e)}`);
  }
  try {
    await writeFileAtomic(path, text);
    return true;
  } catch (e) {
    if (e instanceof NotRegularFileError) return fail(e.kind === 'a directory' ? errnoWords({ code: 'EISDIR' }) : `is ${e.kind}, not a regular file`);
    const step = failedStep(e);
    return fail(`${step ? `${STEPS[step](dir)}: ` : ''}${errnoWords(e)}`);
  }
}
