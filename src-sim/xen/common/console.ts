/**
 * Xen's console (xen/drivers/char/console.c): printk with a log level, `loglvl=` and
 * `guest_loglvl=` thresholds, and the `(XEN) ` prefix on every line that makes it out. Lines
 * below the threshold are dropped as Xen drops them — they are still traced (with shown=false)
 * so a test or the verbose view can see what a `loglvl=all` host would print.
 *
 * dprintk prefixes `file:line: `, gdprintk `file:line:d<current domain> ` (xen/include/xen/config.h).
 * Line numbers are those of the 2007-09 sources (snapshot 7923ccda) the messages come from.
 */
import { defineTrace, type Tracer } from '../../engine/index.ts';

export const XENLOG_LEVELS = ['none', 'error', 'warning', 'info', 'debug', 'all'] as const;
export type XenLogThreshold = (typeof XENLOG_LEVELS)[number];
export type XenLogLevel = 'error' | 'warning' | 'info' | 'debug';

const RANK: Record<XenLogThreshold, number> = { none: 0, error: 1, warning: 2, info: 3, debug: 4, all: 4 };

export const xenConsoleTrace = defineTrace<{ level: string; shown: boolean; guest: boolean; line: string }>('log.xen', (f) => f.line);

export interface SourceLocation {
  file: string;
  line?: number;
}

export interface ConsoleLine {
  level: XenLogLevel;
  text: string;
  shown: boolean;
}

export class XenConsole {
  loglvl: XenLogThreshold = 'warning';
  /**
   * Threshold for guest-tagged messages (gdprintk). The default `none/warning` prints ERR and
   * WARNING rate-limited and drops INFO; rate limiting is not modelled, so it acts as `warning`.
   */
  guestLoglvl: XenLogThreshold = 'warning';
  /** What `xm dmesg` would show: the printed lines. */
  readonly ring: string[] = [];

  constructor(private readonly tracer: Tracer) {}

  /** Parses `loglvl=`'s value (`all`, `none/warning`: the upper, rate-limited level is what prints). */
  static threshold(value: string | undefined): XenLogThreshold | undefined {
    const first = (value ?? '').split('/').pop()!;
    return (XENLOG_LEVELS as readonly string[]).includes(first) ? (first as XenLogThreshold) : undefined;
  }

  printk(level: XenLogLevel, text: string, guest = false): void {
    const threshold = guest ? this.guestLoglvl : this.loglvl;
    const shown = RANK[level] <= RANK[threshold];
    const line = `(XEN) ${text}`;
    if (shown) this.ring.push(line);
    this.tracer.emit(xenConsoleTrace, { level, shown, guest, line });
  }

  dprintk(level: XenLogLevel, at: SourceLocation, text: string): void {
    this.printk(level, `${where(at)}: ${text}`);
  }

  /** Guest-tagged: `current` is the domain whose hypercall or fault is being handled. */
  gdprintk(level: XenLogLevel, at: SourceLocation, current: number, text: string): void {
    this.printk(level, `${where(at)}:d${current} ${text}`, true);
  }
}

function where(at: SourceLocation): string {
  return at.line === undefined ? at.file : `${at.file}:${at.line}`;
}
