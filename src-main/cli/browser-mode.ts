/** Runs browser mode in the foreground until Ctrl-C: build, serve, print the URL, open it. */
import { spawn } from 'node:child_process';
import { ensureBuilt, missingBuild } from './build.ts';
import { rendererOut, simBundle } from './app-paths.ts';
import { PortInUseError, startBrowserHost } from '../browser/host.ts';
import type { CliIO } from './io.ts';

export interface BrowserModeOptions {
  port?: number;
  open: boolean;
  seed?: number;
  /** Rebuild first when sources are newer than the build (false: serve what exists). */
  build: boolean;
}

/** The platform's "open this URL" command; absent ones fail quietly (the URL is printed). */
function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export async function runBrowserMode(opts: BrowserModeOptions, io: CliIO): Promise<number> {
  const failed = opts.build ? ensureBuilt((l) => io.err(`vtdw: ${l}\n`)) : missingBuild();
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
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      io.err(`vtdw: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  io.out(`VT-d Workbench (browser mode) at ${host.url}\n`);
  if (opts.open) openInBrowser(host.url);
  return new Promise((resolve) => {
    const stop = () => {
      io.err('\nvtdw: stopping…\n');
      void host.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
