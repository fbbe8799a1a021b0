/**
 * What the app remembers between runs, in its state folder: the recent-files list and backups
 * of unsaved editor text (so a reload, a crash or a closed tab loses nothing). JSON files,
 * written atomically under unique temporary names; updates of one file run one at a time, so
 * parallel opens keep every recent entry. State files are read as bounded regular files (like
 * the user's); a corrupt or odd one is set aside or skipped and reported, never fatal.
 */
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { writeFileAtomic } from './atomic-write.ts';
import { KeyedQueue } from './serial.ts';
import { readRegularFile, problemWords } from './regular-file.ts';
import { Backup, MAX_RECENT_FILES, MAX_TEXT_FILE_BYTES, RecentFile, type RecentFile as RecentFileT, type Backup as BackupT } from '../../src-shared/files/api.ts';

/** $XDG_CONFIG_HOME/vtd-workbench or ~/.config/vtd-workbench (Electron passes its userData). */
export function defaultStateDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'vtd-workbench');
}

/** Ten paths of at most 4096 characters, as JSON. */
const MAX_RECENT_BYTES = 1024 * 1024;
/** The largest text, with room for JSON's escapes of control characters. */
const MAX_BACKUP_BYTES = 8 * MAX_TEXT_FILE_BYTES;

/** A state file's text, or undefined when there is none; throws why it cannot be read otherwise. */
async function readStateFile(path: string, limit: number): Promise<string | undefined> {
  const r = await readRegularFile(path, limit);
  if (r.ok) return r.bytes.toString('utf8');
  if (r.problem.code === 'errno' && r.problem.error.code === 'ENOENT') return undefined;
  throw new Error(problemWords(r.problem, (e) => e.message));
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export class StateStore {
  /** Read-modify-write of one state file at a time (the recent list, one backup). */
  private readonly updates = new KeyedQueue();

  constructor(
    readonly dir: string,
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  private get recentPath(): string {
    return join(this.dir, 'recent.json');
  }

  private get backupDir(): string {
    return join(this.dir, 'backups');
  }

  async recent(): Promise<RecentFileT[]> {
    let raw: string | undefined;
    try {
      raw = await readStateFile(this.recentPath, MAX_RECENT_BYTES);
    } catch (err) {
      this.warn(`${this.recentPath}: cannot read (${(err as Error).message}); the recent list is empty`);
      return [];
    }
    if (raw === undefined) return [];
    try {
      const r = v.safeParse(v.array(RecentFile), JSON.parse(raw));
      if (r.success) return r.output;
      throw new Error(r.issues[0].message);
    } catch (err) {
      this.warn(`${this.recentPath}: unreadable (${(err as Error).message}); starting a new recent list`);
      await rename(this.recentPath, `${this.recentPath}.corrupt`).catch(() => undefined);
      return [];
    }
  }

  touchRecent(path: string, now: number): Promise<RecentFileT[]> {
    return this.updateRecent((list) => [{ path, openedAt: now }, ...list.filter((r) => r.path !== path)].slice(0, MAX_RECENT_FILES));
  }

  forgetRecent(path: string): Promise<RecentFileT[]> {
    return this.updateRecent((list) => list.filter((r) => r.path !== path));
  }

  private updateRecent(change: (list: RecentFileT[]) => RecentFileT[]): Promise<RecentFileT[]> {
    return this.updates.run(this.recentPath, async () => {
      const list = change(await this.recent());
      await mkdir(this.dir, { recursive: true });
      await writeJsonAtomic(this.recentPath, list);
      return list;
    });
  }

  putBackup(b: BackupT): Promise<void> {
    const path = join(this.backupDir, `${b.id}.json`);
    return this.updates.run(path, async () => {
      await mkdir(this.backupDir, { recursive: true });
      await writeJsonAtomic(path, b);
    });
  }

  dropBackup(id: string): Promise<void> {
    const path = join(this.backupDir, `${id}.json`);
    return this.updates.run(path, () => unlink(path).catch(() => undefined));
  }

  async backups(): Promise<BackupT[]> {
    let names: string[];
    try {
      names = (await readdir(this.backupDir)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: BackupT[] = [];
    for (const n of names) {
      try {
        const r = v.safeParse(Backup, JSON.parse((await readStateFile(join(this.backupDir, n), MAX_BACKUP_BYTES)) ?? 'null'));
        if (r.success) out.push(r.output);
        else this.warn(`${n}: not a backup (${r.issues[0].message}); ignored`);
      } catch (err) {
        this.warn(`${n}: unreadable backup (${(err as Error).message}); ignored`);
      }
    }
    return out.sort((a, b) => a.savedAt - b.savedAt);
  }
}
