/**
 * A Linux kernel's log (kernel/printk.c): KERN_* levels, the ring `dmesg` prints, each line
 * also a `log.<domain>` trace record so the run's event log shows dom0 and guests beside Xen.
 */
import { defineTrace, type Tracer } from '../../engine/index.ts';

export const linuxLogTrace = defineTrace<{ domain: string; level: number; line: string }>('log.linux', (f) => `[${f.domain}] ${f.line}`);

/** Milestones the simulator notes about a guest (not kernel messages). */
export const simMilestoneTrace = defineTrace<{ domain: string; line: string }>('log.sim', (f) => `[${f.domain}] ${f.line}`);

export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_INFO = 6;

export class KernelLog {
  readonly lines: string[] = [];

  constructor(
    private readonly tracer: Tracer,
    /** "dom0", "dom1" … as the event log names the domain. */
    readonly domain: string,
  ) {}

  printk(level: number, line: string): void {
    this.lines.push(line);
    this.tracer.emit(linuxLogTrace, { domain: this.domain, level, line });
  }

  /** A simulator milestone about this kernel (first frame received …), outside its dmesg. */
  milestone(line: string): void {
    this.tracer.emit(simMilestoneTrace, { domain: this.domain, line });
  }

  /** dev_printk's "driver 0000:02:00.0: message". */
  dev(level: number, driver: string, bdf: string, message: string): void {
    this.printk(level, `${driver} ${bdf}: ${message}`);
  }
}
