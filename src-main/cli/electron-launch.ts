/**
 * Finding and starting Electron. The electron package fetches its binary on first use; where
 * that cannot happen (no route to its download host) the probe fails in well under a second and
 * reports the reason, so `vtdw start` can fall back to browser mode.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appRoot } from './app-paths.ts';
import { track } from './lifecycle.ts';

export type ElectronProbe = { ok: true; binary: string } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 120_000;

export function probeElectron(): ElectronProbe {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: appRoot,
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
  });
  if (r.status === 0 && r.stdout) return { ok: true, binary: r.stdout };
  if (r.error) return { ok: false, reason: `probing Electron failed: ${r.error.message}` };
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim());
  const cause = lines.find((l) => /^(TypeError|Error|RequestError)\b/.test(l) && !/failed to install correctly/.test(l));
  return { ok: false, reason: `its binary is not installed and could not be downloaded${cause ? `: ${cause}` : ''}` };
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
