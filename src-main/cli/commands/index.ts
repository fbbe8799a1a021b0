/**
 * The subcommand table. Each command lives in its own file; add it here, in the order `--help`
 * lists them.
 */
import type { Command } from '../io.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';
import { dmar } from './dmar.ts';

export const commands: Record<string, Command> = {
  start,
  serve,
  dmar,
};
