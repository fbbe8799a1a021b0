/**
 * Finding and starting Electron. The electron package fetches its binary on first use; where
 * that cannot happen (no route to its download host) the probe fails in well under a second and
 * reports the reason, so `vtdw start` can fall back to browser mode.
 */
import { spawn } from 'node:child_process';
import { appRoot } from './app-paths.ts';
import { track } from './lifecycle.ts';

export type ElectronProbe = { ok: true; binary: string } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 120_000;

/** Asks the electron package for its binary; a tracked child, so stopping vtdw stops the probe. */
export function probeElectron(): Promise<ElectronProbe> {
  const child = track(spawn(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: appRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: PROBE_TIMEOUT_MS }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => {
    child.once('error', (err) => resolve({ ok: false, reason: `probing Electron failed: ${err.message}` }));
    child.once('close', (code, signal) => {
      if (code === 0 && stdout) return resolve({ ok: true, binary: stdout });
      if (signal) return resolve({ ok: false, reason: `probing Electron was stopped (${signal})` });
      const lines = `${stdout}\n${stderr}`.split('\n').map((l) => l.trim());
      const cause = lines.find((l) => /^(TypeError|Error|RequestError)\b/.test(l) && !/failed to install correctly/.test(l));
      resolve({ ok: false, reason: `its binary is not installed and could not be downloaded${cause ? `: ${cause}` : ''}` });
    });
  });
}

/** Runs Electron until it exits; stopping vtdw (see lifecycle.ts) stops it with SIGTERM. */
export function launchElectron(binary: string, seed: number | undefined): Promise<number> {
  const args = [appRoot, ...(seed !== undefined ? [`--seed=${seed}`] : [])];
  const child = track(spawn(binary, args, { cwd: appRoot, stdio: 'inherit' }));
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
