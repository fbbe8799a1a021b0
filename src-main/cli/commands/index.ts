/**
 * The subcommand table, in the order `--help` lists them. Each command lives in its own file
 * and is loaded only when it runs (or for --help): `vtdw serve` need not load the config
 * language or the PCI models, which keeps browser mode's start fast.
 */
import type { Command } from '../io.ts';

export const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.ts')).start,
  serve: async () => (await import('./serve.ts')).serve,
  dmar: async () => (await import('./dmar.ts')).dmar,
  lspci: async () => (await import('./lspci.ts')).lspci,
  host: async () => (await import('./host.ts')).host,
  parse: async () => (await import('./parse.ts')).parse,
  check: async () => (await import('./check.ts')).check,
  run: async () => (await import('./run.ts')).run,
};
