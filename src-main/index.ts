/**
 * Electron main: opens the window, starts the simulator in a utility process, and brokers one
 * MessagePort per window load between them. It never carries simulation traffic itself.
 */
import { app, BrowserWindow, Menu, MessageChannelMain, ipcMain, nativeTheme, protocol, session, utilityProcess, type MessagePortMain } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN, APP_SCHEME, isAppUrl, secureWebPreferences } from './security.ts';
import { serveAppRequest } from './app-protocol.ts';
import { SimSupervisor } from './sim-supervisor.ts';
import { registerFileHandlers } from './files-ipc.ts';
import { StateStore } from './files/state-store.ts';
import { appMenuTemplate } from './app-menu.ts';

const here = import.meta.dirname;
const rendererDir = join(here, '..', 'renderer');
const simEntry = join(here, 'sim.js');
const preloadPath = join(here, '..', 'preload', 'index.cjs');
const simArgs = process.argv.filter((a) => a.startsWith('--seed='));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow | undefined;

const supervisor = new SimSupervisor<MessagePortMain>(
  {
    fork: () => utilityProcess.fork(simEntry, simArgs, { serviceName: 'vtd-sim', stdio: 'inherit' }),
    channel: () => new MessageChannelMain(),
    setTimer: (cb, ms) => setTimeout(cb, ms),
    clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
    now: () => Date.now(),
  },
  {
    exited: (generation, reason, restartInMs) => win?.webContents.send('sim:exited', { generation, reason, restartInMs }),
    restarted: (generation) => win?.webContents.send('sim:restarted', { generation }),
  },
);

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'VT-d Workbench',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f6f7f9',
    webPreferences: secureWebPreferences(preloadPath),
  });
  const wc = win.webContents;
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.on('closed', () => (win = undefined));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

// The renderer asks for a port on every load (and after each restart); only our own top frame may.
ipcMain.on('sim:request-port', (e) => {
  if (!e.senderFrame || !isAppUrl(e.senderFrame.url) || e.senderFrame.parent) return;
  const port = supervisor.connect();
  if (port) e.sender.postMessage('sim:port', { generation: supervisor.generation }, [port]);
});

app.on('child-process-gone', (_e, details) => {
  if (details.type === 'Utility' && details.name === 'vtd-sim') supervisor.pendingReason = `${details.reason} (exit code ${details.exitCode})`;
});

app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, (req) => serveAppRequest(rendererDir, req.url));
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  registerFileHandlers(() => win, new StateStore(app.getPath('userData')));
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform)));
  supervisor.start();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  supervisor.stop();
  if (process.platform !== 'darwin') app.quit();
});
