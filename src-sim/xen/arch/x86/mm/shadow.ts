/**
 * An HVM guest's shadow page tables as far as its memory accesses reach Xen
 * (xen/arch/x86/mm/shadow/multi.c): the first access to a guest frame faults into Xen
 * (`sh_page_fault`), which builds a shadow entry from the p2m (`_sh_propagate`); later accesses
 * go straight through it until the p2m entry changes, when Xen drops the shadow mappings of that
 * frame (`sh_remove_all_mappings` from `set_p2m_entry`). Frames the p2m does not map for the
 * guest (p2m_mmio_dm, nothing) get no shadow entry: every access faults and is emulated.
 *
 * The seed's vtd6 patch lives here: a p2m_mmio_direct target that is not a RAM frame — at or
 * above `max_page`, `!mfn_valid(mfn)` — is accepted and mapped with `_PAGE_PCD` (uncached),
 * where the shadow code before it refused any frame outside RAM ("allow memory above max_pages
 * to be mapped"). Every era the simulator models has the patch.
 */
import { defineTrace, type TraceSink } from '../../../../engine/trace.ts';
import { P2M_MMIO_DIRECT, P2M_RAM_LOGDIRTY, P2M_RAM_RO, P2M_RAM_RW, p2mTypeToFlags, type P2m, type P2mType } from './p2m.ts';

export interface ShadowEntry {
  mfn: number;
  type: P2mType;
  /** The shadow PTE's flags (_PAGE_PCD set for MMIO). */
  flags: number;
}

export interface ShadowState {
  entries: [gfn: number, mfn: number, type: P2mType][];
  counters: ShadowPaging['counters'];
}

export const shadowMmioFaultTrace = defineTrace<{ domain: number; gfn: string; mfn: string; pcd: boolean; aboveMaxPage: boolean }>(
  'xen.sh_page_fault',
  (f) => `d${f.domain} gfn ${f.gfn} -> mfn ${f.mfn} p2m_mmio_direct${f.pcd ? ' PCD' : ''}${f.aboveMaxPage ? ' (mfn >= max_page: not RAM, mapped by the vtd6 rule)' : ''}`,
);

const MAPPED: ReadonlySet<P2mType> = new Set([P2M_RAM_RW, P2M_RAM_RO, P2M_RAM_LOGDIRTY, P2M_MMIO_DIRECT]);

export class ShadowPaging {
  private readonly entries = new Map<number, ShadowEntry>();
  /** faults: every sh_page_fault; emulated: those left to the device model; mmio: shadow entries to device memory. */
  readonly counters = { faults: 0, emulated: 0, mmio: 0, aboveMaxPage: 0, invalidations: 0 };

  constructor(
    private readonly domid: number,
    private readonly p2m: P2m,
    /** max_page: machine frames Xen manages as RAM. */
    private readonly maxPage: () => number,
    private readonly tracer: TraceSink,
  ) {
    p2m.onChange = (gfn, count) => this.removeAllMappings(gfn, count);
  }

  /** The shadow entry an access to `gfn` uses, faulting one in first; undefined: emulate it. */
  lookup(gfn: number): ShadowEntry | undefined {
    return this.entries.get(gfn) ?? this.fault(gfn);
  }

  private fault(gfn: number): ShadowEntry | undefined {
    this.counters.faults++;
    const e = this.p2m.get(gfn);
    if (!e || !MAPPED.has(e.type)) {
      this.counters.emulated++;
      return undefined;
    }
    const s: ShadowEntry = { mfn: e.mfn, type: e.type, flags: p2mTypeToFlags(e.type) };
    this.entries.set(gfn, s);
    if (e.type === P2M_MMIO_DIRECT) this.mmioFault(gfn, s);
    return s;
  }

  private mmioFault(gfn: number, s: ShadowEntry): void {
    this.counters.mmio++;
    const aboveMaxPage = s.mfn >= this.maxPage();
    if (aboveMaxPage) this.counters.aboveMaxPage++;
    if (this.tracer.active) this.tracer.emit(shadowMmioFaultTrace, { domain: this.domid, gfn: hex(gfn), mfn: hex(s.mfn), pcd: (s.flags & PAGE_PCD) !== 0, aboveMaxPage });
  }

  /** sh_remove_all_mappings for `count` frames from `gfn`: the next access faults again. */
  private removeAllMappings(gfn: number, count: number): void {
    if (!this.entries.size) return;
    for (let i = 0; i < count; i++) if (this.entries.delete(gfn + i)) this.counters.invalidations++;
  }

  /** Whether an access to `gfn` would go through an existing shadow entry (no fault). */
  has(gfn: number): boolean {
    return this.entries.has(gfn);
  }

  save(): ShadowState {
    return { entries: [...this.entries].map(([gfn, e]) => [gfn, e.mfn, e.type]), counters: { ...this.counters } };
  }

  restore(s: ShadowState): void {
    this.entries.clear();
    for (const [gfn, mfn, type] of s.entries) this.entries.set(gfn, { mfn, type, flags: p2mTypeToFlags(type) });
    Object.assign(this.counters, s.counters);
  }
}

const PAGE_PCD = 0x010;
const hex = (n: number) => '0x' + n.toString(16);
