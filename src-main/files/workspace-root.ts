/**
 * Browser mode's workspace root, as notebook servers have one: the folder `vtdw serve` started
 * in (or `--root DIR`). A page may list, open and save only below it. Paths are judged by where
 * they really lead: `..` is resolved, and so is every symlink, in the folders on the way and at
 * the end (a dangling link by where a save would create its target).
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { writeTarget } from './atomic-write.ts';

export class WorkspaceRoot {
  private constructor(
    /** The root as the user gave it, absolute. */
    readonly dir: string,
    /** The root with its own symlinks resolved, for containment checks. */
    private readonly real: string,
  ) {}

  /** Checks that `dir` is an existing folder; throws an Error saying why not. */
  static async open(dir: string): Promise<WorkspaceRoot> {
    const abs = resolve(dir);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      throw new Error(`workspace root ${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`, { cause: err });
    }
    if (!st.isDirectory()) throw new Error(`workspace root ${abs}: not a folder`);
    return new WorkspaceRoot(abs, await realpath(abs));
  }

  /** A path from the page, absolute: relative ones are taken from the root. */
  resolve(path: string): string {
    return resolve(this.dir, path);
  }

  /** Undefined when `abs` leads inside the root; otherwise why it is refused. */
  async refusal(abs: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await realLocation(abs);
    } catch (err) {
      return `${abs}: cannot tell whether it is inside the workspace root (${(err as Error).message})`;
    }
    if (this.contains(real)) return undefined;
    const via = real !== abs ? ` (it leads to ${real})` : '';
    return `${abs}: outside the workspace root ${this.dir}${via}`;
  }

  private contains(real: string): boolean {
    const prefix = this.real.endsWith(sep) ? this.real : this.real + sep;
    return real === this.real || real.startsWith(prefix);
  }
}

/** Where a path really is: symlinks resolved, including a final dangling link and missing tails. */
async function realLocation(abs: string): Promise<string> {
  let p = await writeTarget(abs).catch(() => abs);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(p), ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) throw err;
      rest.unshift(basename(p));
      p = dirname(p);
    }
  }
}
