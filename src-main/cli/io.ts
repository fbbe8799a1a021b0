/**
 * What a command may touch of the outside world: its output streams and the working directory.
 * Commands take a CliIO instead of using `process` so tests run them in-process and read what
 * they printed.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
};

/** A mistake in how the command was called: printed as `vtdw CMD: message` with exit code 2. */
export class UsageError extends Error {}

export interface Command {
  /** One line for `vtdw --help`. */
  summary: string;
  /** Full usage text for `vtdw CMD --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}
