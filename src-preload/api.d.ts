/**
 * The typed shape of what the preload exposes on `window.vtdw` (Electron only; in browser mode
 * it is absent and the renderer uses a WebSocket). Deliberately small: the simulator traffic
 * itself never passes through main or preload, only the port that carries it.
 */
export interface SimPortNotice {
  /** Increments each time main (re)starts the simulator. */
  generation: number;
}

export interface SimExitNotice {
  generation: number;
  reason: string;
  /** Milliseconds until main tries to start it again, or null when it gave up. */
  restartInMs: number | null;
}

import type { Backup, FileResult, OpenedFile, RecentFile, SavedFile } from '../src-shared/files/api.ts';

/** Native file dialogs and the app's state folder, through main. */
export interface VtdwFiles {
  /** Shows the Open dialog; null when the user cancels. */
  openDialog(): Promise<FileResult<OpenedFile | null>>;
  openRecent(path: string): Promise<FileResult<OpenedFile>>;
  save(req: { path: string; text: string; expectedMtimeMs?: number }): Promise<FileResult<SavedFile>>;
  /** Shows the Save dialog; null when the user cancels. */
  saveAsDialog(req: { suggestedName: string; text: string }): Promise<FileResult<SavedFile | null>>;
  recent(): Promise<FileResult<RecentFile[]>>;
  backups(): Promise<FileResult<Backup[]>>;
  putBackup(b: Backup): Promise<FileResult<object>>;
  dropBackup(id: string): Promise<FileResult<object>>;
}

export interface VtdwBridge {
  readonly files: VtdwFiles;
  readonly apiVersion: 1;
  /** Asks main for a fresh MessagePort to the simulator; it arrives as a window message. */
  requestSimPort(): void;
  /** The nonce that window messages carrying the port are tagged with. */
  readonly portNonce: string;
  onSimExit(cb: (n: SimExitNotice) => void): void;
  onSimRestart(cb: (n: SimPortNotice) => void): void;
  /** The OS colour scheme as Electron's nativeTheme reports it. */
  prefersDark(): boolean;
}

declare global {
  interface Window {
    vtdw?: VtdwBridge;
  }
}
