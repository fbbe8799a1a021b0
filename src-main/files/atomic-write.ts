/**
 * Saving a file whole or not at all, without damaging what was there. The new text goes to a
 * temporary file with its own unique name in the target's folder (same file system, so the
 * rename is atomic), gets the old file's mode and, where the OS permits, its owner, is flushed
 * to disk, and is renamed over the target. A symlink is saved through: the link stays and its
 * target gets the new text, as editors do. Writes to one target are serialised in-process.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { KeyedQueue } from './serial.ts';
import { fileKind } from './regular-file.ts';

/** The target exists and is a folder, a device, a FIFO…: nothing a save may replace. */
export class NotRegularFileError extends Error {
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path}: is ${kind}, not a regular file`);
  }
}

/** Links followed before giving up, as Linux's MAXSYMLINKS. */
const MAX_LINK_HOPS = 40;

/** Where a write to `path` lands: the end of its chain of symlinks (a dangling one included). */
export async function writeTarget(path: string): Promise<string> {
  let p = resolve(path);
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return p;
      throw err;
    }
    if (!st.isSymbolicLink()) return p;
    p = resolve(dirname(p), await readlink(p));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Gives the temporary file the old file's owner where allowed; a user may only keep their own. */
async function keepOwner(fh: Awaited<ReturnType<typeof open>>, old: Stats): Promise<void> {
  const mine = await fh.stat();
  if (mine.uid === old.uid && mine.gid === old.gid) return;
  await fh.chown(old.uid, old.gid).catch(() => fh.chown(mine.uid, old.gid).catch(() => undefined));
}

const writes = new KeyedQueue();

/**
 * Writes `data` to `path` atomically; returns the file actually written (the symlink's target)
 * and its stats. Throws Node's errors, or NotRegularFileError; never leaves a temporary file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<{ target: string; stats: Stats }> {
  return writeTarget(path).then((target) => writes.run(target, () => writeNow(target, data)));
}

/** Which step of a save failed, set on the error thrown: for messages that say where it stopped. */
export type WriteStep = 'create' | 'write' | 'replace';

export function failedStep(err: unknown): WriteStep | undefined {
  return (err as { writeStep?: WriteStep } | null)?.writeStep;
}

async function writeNow(target: string, data: string | Uint8Array): Promise<{ target: string; stats: Stats }> {
  const old = await statIfExists(target);
  if (old && !old.isFile()) throw new NotRegularFileError(target, fileKind(old));
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let step: WriteStep = 'create';
  try {
    // Created no more permissive than the old file (umask can only take bits away), then exact.
    const fh = await open(tmp, 'wx', old ? old.mode & 0o777 : 0o666);
    step = 'write';
    try {
      if (old) {
        await keepOwner(fh, old); // first: chown clears set-id bits, chmod puts them back
        await fh.chmod(old.mode & 0o7777);
      }
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    step = 'replace';
    await rename(tmp, target);
  } catch (err) {
    if (step !== 'create') await unlink(tmp).catch(() => undefined);
    if (err && typeof err === 'object') Object.assign(err, { writeStep: step });
    throw err;
  }
  await syncFolder(dirname(target));
  return { target, stats: await stat(target) };
}

/** Flushes the folder entry so the rename survives a crash; not every OS lets a folder be opened. */
async function syncFolder(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}
