/**
 * qemu-dm's log file (`/var/log/xen/qemu-dm-<domid>.log`, opened in vl.c): every line is also a
 * `log.qemu_dm` trace record so the event log shows it in order with Xen's and xend's lines.
 */
import { defineTrace, type Tracer } from '../../engine/index.ts';

export const qemuLogTrace = defineTrace<{ domid: number; line: string }>('log.qemu_dm', (f) => `[qemu-dm-${f.domid}] ${f.line}`);

export class QemuLog {
  readonly lines: string[] = [];

  constructor(
    private readonly tracer: Tracer,
    readonly domid: number,
  ) {}

  get path(): string {
    return `/var/log/xen/qemu-dm-${this.domid}.log`;
  }

  write(line: string): void {
    this.lines.push(line);
    this.tracer.emit(qemuLogTrace, { domid: this.domid, line });
  }

  /** PT_LOG: "<function>: message". */
  pt(fn: string, message: string): void {
    this.write(`${fn}: ${message}`);
  }
}
