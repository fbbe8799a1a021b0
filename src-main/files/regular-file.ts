/**
 * Reading a file the user named, safely: only a regular file, and never more than a limit.
 * `stat` says 0 bytes for /dev/zero and a FIFO blocks a reader (and Node's file thread) until a
 * writer comes, so size checks on the path are not enough. We refuse what `stat` shows is not a
 * regular file, then open with O_NONBLOCK (a FIFO swapped in meanwhile cannot block the open),
 * check the opened descriptor with fstat (what we read is what we checked), and read at most
 * limit + 1 bytes, which tells "exactly the limit" from "over it" without reading the rest.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

export type ReadProblem =
  | { code: 'errno'; error: NodeJS.ErrnoException }
  | { code: 'not-regular'; kind: string }
  | { code: 'too-large'; limit: number };

export type ReadOutcome = { ok: true; bytes: Buffer; stats: Stats } | { ok: false; problem: ReadProblem };

/** What a non-regular file is, in words: "a directory", "a FIFO (named pipe)", … */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/** The problem in words, after "PATH: ": a folder in the words of EISDIR, as errno says it. */
export function problemWords(p: ReadProblem, errnoWords: (e: NodeJS.ErrnoException) => string): string {
  if (p.code === 'not-regular' && p.kind === 'a directory') return errnoWords(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  if (p.code === 'not-regular') return `is ${p.kind}, not a regular file`;
  if (p.code === 'too-large') return `is larger than the ${p.limit}-byte limit`;
  return errnoWords(p.error);
}

// O_NONBLOCK and O_NOCTTY do not exist on Windows, where FIFOs and ttys do not open this way.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** Reads a regular file of at most `limit` bytes. Never throws for file-system reasons. */
export async function readRegularFile(path: string, limit: number): Promise<ReadOutcome> {
  let fh;
  try {
    const before = await stat(path);
    if (!before.isFile()) return { ok: false, problem: { code: 'not-regular', kind: fileKind(before) } };
    fh = await open(path, OPEN_FLAGS);
    const stats = await fh.stat();
    if (!stats.isFile()) return { ok: false, problem: { code: 'not-regular', kind: fileKind(stats) } };
    // Size the buffer from fstat, and grow it in chunks if the file grows while we read.
    let buf = Buffer.allocUnsafe(Math.min(stats.size, limit) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(n + CHUNK, limit + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > limit) return { ok: false, problem: { code: 'too-large', limit } };
    return { ok: true, bytes: buf.subarray(0, n), stats };
  } catch (error) {
    return { ok: false, problem: { code: 'errno', error: error as NodeJS.ErrnoException } };
  } finally {
    await fh?.close();
  }
}
