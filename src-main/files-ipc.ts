/**
 * Electron's side of the file API: native Open/Save dialogs, then the same FileAccess and
 * StateStore browser mode uses. Every handler checks that the sender is our own top frame and
 * validates its arguments with the shared schemas before touching the disk.
 */
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { Backup, OpenRequest, SaveRequest, checkShape, type FileResult } from '../src-shared/files/api.ts';
import { FileAccess } from './files/file-access.ts';
import type { StateStore } from './files/state-store.ts';
import { isAppUrl } from './security.ts';
import * as v from 'valibot';

const FILTERS = [
  { name: 'Xen and GRUB configuration', extensions: ['cfg', 'conf', 'hvm', 'lst'] },
  { name: 'All files', extensions: ['*'] },
];

export function registerFileHandlers(getWindow: () => BrowserWindow | undefined, state: StateStore): void {
  const files = new FileAccess();
  const trusted = (e: IpcMainInvokeEvent) => !!e.senderFrame && isAppUrl(e.senderFrame.url) && !e.senderFrame.parent;
  const refused: FileResult<never> = { ok: false, error: { code: 'not-allowed', message: 'request from an untrusted frame' } };

  const handle = (channel: string, fn: (arg: unknown) => Promise<unknown>) =>
    ipcMain.handle(channel, async (e, arg) => (trusted(e) ? fn(arg) : refused));

  handle('files:open-dialog', async () => {
    const win = getWindow();
    const r = win ? await dialog.showOpenDialog(win, { properties: ['openFile'], filters: FILTERS }) : undefined;
    if (!r || r.canceled || !r.filePaths[0]) return { ok: true, value: null };
    const opened = await files.open(r.filePaths[0]);
    if (opened.ok) await state.touchRecent(opened.value.path, Date.now());
    return opened;
  });

  handle('files:open-recent', async (arg) => {
    const req = checkShape(OpenRequest, arg, 'request');
    if (!req.ok) return req;
    const recent = await state.recent();
    if (!recent.some((r) => r.path === req.value.path)) return { ok: false, error: { code: 'not-allowed', message: `${req.value.path}: not in the recent list` } };
    const opened = await files.open(req.value.path);
    if (opened.ok) await state.touchRecent(opened.value.path, Date.now());
    return opened;
  });

  handle('files:save', async (arg) => {
    const req = checkShape(SaveRequest, arg, 'request');
    return req.ok ? files.save(req.value.path, req.value.text, req.value.expectedMtimeMs) : req;
  });

  handle('files:save-as-dialog', async (arg) => {
    const req = checkShape(v.strictObject({ suggestedName: v.string(), text: v.string() }), arg, 'request');
    if (!req.ok) return req;
    const win = getWindow();
    const r = win ? await dialog.showSaveDialog(win, { defaultPath: req.value.suggestedName, filters: FILTERS }) : undefined;
    if (!r || r.canceled || !r.filePath) return { ok: true, value: null };
    // The native dialog already asked about replacing an existing file.
    const saved = await files.saveAs(r.filePath, req.value.text, true);
    if (saved.ok) await state.touchRecent(saved.value.path, Date.now());
    return saved;
  });

  handle('files:recent', async () => ({ ok: true, value: await state.recent() }));
  handle('files:backups', async () => ({ ok: true, value: await state.backups() }));
  handle('files:put-backup', async (arg) => {
    const b = checkShape(Backup, arg, 'backup');
    if (b.ok) await state.putBackup(b.value);
    return b.ok ? { ok: true, value: {} } : b;
  });
  handle('files:drop-backup', async (arg) => {
    if (typeof arg !== 'string' || !/^[A-Za-z0-9_.-]{1,80}$/.test(arg)) return { ok: false, error: { code: 'bad-request', message: 'backup id: letters, digits, _ . - only' } };
    await state.dropBackup(arg);
    return { ok: true, value: {} };
  });
}
