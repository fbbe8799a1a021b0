/**
 * `vtdw`: the headless face of VT-d Workbench. Dispatches to subcommands; prints usage errors as
 * `vtdw: …` with exit code 2, so scripts can tell a mistake in the call from a failed check (1).
 */
import { APP_NAME, APP_VERSION } from '../../src-shared/app-version.ts';
import { commands } from './commands/index.ts';
import { processIO, UsageError, type CliIO } from './io.ts';

async function helpText(): Promise<string> {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const loaded = await Promise.all(Object.entries(commands).map(async ([n, load]) => [n, await load()] as const));
  const rows = loaded.map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    `${APP_NAME} ${APP_VERSION} — a simulated 2007 Xen host doing VT-d PCI device assignment`,
    '',
    'Usage: vtdw <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Options:',
    '  -h, --help     show this help (or `vtdw <command> --help` for one command)',
    '  -V, --version  print the version',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0] && Object.hasOwn(commands, rest[0])) {
      io.out((await commands[rest[0]]()).usage.trimEnd() + '\n');
      return 0;
    }
    io.out(await helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === '-V' || first === '--version') {
    io.out(`${APP_VERSION}\n`);
    return 0;
  }
  const cmd = Object.hasOwn(commands, first) ? await commands[first]() : undefined;
  if (!cmd) {
    const near = Object.keys(commands).find((n) => n.startsWith(first.slice(0, 2)));
    io.err(`vtdw: unknown command '${first}'${near ? ` (did you mean '${near}'?)` : ''}; see 'vtdw --help'\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`vtdw ${first}: ${err.message}\n`);
      return 2;
    }
    // Node's parseArgs reports unknown options and missing values as TypeErrors with a code.
    const code = (err as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`vtdw ${first}: ${(err as Error).message}; see 'vtdw ${first} --help'\n`);
      return 2;
    }
    throw err;
  }
}
