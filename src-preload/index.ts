/**
 * The preload bridge (sandboxed, bundled to CJS). It exposes `window.vtdw` — a port request,
 * exit/restart notices and the OS theme — and forwards the simulator port main sends into the
 * page's main world as a window message tagged with a per-load nonce. Nothing else crosses.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { SimExitNotice, SimPortNotice, VtdwBridge, VtdwFiles } from './api';

const nonce = crypto.randomUUID();

ipcRenderer.on('sim:port', (e) => {
  window.postMessage({ type: 'vtdw:sim-port', nonce }, window.location.origin, [...e.ports]);
});

const files: VtdwFiles = {
  openDialog: () => ipcRenderer.invoke('files:open-dialog'),
  openRecent: (path) => ipcRenderer.invoke('files:open-recent', { path }),
  save: (req) => ipcRenderer.invoke('files:save', req),
  saveAsDialog: (req) => ipcRenderer.invoke('files:save-as-dialog', req),
  recent: () => ipcRenderer.invoke('files:recent'),
  backups: () => ipcRenderer.invoke('files:backups'),
  putBackup: (b) => ipcRenderer.invoke('files:put-backup', b),
  dropBackup: (id) => ipcRenderer.invoke('files:drop-backup', id),
};

const bridge: VtdwBridge = {
  apiVersion: 1,
  files,
  portNonce: nonce,
  requestSimPort: () => ipcRenderer.send('sim:request-port'),
  onSimExit: (cb) => {
    ipcRenderer.on('sim:exited', (_e, n: SimExitNotice) => cb({ generation: n.generation, reason: String(n.reason), restartInMs: n.restartInMs }));
  },
  onSimRestart: (cb) => {
    ipcRenderer.on('sim:restarted', (_e, n: SimPortNotice) => cb({ generation: n.generation }));
  },
  prefersDark: () => window.matchMedia('(prefers-color-scheme: dark)').matches,
};

contextBridge.exposeInMainWorld('vtdw', bridge);
