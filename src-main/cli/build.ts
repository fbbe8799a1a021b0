/**
 * Makes sure the built app exists and is not older than its sources, building it when needed,
 * so `npm ci && npm start` works on a fresh clone without a separate build step.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot, mainBundle, rendererOut, simBundle } from './app-paths.ts';
import { track } from './lifecycle.ts';

const SOURCE_DIRS = ['src-main', 'src-preload', 'src-renderer', 'src-sim', 'src-shared', 'resources'];
const SOURCE_FILES = ['electron.vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const OUTPUTS = [mainBundle, simBundle, join(rendererOut, 'index.html')];

/** An error message when there is no build at all, else undefined. */
export function missingBuild(): string | undefined {
  const absent = OUTPUTS.filter((p) => !existsSync(p));
  return absent.length ? `no build found (${absent.join(', ')} missing); run 'npm run build' or leave out --no-build` : undefined;
}

export function buildIsStale(): boolean {
  const outputs = OUTPUTS;
  if (!outputs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const sources = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(join(appRoot, p))));
  return sources > built;
}

/**
 * Builds when stale; returns an error message or undefined. The build is a tracked child, so
 * stopping vtdw while it builds stops the build too.
 */
export async function ensureBuilt(say: (line: string) => void): Promise<string | undefined> {
  if (!buildIsStale()) return undefined;
  say('building the app (electron-vite build)…');
  const bin = join(appRoot, 'node_modules', '.bin', 'electron-vite');
  const child = track(spawn(bin, ['build'], { cwd: appRoot, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve) => {
    child.once('error', (err) => resolve(`could not run electron-vite: ${err.message} (did you run npm ci?)`));
    child.once('close', (code, signal) => {
      if (signal) resolve(`the build was stopped (${signal})`);
      else resolve(code === 0 ? undefined : `the build failed:\n${stderr.trim()}`);
    });
  });
}
