/**
 * What the toolstack prints: xend's log (`/var/log/xen/xend.log`) and xm's terminal output
 * (stdout and stderr), each line a trace record so the event log interleaves them with Xen's
 * console, qemu-dm's log and the kernels' messages.
 */
import { defineTrace, type Tracer } from '../engine/index.ts';

export const xendLogTrace = defineTrace<{ level: string; line: string }>('log.xend', (f) => `[xend] ${f.level} ${f.line}`);
export const xmOutTrace = defineTrace<{ stream: string; line: string }>('log.xm', (f) => `[xm ${f.stream}] ${f.line}`);

export class XendLog {
  readonly lines: string[] = [];

  constructor(private readonly tracer: Tracer) {}

  log(level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR', line: string): void {
    this.lines.push(`${level} ${line}`);
    this.tracer.emit(xendLogTrace, { level, line });
  }
}

/** A command's terminal: what it printed and its exit status. */
export interface CommandOutput {
  stdout: string[];
  stderr: string[];
  exitCode: number;
}

export class Terminal implements CommandOutput {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  exitCode = 0;

  constructor(private readonly tracer: Tracer) {}

  out(text: string): void {
    for (const line of text.split('\n')) {
      this.stdout.push(line);
      this.tracer.emit(xmOutTrace, { stream: 'stdout', line });
    }
  }

  err(text: string): void {
    for (const line of text.split('\n')) {
      this.stderr.push(line);
      this.tracer.emit(xmOutTrace, { stream: 'stderr', line });
    }
  }
}
