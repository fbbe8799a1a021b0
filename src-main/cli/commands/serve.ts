/** `vtdw serve`: browser mode on its own, whether or not Electron could start. */
import { parseArgs } from 'node:util';
import { UsageError, type CliIO, type Command } from '../io.ts';
import { runBrowserMode } from '../browser-mode.ts';

export const serveOptions = {
  port: { type: 'string' },
  'no-open': { type: 'boolean' },
  seed: { type: 'string' },
  'no-build': { type: 'boolean' },
} as const;

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
  usage: `Usage: vtdw serve [--port N] [--no-open] [--seed N]

Serves VT-d Workbench on http://127.0.0.1:PORT/t/TOKEN/ with a simulator per page.
  --port N     listen on port N (default: a free port)
  --no-open    print the URL but do not open a browser
  --seed N     seed of the simulation's random streams (default 2007)
  --no-build   serve the existing build as it is, even if sources changed
Stop with Ctrl-C.`,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseArgs({ args: argv, options: serveOptions, allowPositionals: true });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return runBrowserMode({ port: parsePort(values.port), open: !values['no-open'], seed: parseSeed(values.seed), build: !values['no-build'] }, io);
  },
};
