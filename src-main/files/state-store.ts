/**
 * What the app remembers between runs, in its state folder: the recent-files list and backups
 * of unsaved editor text (so a reload, a crash or a closed tab loses nothing). JSON files,
 * written atomically; a corrupt file is set aside and reported, never fatal.
 */
import { mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { Backup, MAX_RECENT_FILES, RecentFile, type RecentFile as RecentFileT, type Backup as BackupT } from '../../src-shared/files/api.ts';

/** $XDG_CONFIG_HOME/vtd-workbench or ~/.config/vtd-workbench (Electron passes its userData). */
export function defaultStateDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'vtd-workbench');
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}

export class StateStore {
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
    let raw: string;
    try {
      raw = await readFile(this.recentPath, 'utf8');
    } catch {
      return [];
    }
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

  async touchRecent(path: string, now: number): Promise<RecentFileT[]> {
    const list = [{ path, openedAt: now }, ...(await this.recent()).filter((r) => r.path !== path)].slice(0, MAX_RECENT_FILES);
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(this.recentPath, list);
    return list;
  }

  async forgetRecent(path: string): Promise<RecentFileT[]> {
    const list = (await this.recent()).filter((r) => r.path !== path);
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(this.recentPath, list);
    return list;
  }

  async putBackup(b: BackupT): Promise<void> {
    await mkdir(this.backupDir, { recursive: true });
    await writeJsonAtomic(join(this.backupDir, `${b.id}.json`), b);
  }

  async dropBackup(id: string): Promise<void> {
    await unlink(join(this.backupDir, `${id}.json`)).catch(() => undefined);
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
        const r = v.safeParse(Backup, JSON.parse(await readFile(join(this.backupDir, n), 'utf8')));
        if (r.success) out.push(r.output);
        else this.warn(`${n}: not a backup (${r.issues[0].message}); ignored`);
      } catch (err) {
        this.warn(`${n}: unreadable backup (${(err as Error).message}); ignored`);
      }
    }
    return out.sort((a, b) => a.savedAt - b.savedAt);
  }
}
