/**
 * Grant tables, version 1 (xen/common/grant_table.c, Xen 3.1/3.2 of 2007), the operations
 * netfront and netback use. A granting domain writes `grant_entry_t` {flags, domid, frame} into
 * its grant-table frames — Xen heap pages shared with it (GNTTABOP_setup_table) — and another
 * domain may then `GNTTABOP_map_grant_ref` the frame (read-only if asked, or if the grant says
 * so), `GNTTABOP_unmap_grant_ref` it, or have Xen `GNTTABOP_copy` bytes to or from it. Xen checks
 * each entry as `_set_status` does: the type must be GTF_permit_access, the domid must be the
 * mapping domain, a writable mapping needs a grant without GTF_readonly; while mapped, Xen sets
 * GTF_reading / GTF_writing in the entry. Per-op failures are GNTST_* status codes; the
 * hypercall itself returns 0 or -errno (a bad count, an unknown op). One log record per batch.
 */
import { ESRCH } from './errno.ts';
import { DOMID_SELF, type Domain } from './domain.ts';
import { GRANT_ENTRIES_PER_FRAME, GrantTable, MAX_NR_GRANT_FRAMES } from './grant_table-state.ts';

export * from './grant_table-state.ts';

const PAGE = 0x1000;
import type { Xen } from '../xen.ts';

export const GNTTABOP_map_grant_ref = 0;
export const GNTTABOP_unmap_grant_ref = 1;
export const GNTTABOP_setup_table = 2;
export const GNTTABOP_copy = 5;

export const GTF_permit_access = 1;
export const GTF_type_mask = 3;
export const GTF_readonly = 1 << 2;
export const GTF_reading = 1 << 3;
export const GTF_writing = 1 << 4;

export const GNTMAP_host_map = 1 << 1;
export const GNTMAP_readonly = 1 << 2;
export const GNTCOPY_source_gref = 1 << 0;
export const GNTCOPY_dest_gref = 1 << 1;

export const GNTST_okay = 0;
export const GNTST_general_error = -1;
export const GNTST_bad_domain = -2;
export const GNTST_bad_gntref = -3;
export const GNTST_bad_handle = -4;
export const GNTST_permission_denied = -8;
export const GNTST_bad_page = -9;
export const GNTST_bad_copy_arg = -10;

export function grantTableOf(d: Domain): GrantTable {
  d.grantTable ??= new GrantTable(d.scope.scope('grant_table'));
  return d.grantTable;
}

export interface MapOp {
  ref: number;
  dom: number;
  flags: number;
  /** Out: GNTST_*, the handle and the machine frame (dev_bus_addr >> 12). */
  status?: number;
  handle?: number;
  mfn?: number;
}

export interface CopyPtr {
  /** A grant ref (with GNTCOPY_*_gref) or the caller's own machine frame. */
  ref?: number;
  mfn?: number;
  domid: number;
  offset: number;
}

export interface CopyOp {
  source: CopyPtr;
  dest: CopyPtr;
  len: number;
  flags: number;
  status?: number;
}

function log(xen: Xen, caller: number, op: string, cmd: number, domain: number, args: Record<string, number | string>, rc: number): void {
  xen.hypercalls.add({ caller, hypercall: 'grant_table_op', op, cmd, domain, args, result: rc }, xen.now);
}

const self = (caller: number, dom: number) => (dom === DOMID_SELF ? caller : dom);
const entryAddr = (t: GrantTable, ref: number) => t.frames[Math.floor(ref / GRANT_ENTRIES_PER_FRAME)] + (ref % GRANT_ENTRIES_PER_FRAME) * 8;

/** GNTTABOP_setup_table: `nrFrames` shared frames for `dom`'s table; their machine frame numbers, or -errno. */
export function gnttabSetupTable(xen: Xen, caller: number, dom: number, nrFrames: number): number[] | number {
  const target = self(caller, dom);
  const d = xen.domain(target);
  let rc = 0;
  if (!d) rc = -ESRCH;
  else if (target !== caller && !xen.domain(caller)?.isPrivileged) rc = GNTST_permission_denied;
  else if (nrFrames > MAX_NR_GRANT_FRAMES) rc = GNTST_general_error;
  else {
    const t = grantTableOf(d);
    while (t.frames.length < nrFrames) {
      const page = xen.heap.allocPage();
      d.xenPages.push(page);
      t.frames.push(page);
    }
  }
  log(xen, caller, 'GNTTABOP_setup_table', GNTTABOP_setup_table, target, { nr_frames: nrFrames, status: rc }, rc === -ESRCH ? rc : 0);
  return rc ? rc : grantTableOf(d!).frames.slice(0, nrFrames).map((a) => a / PAGE);
}

function entry(xen: Xen, t: GrantTable, ref: number): { flags: number; domid: number; frame: number; addr: number } {
  const addr = entryAddr(t, ref);
  const mem = xen.world.pc.mem;
  const w = mem.readU32(addr);
  return { flags: w & 0xffff, domid: w >>> 16, frame: mem.readU32(addr + 4), addr };
}

function setFlags(xen: Xen, addr: number, flags: number, domid: number): void {
  xen.world.pc.mem.writeU32(addr, ((domid << 16) | (flags & 0xffff)) >>> 0);
}

/** _set_status: the entry must grant `ref` to `mapper` (and writably, unless `readonly`). */
function checkGrant(xen: Xen, granter: Domain, ref: number, mapper: number, readonly: boolean): { status: number; mfn?: number; addr?: number } {
  const t = granter.grantTable;
  if (!t || ref >= t.nrEntries) {
    xen.con.gdprintk('warning', { file: 'grant_table.c' }, mapper, `Bad ref (${ref}).`);
    return { status: GNTST_bad_gntref };
  }
  const e = entry(xen, t, ref);
  const mask = GTF_type_mask | (readonly ? 0 : GTF_readonly);
  if ((e.flags & mask) !== GTF_permit_access || e.domid !== mapper) {
    xen.con.gdprintk('warning', { file: 'grant_table.c' }, mapper, `Bad flags (${e.flags.toString(16)}) or dom (${e.domid}). (expected dom ${mapper})`);
    return { status: GNTST_general_error };
  }
  if (!granter.frames.some((r) => e.frame >= r.mfn && e.frame < r.mfn + r.count)) {
    xen.con.gdprintk('warning', { file: 'grant_table.c' }, mapper, `Could not pin grant frame ${e.frame.toString(16)}`);
    return { status: GNTST_general_error };
  }
  return { status: GNTST_okay, mfn: e.frame, addr: e.addr };
}

/** GNTTABOP_map_grant_ref, a batch: each op gets its status, handle and frame. */
export function gnttabMapGrantRef(xen: Xen, caller: number, ops: MapOp[]): number {
  const ld = xen.domain(caller);
  for (const op of ops) {
    const rd = xen.domain(op.dom);
    if (!ld || !rd || rd === ld) {
      op.status = GNTST_bad_domain;
      continue;
    }
    const readonly = (op.flags & GNTMAP_readonly) !== 0;
    const r = checkGrant(xen, rd, op.ref, caller, readonly);
    op.status = r.status;
    if (r.status !== GNTST_okay) continue;
    const e = entry(xen, rd.grantTable!, op.ref);
    setFlags(xen, e.addr, e.flags | (readonly ? GTF_reading : GTF_reading | GTF_writing), e.domid);
    const mt = grantTableOf(ld).maptrack;
    let h = mt.indexOf(null);
    if (h < 0) h = mt.push(null) - 1;
    mt[h] = { dom: op.dom, ref: op.ref, mfn: r.mfn!, readonly };
    op.handle = h;
    op.mfn = r.mfn;
  }
  log(xen, caller, 'GNTTABOP_map_grant_ref', GNTTABOP_map_grant_ref, ops[0]?.dom ?? -1, { count: ops.length, status: ops.map((o) => o.status).join('/') }, ld ? 0 : -ESRCH);
  return ld ? 0 : -ESRCH;
}

/** GNTTABOP_unmap_grant_ref: drops the handles; the grant's reading/writing flags clear when no map is left. */
export function gnttabUnmapGrantRef(xen: Xen, caller: number, handles: number[]): number[] {
  const ld = xen.domain(caller);
  const status = handles.map((h) => {
    const m = ld?.grantTable?.maptrack[h];
    if (!m) return GNTST_bad_handle;
    ld!.grantTable!.maptrack[h] = null;
    const rd = xen.domain(m.dom);
    if (rd?.grantTable && !stillMapped(xen, m.dom, m.ref)) {
      const e = entry(xen, rd.grantTable, m.ref);
      setFlags(xen, e.addr, e.flags & ~(GTF_reading | GTF_writing), e.domid);
    }
    return GNTST_okay;
  });
  log(xen, caller, 'GNTTABOP_unmap_grant_ref', GNTTABOP_unmap_grant_ref, caller, { count: handles.length, status: status.join('/') }, ld ? 0 : -ESRCH);
  return status;
}

function stillMapped(xen: Xen, dom: number, ref: number): boolean {
  for (const d of xen.domains.values()) if (d.grantTable?.maptrack.some((m) => m && m.dom === dom && m.ref === ref)) return true;
  return false;
}

/** The machine frame of a copy end: a grant (checked) or a frame the caller owns. */
function copyEnd(xen: Xen, caller: number, p: CopyPtr, isGref: boolean, write: boolean): { status: number; maddr?: number } {
  const dom = self(caller, p.domid);
  const d = xen.domain(dom);
  if (!d) return { status: GNTST_bad_domain };
  if (isGref) {
    if (dom === caller) return { status: GNTST_bad_copy_arg };
    const r = checkGrant(xen, d, p.ref ?? -1, caller, !write);
    return r.status === GNTST_okay ? { status: GNTST_okay, maddr: r.mfn! * PAGE + p.offset } : { status: r.status };
  }
  // A frame by number: only DOMID_SELF's, and only a frame it owns (get_page).
  if (dom !== caller) {
    xen.con.gdprintk('warning', { file: 'grant_table.c' }, caller, 'only allow copy-by-mfn for DOMID_SELF.');
    return { status: GNTST_permission_denied };
  }
  if (!d.frames.some((r) => p.mfn! >= r.mfn && p.mfn! < r.mfn + r.count)) {
    xen.con.gdprintk('warning', { file: 'grant_table.c' }, caller, `Could not get ${write ? 'dst' : 'src'} frame ${p.mfn!.toString(16)}`);
    return { status: GNTST_general_error };
  }
  return { status: GNTST_okay, maddr: p.mfn! * PAGE + p.offset };
}

/** GNTTABOP_copy, a batch: Xen copies `len` bytes within one page at each end. */
export function gnttabCopy(xen: Xen, caller: number, ops: CopyOp[]): number {
  if (!xen.domain(caller)) return -ESRCH;
  const mem = xen.world.pc.mem;
  for (const op of ops) {
    if (op.len < 0 || op.source.offset + op.len > PAGE || op.dest.offset + op.len > PAGE) {
      op.status = GNTST_bad_copy_arg;
      continue;
    }
    const src = copyEnd(xen, caller, op.source, (op.flags & GNTCOPY_source_gref) !== 0, false);
    const dst = src.status === GNTST_okay ? copyEnd(xen, caller, op.dest, (op.flags & GNTCOPY_dest_gref) !== 0, true) : src;
    op.status = dst.status;
    if (dst.status !== GNTST_okay) continue;
    const buf = new Uint8Array(op.len);
    mem.read(src.maddr!, buf);
    mem.write(dst.maddr!, buf);
  }
  log(xen, caller, 'GNTTABOP_copy', GNTTABOP_copy, ops[0] ? self(caller, ops[0].dest.domid) : caller, { count: ops.length, status: ops.map((o) => o.status).join('/') }, 0);
  return 0;
}

/** May `d` touch machine frame `mfn`: its own, or a grant it holds mapped (writable for a write)? */
export function mayAccessFrame(d: Domain, mfn: number, write: boolean): boolean {
  if (d.frames.some((r) => mfn >= r.mfn && mfn < r.mfn + r.count)) return true;
  if (d.grantTable?.frames.some((a) => a / PAGE === mfn)) return true;
  return !!d.grantTable?.maptrack.some((m) => m && m.mfn === mfn && (!write || !m.readonly));
}

/** gnttab_release_mappings at domain_kill: the dying domain's maps of others' grants go. */
export function gnttabRelease(xen: Xen, d: Domain): void {
  const mt = d.grantTable?.maptrack;
  if (!mt) return;
  const held = mt.map((m, h) => (m ? h : -1)).filter((h) => h >= 0);
  for (const h of held) {
    const m = mt[h]!;
    mt[h] = null;
    const rd = xen.domain(m.dom);
    if (rd?.grantTable && !stillMapped(xen, m.dom, m.ref)) {
      const e = entry(xen, rd.grantTable, m.ref);
      setFlags(xen, e.addr, e.flags & ~(GTF_reading | GTF_writing), e.domid);
    }
  }
}
