/** Runs browser mode in the foreground until stopped: build, serve, print the URL, open it. */
import { spawn } from 'node:child_process';
import { ensureBuilt, missingBuild } from './build.ts';
import { rendererOut, simBundle } from './app-paths.ts';
import { HostStartError, startBrowserHost } from '../browser/host.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { CliIO } from './io.ts';

export interface BrowserModeOptions {
  port?: number;
  open: boolean;
  seed?: number;
  /** Rebuild first when sources are newer than the build (false: serve what exists). */
  build: boolean;
  /** The workspace root (default: the current directory). */
  root?: string;
  /** Most simulator children (pages) at once. */
  maxSims?: number;
}

/** The platform's "open this URL" command; absent ones fail quietly (the URL is printed). */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/** Serves until `life` says stop (a signal, or our parent gone); then stops the host and its simulators. */
export async function runBrowserMode(opts: BrowserModeOptions, io: CliIO, life: Lifecycle): Promise<number> {
  const failed = opts.build ? await ensureBuilt((l) => io.err(`vtdw: ${l}\n`)) : missingBuild();
  if (life.stopping) return 0;
  if (failed) {
    io.err(`vtdw: ${failed}\n`);
    return 1;
  }
  let host;
  try {
    host = await startBrowserHost({
      port: opts.port,
      rendererDir: rendererOut,
      sim: { entry: simBundle, execArgv: [], args: opts.seed !== undefined ? ['--seed', String(opts.seed)] : [] },
      log: (l) => io.err(`[vtdw] ${l}\n`),
      root: opts.root === undefined ? io.cwd : opts.root,
      maxSims: opts.maxSims,
    });
  } catch (err) {
    if (err instanceof HostStartError) {
      io.err(`vtdw: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  io.out(`VT-d Workbench (browser mode) at ${host.url}\n`);
  io.err(`vtdw: workspace root ${host.root} (pages can open and save files only below it)\n`);
  if (opts.open) openInBrowser(host.url);
  const why = await life.stopped;
  io.err(`\nvtdw: stopping (${why})…\n`);
  await host.close();
  return 0;
}
