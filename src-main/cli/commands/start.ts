/**
 * `vtdw start` (what `npm start` runs): the Electron app when its binary is available, otherwise
 * one line saying why and browser mode.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { runBrowserMode } from '../browser-mode.ts';
import { ensureBuilt, missingBuild } from '../build.ts';
import { launchElectron, probeElectron } from '../electron-launch.ts';
import { Lifecycle } from '../lifecycle.ts';
import { browserModeOptions, serveOptions } from './serve.ts';

export const start: Command = {
  summary: 'start the desktop app (falls back to browser mode without Electron)',
  usage: `Usage: vtdw start [--browser] [--port N] [--no-open] [--seed N] [--root DIR] [--max-sims N]

Builds the app if its sources changed, then opens it in Electron. Where Electron cannot start
(no binary on this machine), it says why in one line and serves browser mode instead.
  --browser      skip Electron and use browser mode
  --port N       browser mode: listen on port N (default: a free port)
  --no-open      browser mode: print the URL but do not open a browser
  --seed N       seed of the simulation's random streams (default 2007)
  --root DIR     browser mode: the workspace root pages may open and save files in
                 (default: the current directory)
  --max-sims N   browser mode: at most N simulators (pages) at once
  --no-build     use the existing build as it is, even if sources changed
Ctrl-C, SIGTERM or SIGHUP (to vtdw or to the npm that started it) stops all of it.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, options: { ...serveOptions, browser: { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const opts = browserModeOptions(values, io, false);
    const life = new Lifecycle();
    try {
      const failed = values['no-build'] ? missingBuild() : await ensureBuilt((l) => io.err(`vtdw: ${l}\n`));
      if (life.stopping) return 0;
      if (failed) {
        io.err(`vtdw: ${failed}\n`);
        return 1;
      }
      if (!values.browser) {
        const probe = await probeElectron();
        if (life.stopping) return 0;
        if (probe.ok) return await launchElectron(probe.binary, opts.seed);
        io.err(`vtdw: Electron cannot start here (${probe.reason}); starting browser mode instead.\n`);
      }
      return await runBrowserMode(opts, io, life);
    } finally {
      life.dispose();
    }
  },
};
