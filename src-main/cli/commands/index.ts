/**
 * The subcommand table. Each command lives in its own file; add it here, in the order `--help`
 * lists them.
 */
import type { Command } from '../io.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';
import { lspci } from './lspci.ts';
import { host } from './host.ts';
import { dmar } from './dmar.ts';
import { parse } from './parse.ts';
import { check } from './check.ts';

export const commands: Record<string, Command> = {
  start,
  serve,
  dmar,
  lspci,
  host,
  parse,
  check,
};
