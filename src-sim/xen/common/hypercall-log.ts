/**
 * Every hypercall the simulated host makes, in order: virtual time, calling domain, hypercall
 * and sub-op (with Xen's command number), target domain, arguments, and the result as Xen
 * returns it (0 or a negative errno). The UI's Hypercalls panel, `vtdw run --json` and the
 * golden traces read this; each record is also a trace record so the run's hash covers it.
 */
import { defineTrace, type Tracer } from '../../engine/index.ts';
import { errnoName } from './errno.ts';

export type HypercallArg = number | string | boolean;

export interface HypercallRecord {
  /** Virtual time, ns. */
  t: number;
  caller: number;
  hypercall: 'domctl' | 'memory_op' | 'hvm_op' | 'physdev_op' | 'event_channel_op' | 'grant_table_op';
  /** Sub-op name as Xen spells it (`XEN_DOMCTL_assign_device`). */
  op: string;
  /** Its command number (`XEN_DOMCTL_*` value). */
  cmd: number;
  domain: number;
  args: Record<string, HypercallArg>;
  result: number;
  /** `-EINVAL` style spelling of a negative result, "0" for success. */
  errno: string;
}

export const hypercallTrace = defineTrace<{ caller: number; op: string; domain: number; args: string; result: string }>(
  'xen.hypercall',
  (f) => `d${f.caller} ${f.op}(dom=${f.domain}${f.args ? ', ' + f.args : ''}) = ${f.result}`,
);

export function formatArgs(args: Record<string, HypercallArg>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export class HypercallLog {
  readonly records: HypercallRecord[] = [];

  constructor(private readonly tracer: Tracer) {}

  add(r: Omit<HypercallRecord, 't' | 'errno'>, t: number): HypercallRecord {
    const rec: HypercallRecord = { t, ...r, errno: errnoName(r.result) };
    this.records.push(rec);
    this.tracer.emit(hypercallTrace, { caller: r.caller, op: r.op, domain: r.domain, args: formatArgs(r.args), result: rec.errno });
    return rec;
  }
}

/** `0x00020000`-style hex for arguments that are addresses or encodings. */
export function hexArg(n: number, width = 0): string {
  return '0x' + n.toString(16).padStart(width, '0');
}
