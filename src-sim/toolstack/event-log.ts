/**
 * The run's event log: every line the host's components print — Xen's console, the kernels'
 * messages, xend's log, xm's terminal, qemu-dm's log — and every hypercall, in the order they
 * happened, each with its virtual time and source. It reads the tracer's records (the layers
 * declare their `log.*` traces beside their code), so nothing prints twice and the trace hash
 * covers the log. Console lines Xen's thresholds drop are left out unless `verbose`.
 */
import type { TraceRecord, Tracer } from '../engine/index.ts';
import { dmesgStamp } from '../../src-shared/units/time.ts';

export interface EventLine {
  t: number;
  source: string;
  text: string;
}

/** Which records are log lines, and who printed them. */
export function eventLine(r: TraceRecord, verbose = false): EventLine | undefined {
  const f = r.fields;
  switch (r.name) {
    case 'log.xen':
      return f.shown || verbose ? { t: r.t, source: 'xen', text: String(f.line) } : undefined;
    case 'log.linux':
      return { t: r.t, source: String(f.domain), text: String(f.line) };
    case 'log.qemu_dm':
      return { t: r.t, source: `qemu-dm-${f.domid}`, text: String(f.line) };
    case 'log.xend':
      return { t: r.t, source: 'xend', text: `${f.level} ${f.line}` };
    case 'log.xm':
      return { t: r.t, source: f.stream === 'stderr' ? 'xm!' : 'xm', text: String(f.line) };
    case 'log.sim':
      return { t: r.t, source: 'sim', text: `${f.domain} ${f.line}` };
    case 'xen.hypercall':
      return { t: r.t, source: 'hypercall', text: r.text };
    default:
      return undefined;
  }
}

export class EventLog {
  readonly lines: EventLine[] = [];
  private readonly off: () => void;

  constructor(
    tracer: Tracer,
    private readonly verbose = false,
  ) {
    this.off = tracer.on((r) => {
      const l = eventLine(r, this.verbose);
      if (l) this.lines.push(l);
    });
  }

  detach(): void {
    this.off();
  }

  /** `[    0.000123] source     text`, seconds with microseconds as dmesg shows them. */
  static format(l: EventLine): string {
    return `${dmesgStamp(l.t)} ${l.source.padEnd(10)} ${l.text}`;
  }

  text(): string {
    return this.lines.map(EventLog.format).join('\n') + '\n';
  }
}
