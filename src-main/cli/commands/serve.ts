/** `vtdw serve`: browser mode on its own, whether or not Electron could start. */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { runBrowserMode, type BrowserModeOptions } from '../browser-mode.ts';
import { Lifecycle } from '../lifecycle.ts';
import { DEFAULT_MAX_SIMS } from '../../browser/host.ts';

export const serveOptions = {
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  seed: { type: 'string' },
  'no-build': { type: 'boolean' },
  root: { type: 'string' },
  'max-sims': { type: 'string' },
} as const;

/** The browser-mode options `serve` and `start` share, from their parsed flags. */
export function browserModeOptions(values: { port?: string; 'no-open'?: boolean; seed?: string; root?: string; 'max-sims'?: string }, io: CliIO, build: boolean): BrowserModeOptions {
  return {
    port: parsePort(values.port),
    open: !values['no-open'],
    seed: parseSeed(values.seed),
    build,
    root: parseRoot(values.root, io),
    maxSims: parseMaxSims(values['max-sims']),
  };
}

/** --root must name an existing folder: said before any build or server starts. */
function parseRoot(text: string | undefined, io: CliIO): string | undefined {
  if (text === undefined) return undefined;
  const dir = resolve(io.cwd, text);
  let st;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw new UsageError(`--root ${JSON.stringify(text)}: ${(err as Error).message}`, { cause: err });
  }
  if (!st) throw new UsageError(`--root ${JSON.stringify(text)}: no such folder`);
  if (!st.isDirectory()) throw new UsageError(`--root ${JSON.stringify(text)}: not a folder`);
  return dir;
}

function parseMaxSims(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 256) throw new UsageError(`--max-sims ${JSON.stringify(text)}: expected a number of simulators from 1 to 256`);
  return n;
}

export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new UsageError(`--port ${JSON.stringify(text)}: expected a TCP port number from 1 to 65535`);
  return n;
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 0xffffffff) throw new UsageError(`--seed ${JSON.stringify(text)}: expected an integer from 0 to 4294967295`);
  return n;
}

export const serve: Command = {
  summary: 'serve the app to a local browser (browser mode)',
  usage: `Usage: vtdw serve [--port N] [--no-open] [--seed N] [--root DIR] [--max-sims N]

Serves VT-d Workbench on http://127.0.0.1:PORT/t/TOKEN/ with a simulator per page.
  --port N       listen on port N (default: a free port)
  --no-open      print the URL but do not open a browser
  --seed N       seed of the simulation's random streams (default 2007)
  --root DIR     the workspace root: pages open and save files only below DIR
                 (default: the current directory)
  --max-sims N   at most N simulators (pages) at once, about 49 MB each (default ${DEFAULT_MAX_SIMS})
  --no-build     serve the existing build as it is, even if sources changed
Stop with Ctrl-C (or SIGTERM, SIGHUP): the host and its simulators stop.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, options: serveOptions, allowPositionals: true });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const opts = browserModeOptions(values, io, !values['no-build']);
    const life = new Lifecycle();
    try {
      return await runBrowserMode(opts, io, life);
    } finally {
      life.dispose();
    }
  },
};
