/**
 * Extended capabilities for address translation and BAR sizing, after pciutils 3.9
 * `ls-ecaps.c` (cap_ats, cap_pri, cap_pasid, cap_multicast, cap_rebar): what devices that
 * work with an IOMMU (ATS/PRI/PASID, VT-d's scalable mode) and large-BAR GPUs carry.
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

const EXP = { EP: 0, ROOT: 4, UP: 5, DOWN: 6, RC_EP: 9 };

export function capAts(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Address Translation Service (ATS)\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  const cap = d.word(where + 4);
  c.o.p(`\t\tATSCap:\tInvalidate Queue Depth: ${hex(cap & 0x1f, 2)}\n`);
  const ctl = d.word(where + 6);
  c.o.p(`\t\tATSCtl:\tEnable${FLAG(ctl, 0x8000)}, Smallest Translation Unit: ${hex(ctl & 0x1f, 2)}\n`);
}

export function capPri(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Page Request Interface (PRI)\n');
  if (c.verbose < 2 || !d.has(where + 4, 0xc)) return;
  const ctl = d.word(where + 4);
  c.o.p(`\t\tPRICtl: Enable${FLAG(ctl, 1)} Reset${FLAG(ctl, 2)}\n`);
  const sta = d.word(where + 6);
  c.o.p(`\t\tPRISta: RF${FLAG(sta, 1)} UPRGI${FLAG(sta, 2)} Stopped${FLAG(sta, 0x100)}\n`);
  c.o.p(`\t\tPage Request Capacity: ${hex(d.long(where + 8), 8)}, Page Request Allocation: ${hex(d.long(where + 0xc), 8)}\n`);
}

export function capPasid(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Process Address Space ID (PASID)\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  const cap = d.word(where + 4);
  c.o.p(`\t\tPASIDCap: Exec${FLAG(cap, 2)} Priv${FLAG(cap, 4)}, Max PASID Width: ${hex((cap >> 8) & 0x1f, 2)}\n`);
  const ctl = d.word(where + 6);
  c.o.p(`\t\tPASIDCtl: Enable${FLAG(ctl, 1)} Exec${FLAG(ctl, 2)} Priv${FLAG(ctl, 4)}\n`);
}

const q = (d: LsDevice, at: number) => BigInt(d.long(at)) | (BigInt(d.long(at + 4)) << 32n);
const hex64 = (x: bigint) => x.toString(16).padStart(16, '0');

export function capMulticast(c: Ctx, d: LsDevice, where: number, type: number): void {
  c.o.p('Multicast\n');
  if (c.verbose < 2 || !d.has(where + 4, 0x30)) return;
  const endpoint = type === EXP.EP || type === EXP.RC_EP;
  let w = d.word(where + 4);
  let s = `\t\tMcastCap: MaxGroups ${(w & 0x3f) + 1}`;
  const win = (w >> 8) & 0x3f;
  if (endpoint) s += `, WindowSz ${win} (${1 << win} bytes)`;
  // pciutils ends the line only for switch and root ports; an endpoint's McastCtl follows on it.
  if (type === EXP.ROOT || type === EXP.UP || type === EXP.DOWN) s += `, ECRCRegen${FLAG(w, 0x8000)}\n`;
  w = d.word(where + 6);
  c.o.p(`${s}\t\tMcastCtl: NumGroups ${(w & 0x3f) + 1}, Enable${FLAG(w, 0x8000)}\n`);
  const bar = q(d, where + 8);
  c.o.p(`\t\tMcastBAR: IndexPos ${Number(bar & 0x3fn)}, BaseAddr ${hex64(bar & ~0xfffn)}\n`);
  c.o.p(`\t\tMcastReceiveVec:      ${hex64(q(d, where + 0x10))}\n`);
  c.o.p(`\t\tMcastBlockAllVec:     ${hex64(q(d, where + 0x18))}\n`);
  c.o.p(`\t\tMcastBlockUntransVec: ${hex64(q(d, where + 0x20))}\n`);
  if (endpoint) return;
  const ovl = q(d, where + 0x28);
  const size = Number(ovl & 0x3fn);
  c.o.p(`\t\tMcastOverlayBAR: OverlaySize ${size} ${size >= 6 ? `(${1 << size} bytes)` : '(disabled)'}, BaseAddr ${hex64(ovl & ~0x3fn)}\n`);
}

/** print_rebar_range_size: a power of two with 1 MB as 0. */
function rebarSize(ld2: number): string {
  const units = ['MB', 'GB', 'TB', 'PB', 'EB'];
  if (ld2 < 0 || ld2 >= 44) return ' <unknown>';
  return ` ${1 << ld2 % 10}${units[Math.floor(ld2 / 10)]}`;
}

export function capRebar(c: Ctx, d: LsDevice, where: number, virtual: boolean): void {
  c.o.p(`${virtual ? 'Virtual' : 'Physical'} Resizable BAR\n`);
  if (c.verbose < 2) return;
  let bars = 1;
  for (let n = 0; n < bars; n++) {
    where += 4;
    if (!d.has(where, 8)) return void c.o.p('\t\t<unreadable>\n');
    const sizes = d.long(where) >>> 4;
    where += 4;
    const ctl = d.long(where);
    if (n === 0) {
      bars = BITS(ctl, 5, 3);
      if (bars < 1 || bars > 6) return void c.o.p(`\t\t<error in resizable BAR: num_bars=${bars} is out of specification>\n`);
    }
    const ext = BITS(ctl, 16, 16);
    let s = `\t\tBAR ${BITS(ctl, 0, 3)}: current size:${rebarSize(BITS(ctl, 8, 6))}`;
    if (sizes || ext) {
      s += ', supported:';
      for (let i = 0; i < 28; i++) if (sizes & (1 << i)) s += rebarSize(i);
      for (let i = 0; i < 16; i++) if (ext & (1 << i)) s += rebarSize(i + 28);
    }
    c.o.p(s + '\n');
  }
}
