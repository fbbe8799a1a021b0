/**
 * Consistency checks of a host profile's PCI bytes, beyond its schema: what firmware (a 2007
 * BIOS's PCI enumeration, as Linux's pci_scan_bridge() and pci_claim_resource() later read it)
 * must have left for the machine to work.
 *
 * - Bridge bus numbers (errors): a type-1 bridge's primary bus is its own bus, its secondary
 *   is above it, subordinate ≥ secondary, and two bridges' ranges are either disjoint or
 *   nested with the inner bridge behind the outer one — otherwise config routing loops or
 *   reaches the wrong bus (Linux: "bridge configuration invalid, reconfiguring").
 * - Decode plausibility (warnings, `vtdw host check`): every enabled BAR lies inside the
 *   matching window of the bridge above it, no two decoders claim the same addresses, IRQ
 *   lines are PC GSIs, SR-IOV is enabled only when its virtual functions exist, and DMAR RMRRs
 *   lie in RAM.
 * Each finding names the profile field (pci[N].config[ROW]) and the config offset.
 */
import { hex } from '../../src-shared/units/hex.ts';

/**
 * The parts of a host profile these checks read. Declared here, not imported from
 * host-profile.ts, because that file runs the checks: the two would import each other.
 */
export interface CheckedProfile {
  ramMiB: number;
  pci: readonly { bdf: string; config: readonly string[]; bars?: readonly { index: number; size: number }[] }[];
  dmar: { structures: readonly { type: string; baseAddress?: string; endAddress?: string }[] } | null;
}

export interface ProfileIssue {
  /** Field path in the profile: "pci[3].config[1]", "dmar.structures[2]". */
  path: string;
  message: string;
}

const GSI_COUNT = 24;

interface Fn {
  index: number;
  name: string;
  segment: number;
  bus: number;
  devfn: number;
  b: Uint8Array;
  sizes: Map<number, number>;
}

interface Bridge extends Fn {
  primary: number;
  secondary: number;
  subordinate: number;
}

type Space = 'io' | 'mem';

interface Range {
  space: Space;
  lo: number;
  hi: number;
  fn: Fn;
  what: string;
  /** Prefetchable memory: may sit in either memory window of the bridge above. */
  prefetch: boolean;
  /** For a bridge window: the buses behind it. */
  behind?: [number, number];
}

const u16 = (b: Uint8Array, o: number) => (b[o] ?? 0xff) | ((b[o + 1] ?? 0xff) << 8);
const u32 = (b: Uint8Array, o: number) => (u16(b, o) + u16(b, o + 2) * 0x10000) >>> 0;
const row = (f: Fn, offset: number) => `pci[${f.index}].config[${offset >> 4}]`;

function functionsOf(p: CheckedProfile): Fn[] {
  return p.pci.map((f, index) => {
    const bytes: number[] = [];
    for (const r of f.config) for (const x of r.split(' ')) bytes.push(parseInt(x, 16));
    const [seg, bus, df] = f.bdf.split(':');
    const [dev, fn] = df.split('.');
    const sizes = new Map((f.bars ?? []).map((x) => [x.index, x.size]));
    return { index, name: f.bdf, segment: parseInt(seg, 16), bus: parseInt(bus, 16), devfn: (parseInt(dev, 16) << 3) | Number(fn), b: Uint8Array.from(bytes), sizes };
  });
}

function bridgesOf(fns: Fn[]): Bridge[] {
  return fns.filter((f) => (f.b[0x0e] & 0x7f) === 1).map((f) => ({ ...f, primary: f.b[0x18], secondary: f.b[0x19], subordinate: f.b[0x1a] }));
}

/** A bridge firmware has not numbered yet (all zero) routes nothing and is not an error. */
const unnumbered = (br: Bridge) => br.secondary === 0 && br.subordinate === 0;

// ---- errors: bridge bus numbers ---------------------------------------------------------------

export function bridgeBusProblems(p: CheckedProfile): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const bridges = bridgesOf(functionsOf(p)).filter((br) => !unnumbered(br));
  for (const br of bridges) {
    const at = { path: row(br, 0x18) };
    const me = `bridge ${br.name}`;
    if (br.primary !== br.bus) out.push({ ...at, message: `${me}: primary bus (offset 0x18) is ${hex(br.primary, 2)}, but the bridge sits on bus ${hex(br.bus, 2)}` });
    if (br.secondary <= br.bus) out.push({ ...at, message: `${me}: secondary bus (offset 0x19) ${hex(br.secondary, 2)} is not above the bridge's own bus ${hex(br.bus, 2)}, so config cycles would loop` });
    if (br.subordinate < br.secondary) out.push({ ...at, message: `${me}: subordinate bus (offset 0x1a) ${hex(br.subordinate, 2)} is below its secondary bus ${hex(br.secondary, 2)}` });
  }
  const sane = bridges.filter((br) => br.primary === br.bus && br.secondary > br.bus && br.subordinate >= br.secondary);
  for (let i = 0; i < sane.length; i++) {
    for (let j = i + 1; j < sane.length; j++) {
      const [a, c] = [sane[i], sane[j]];
      if (a.segment !== c.segment || a.subordinate < c.secondary || c.subordinate < a.secondary) continue;
      const inside = (x: Bridge, y: Bridge) => x.secondary >= y.secondary && x.subordinate <= y.subordinate && x.bus >= y.secondary && x.bus <= y.subordinate;
      if (inside(c, a) || inside(a, c)) continue;
      out.push({
        path: row(c, 0x18),
        message: `bridge ${c.name}: buses ${hex(c.secondary, 2)}-${hex(c.subordinate, 2)} (offsets 0x19-0x1a) overlap buses ${hex(a.secondary, 2)}-${hex(a.subordinate, 2)} of bridge ${a.name} (pci[${a.index}]), which it is not behind`,
      });
    }
  }
  return out;
}

// ---- warnings: decode plausibility ------------------------------------------------------------

/** Enabled BARs: [space, lo, hi] with hi = lo when the size is unknown (imported dumps). */
function barRanges(f: Fn): Range[] {
  const type = f.b[0x0e] & 0x7f;
  const count = type === 0 ? 6 : type === 1 ? 2 : 0;
  const cmd = u16(f.b, 4);
  const out: Range[] = [];
  for (let i = 0; i < count; i++) {
    const v = u32(f.b, 0x10 + 4 * i);
    if (v === 0xffffffff) continue;
    const io = (v & 1) === 1;
    const is64 = !io && (v & 6) === 4;
    const lo = io ? (v & ~3) >>> 0 : ((v & ~0xf) >>> 0) + (is64 ? u32(f.b, 0x14 + 4 * i) * 2 ** 32 : 0);
    const enabled = cmd & (io ? 1 : 2);
    if (lo && enabled) out.push({ space: io ? 'io' : 'mem', lo, hi: lo + Math.max(1, f.sizes.get(i) ?? 1) - 1, fn: f, what: `BAR${i} ${io ? 'I/O' : 'memory'}`, prefetch: !io && (v & 8) !== 0 });
    if (is64) i++;
  }
  return out;
}

/** A bridge's forwarding windows (0x1c-0x2f, 0x30-0x33), each with whether it is open. */
function windows(br: Bridge): (Range & { open: boolean })[] {
  const b = br.b;
  const cmd = u16(b, 4);
  const io32 = (b[0x1c] & 0xf) === 1;
  const ioLo = ((b[0x1c] & 0xf0) << 8) + (io32 ? u16(b, 0x30) * 0x10000 : 0);
  const ioHi = ((b[0x1d] & 0xf0) << 8) + 0xfff + (io32 ? u16(b, 0x32) * 0x10000 : 0);
  const memLo = (u16(b, 0x20) & 0xfff0) * 0x10000;
  const memHi = (u16(b, 0x22) & 0xfff0) * 0x10000 + 0xfffff;
  const pf64 = (u16(b, 0x24) & 0xf) === 1;
  const pfLo = (u16(b, 0x24) & 0xfff0) * 0x10000 + (pf64 ? u32(b, 0x28) * 2 ** 32 : 0);
  const pfHi = (u16(b, 0x26) & 0xfff0) * 0x10000 + 0xfffff + (pf64 ? u32(b, 0x2c) * 2 ** 32 : 0);
  const behind: [number, number] = [br.secondary, br.subordinate];
  return [
    { space: 'io', lo: ioLo, hi: ioHi, fn: br, what: 'I/O window', behind, open: ioLo <= ioHi && (cmd & 1) !== 0, prefetch: false },
    { space: 'mem', lo: memLo, hi: memHi, fn: br, what: 'memory window', behind, open: memLo <= memHi && (cmd & 2) !== 0, prefetch: false },
    { space: 'mem', lo: pfLo, hi: pfHi, fn: br, what: 'prefetchable window', behind, open: pfLo <= pfHi && (cmd & 2) !== 0, prefetch: true },
  ];
}

const span = (r: Range) => (r.hi === r.lo ? hex(r.lo, r.space === 'io' ? 4 : 8) : `${hex(r.lo, r.space === 'io' ? 4 : 8)}-${hex(r.hi, r.space === 'io' ? 4 : 8)}`);

/** Open, and not base = limit = 0: the registers firmware never wrote (pSeries leaves them so). */
const programmed = (w: Range & { open: boolean }) => w.open && !(w.lo === 0 && w.hi === (w.space === 'io' ? 0xfff : 0xfffff));

/** The bridge whose secondary bus `f` sits on, if any (none: a root bus the host decodes). */
function parentOf(f: Fn, bridges: Bridge[]): Bridge | undefined {
  return bridges.find((br) => br.segment === f.segment && br.secondary === f.bus && !unnumbered(br));
}

function windowProblems(ranges: Range[], bridges: Bridge[]): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  for (const r of ranges) {
    const up = parentOf(r.fn, bridges);
    if (!up) continue;
    const fits = windows(up).filter((w) => programmed(w) && w.space === r.space && (r.prefetch || !w.prefetch));
    if (fits.some((w) => r.lo >= w.lo && r.hi <= w.hi)) continue;
    const wanted = r.space === 'io' ? 'I/O window' : 'memory windows';
    const state = fits.length ? fits.map((w) => span(w)).join(', ') : 'closed';
    out.push({ path: row(r.fn, r.behind ? 0x1c : 0x10), message: `${r.fn.name} ${r.what} ${span(r)} is outside the ${wanted} of bridge ${up.name} above it (${state}): unreachable` });
  }
  return out;
}

function overlapProblems(ranges: Range[]): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const behind = (r: Range, w: Range) => !!w.behind && r.fn.segment === w.fn.segment && r.fn.bus >= w.behind[0] && r.fn.bus <= w.behind[1];
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, c] = [ranges[i], ranges[j]];
      if (a.space !== c.space || a.fn.segment !== c.fn.segment || a.hi < c.lo || c.hi < a.lo) continue;
      if (behind(c, a) || behind(a, c)) continue;
      out.push({ path: row(c.fn, c.behind ? 0x1c : 0x10), message: `${c.fn.name} ${c.what} ${span(c)} overlaps ${a.fn.name} ${a.what} ${span(a)}` });
    }
  }
  return out;
}

function irqProblems(fns: Fn[]): ProfileIssue[] {
  return fns
    .filter((f) => f.b.length >= 0x40 && f.b[0x3d] !== 0 && f.b[0x3c] >= GSI_COUNT && f.b[0x3c] !== 0xff)
    .map((f) => ({ path: row(f, 0x3c), message: `${f.name} interrupt line (offset 0x3c) ${f.b[0x3c]} is not one of the PC's GSIs 0-${GSI_COUNT - 1}` }));
}

/** SR-IOV (extended capability 0x0010) with VF Enable set needs its first VF to exist. */
function sriovProblems(fns: Fn[]): ProfileIssue[] {
  const out: ProfileIssue[] = [];
  const present = new Set(fns.map((f) => `${f.segment}:${(f.bus << 8) | f.devfn}`));
  for (const f of fns) {
    for (let off = 0x100, n = 0; off >= 0x100 && off + 4 <= f.b.length && n < 96; n++) {
      const hdr = u32(f.b, off);
      if ((hdr & 0xffff) === 0x0010 && off + 0x18 <= f.b.length) {
        const ctl = u16(f.b, off + 8);
        const num = u16(f.b, off + 0x10);
        const first = ((f.bus << 8) | f.devfn) + u16(f.b, off + 0x14);
        if (ctl & 1 && num && !present.has(`${f.segment}:${first}`)) {
          out.push({ path: row(f, off + 8), message: `${f.name} SR-IOV VF Enable is set with ${num} VF(s), but no virtual function exists at ${hex(first >> 8, 2)}:${hex((first >> 3) & 0x1f, 2)}.${first & 7}` });
        }
      }
      off = hdr >>> 20;
      if (!off) break;
    }
  }
  return out;
}

function rmrrProblems(p: CheckedProfile): ProfileIssue[] {
  if (!p.dmar || !p.ramMiB) return [];
  const ram = BigInt(p.ramMiB) * 1024n * 1024n;
  const out: ProfileIssue[] = [];
  p.dmar.structures.forEach((s, i) => {
    if (s.type === 'RMRR' && s.endAddress !== undefined && BigInt(s.endAddress) >= ram) {
      out.push({ path: `dmar.structures[${i}]`, message: `RMRR ${s.baseAddress}-${s.endAddress} is not in the host's ${p.ramMiB} MiB of RAM: reserved memory must be RAM the firmware set aside` });
    }
  });
  return out;
}

/** Warnings for `vtdw host check`: a profile that validates but that no firmware would leave. */
export function plausibilityWarnings(p: CheckedProfile): ProfileIssue[] {
  const fns = functionsOf(p);
  const bridges = bridgesOf(fns);
  const bars = fns.flatMap(barRanges);
  const open = bridges.flatMap((br) => (unnumbered(br) ? [] : windows(br).filter(programmed)));
  return [...windowProblems([...bars, ...open], bridges), ...overlapProblems([...bars, ...open]), ...irqProblems(fns), ...sriovProblems(fns), ...rmrrProblems(p)];
}
