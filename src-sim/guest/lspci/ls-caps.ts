/**
 * Capability decoding after pciutils 3.9 `ls-caps.c` (show_caps and the cap_* printers) and
 * `ls-caps-vendor.c`: the standard capability list (PM, AGP, VPD, MSI, PCI-X, MSI-X, SSVID,
 * AF, SATA, …). PCI Express lives in ls-caps-express.ts, HyperTransport in ls-caps-ht.ts,
 * Enhanced Allocation in ls-caps-ea.ts, extended capabilities in ls-ecaps.ts.
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';
import { lookupSubsystem } from './names.ts';
import { capExpress } from './ls-caps-express.ts';
import { showExtCaps } from './ls-ecaps.ts';
import { capHt } from './ls-caps-ht.ts';
import { capEa } from './ls-caps-ea.ts';

function capPm(c: Ctx, d: LsDevice, where: number, cap: number): void {
  const aux = [0, 55, 100, 160, 220, 270, 320, 375];
  c.o.p(`Power Management version ${cap & 7}\n`);
  if (c.verbose < 2) return;
  c.o.p(
    `\t\tFlags: PMEClk${FLAG(cap, 8)} DSI${FLAG(cap, 0x20)} D1${FLAG(cap, 0x200)} D2${FLAG(cap, 0x400)} AuxCurrent=${aux[(cap >> 6) & 7]}mA PME(D0${FLAG(cap, 0x800)},D1${FLAG(cap, 0x1000)},D2${FLAG(cap, 0x2000)},D3hot${FLAG(cap, 0x4000)},D3cold${FLAG(cap, 0x8000)})\n`,
  );
  if (!d.has(where + 4, 4)) return;
  const t = d.word(where + 4);
  c.o.p(`\t\tStatus: D${t & 3} NoSoftRst${FLAG(t, 8)} PME-Enable${FLAG(t, 0x100)} DSel=${(t >> 9) & 0xf} DScale=${(t >> 13) & 3} PME${FLAG(t, 0x8000)}\n`);
  const b = d.byte(where + 6);
  if (b) c.o.p(`\t\tBridge: PM${FLAG(b, 0x80)} B3${FLAG(~b, 0x40)}\n`);
}

function agpRate(rate: number, agp3: number): string {
  const parts: string[] = [];
  for (let i = 0; i <= 2; i++) if (rate & (1 << i)) parts.push(`x${1 << (i + 2 * agp3)}`);
  return parts.length ? parts.join(',') : '<none>';
}

function capAgp(c: Ctx, d: LsDevice, where: number, cap: number): void {
  const ver = (cap >> 4) & 0xf;
  c.o.p(`AGP version ${ver.toString(16)}.${(cap & 0xf).toString(16)}\n`);
  if (c.verbose < 2 || !d.has(where + 4, 8)) return;
  let t = d.long(where + 4);
  const agp3 = ver >= 3 && t & 8 ? 1 : 0;
  c.o.p(
    `\t\tStatus: RQ=${(t >>> 24) + 1} Iso${FLAG(t, 0x20000)} ArqSz=${(t & 0xe000) >> 13} Cal=${(t & 0x1c00) >> 10} SBA${FLAG(t, 0x200)} ITACoh${FLAG(t, 0x100)} GART64${FLAG(t, 0x80)} HTrans${FLAG(t, 0x40)} 64bit${FLAG(t, 0x20)} FW${FLAG(t, 0x10)} AGP3${FLAG(t, 8)} Rate=${agpRate(t & 7, agp3)}\n`,
  );
  t = d.long(where + 8);
  c.o.p(
    `\t\tCommand: RQ=${(t >>> 24) + 1} ArqSz=${(t & 0xe000) >> 13} Cal=${(t & 0x1c00) >> 10} SBA${FLAG(t, 0x200)} AGP${FLAG(t, 0x100)} GART64${FLAG(t, 0x80)} 64bit${FLAG(t, 0x20)} FW${FLAG(t, 0x10)} Rate=${agpRate(t & 7, agp3)}\n`,
  );
}

const MAX_OUTSTANDING = [1, 2, 3, 4, 8, 12, 16, 32];

function capPcix(c: Ctx, d: LsDevice, where: number): void {
  const ht = d.byte(0x0e) & 0x7f;
  if (ht === 0) {
    c.o.p('PCI-X non-bridge device\n');
    if (c.verbose < 2 || !d.has(where + 4, 4)) return;
    const command = d.word(where + 2);
    const s = d.long(where + 4);
    c.o.p(`\t\tCommand: DPERE${FLAG(command, 1)} ERO${FLAG(command, 2)} RBC=${1 << (9 + ((command & 0xc) >> 2))} OST=${MAX_OUTSTANDING[(command & 0x70) >> 4]}\n`);
    c.o.p(
      `\t\tStatus: Dev=${hex((s & 0xff00) >> 8, 2)}:${hex((s & 0xf8) >> 3, 2)}.${s & 7} 64bit${FLAG(s, 0x10000)} 133MHz${FLAG(s, 0x20000)} SCD${FLAG(s, 0x40000)} USC${FLAG(s, 0x80000)} DC=${s & 0x100000 ? 'bridge' : 'simple'} DMMRBC=${1 << (9 + ((s >>> 21) & 3))} DMOST=${MAX_OUTSTANDING[(s >>> 23) & 7]} DMCRS=${1 << (3 + ((s >>> 26) & 7))} RSCEM${FLAG(s, 0x20000000)} 266MHz${FLAG(s, 0x40000000)} 533MHz${FLAG(s, 0x80000000)}\n`,
    );
  } else if (ht === 1) {
    const freq = ['conv', '66MHz', '100MHz', '133MHz', '?4', '?5', '?6', '?7'];
    c.o.p('PCI-X bridge device\n');
    if (c.verbose < 2 || !d.has(where + 4, 12)) return;
    const sec = d.word(where + 2);
    c.o.p(
      `\t\tSecondary Status: 64bit${FLAG(sec, 1)} 133MHz${FLAG(sec, 2)} SCD${FLAG(sec, 4)} USC${FLAG(sec, 8)} SCO${FLAG(sec, 0x10)} SRD${FLAG(sec, 0x20)} Freq=${freq[(sec & 0x1c0) >> 6]}\n`,
    );
    const s = d.long(where + 4);
    c.o.p(
      `\t\tStatus: Dev=${hex((s & 0xff00) >> 8, 2)}:${hex((s & 0xf8) >> 3, 2)}.${s & 7} 64bit${FLAG(s, 0x10000)} 133MHz${FLAG(s, 0x20000)} SCD${FLAG(s, 0x40000)} USC${FLAG(s, 0x80000)} SCO${FLAG(s, 0x100000)} SRD${FLAG(s, 0x200000)}\n`,
    );
    const up = d.long(where + 8);
    c.o.p(`\t\tUpstream: Capacity=${up & 0xffff} CommitmentLimit=${(up >>> 16) & 0xffff}\n`);
    const down = d.long(where + 12);
    c.o.p(`\t\tDownstream: Capacity=${down & 0xffff} CommitmentLimit=${(down >>> 16) & 0xffff}\n`);
  }
}

function capMsi(c: Ctx, d: LsDevice, where: number, cap: number): void {
  c.o.p(`MSI: Enable${FLAG(cap, 1)} Count=${1 << ((cap & 0x70) >> 4)}/${1 << ((cap & 0xe) >> 1)} Maskable${FLAG(cap, 0x100)} 64bit${FLAG(cap, 0x80)}\n`);
  if (c.verbose < 2) return;
  const is64 = (cap & 0x80) !== 0;
  if (!d.has(where + 4, (is64 ? 0xc : 8) + 2 - 4)) return;
  let line = '\t\tAddress: ';
  const w = d.word(where + (is64 ? 0xc : 8));
  if (is64) line += hex(d.long(where + 8), 8);
  c.o.p(`${line}${hex(d.long(where + 4), 8)}  Data: ${hex(w, 4)}\n`);
  if (cap & 0x100) {
    const m = where + (is64 ? 0x10 : 0xc);
    if (!d.has(m, 8)) return;
    c.o.p(`\t\tMasking: ${hex(d.long(m), 8)}  Pending: ${hex(d.long(m + 4), 8)}\n`);
  }
}

function capMsix(c: Ctx, d: LsDevice, where: number, cap: number): void {
  c.o.p(`MSI-X: Enable${FLAG(cap, 0x8000)} Count=${(cap & 0x7ff) + 1} Masked${FLAG(cap, 0x4000)}\n`);
  if (c.verbose < 2 || !d.has(where + 4, 8)) return;
  let off = d.long(where + 4);
  c.o.p(`\t\tVector table: BAR=${off & 7} offset=${hex(off & ~7, 8)}\n`);
  off = d.long(where + 8);
  c.o.p(`\t\tPBA: BAR=${off & 7} offset=${hex(off & ~7, 8)}\n`);
}

function capSsvid(c: Ctx, d: LsDevice, where: number): void {
  if (!d.has(where, 8)) return;
  c.o.p(`Subsystem: ${lookupSubsystem(c.numeric, d.vendorId, d.deviceId, d.word(where + 4), d.word(where + 6))}\n`);
}

function capAf(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('PCI Advanced Features\n');
  if (c.verbose < 2 || !d.has(where + 3, 3)) return;
  let r = d.byte(where + 3);
  c.o.p(`\t\tAFCap: TP${FLAG(r, 1)} FLR${FLAG(r, 2)}\n`);
  r = d.byte(where + 4);
  c.o.p(`\t\tAFCtrl: FLR${FLAG(r, 1)}\n`);
  r = d.byte(where + 5);
  c.o.p(`\t\tAFStatus: TP${FLAG(r, 1)}\n`);
}

function capSata(c: Ctx, d: LsDevice, where: number, cap: number): void {
  c.o.p(`SATA HBA v${BITS(cap, 4, 4)}.${BITS(cap, 0, 4)}`);
  if (c.verbose < 2 || !d.has(where + 4, 4)) return void c.o.p('\n');
  const bars = d.long(where + 4);
  const bar = BITS(bars, 0, 4);
  if (bar >= 4 && bar <= 9) c.o.p(` BAR${bar - 4} Offset=${hex(BITS(bars, 4, 20), 8)}\n`);
  else if (bar === 15) c.o.p(' InCfgSpace\n');
  else c.o.p(` BAR??${bar}\n`);
}

function capVendor(c: Ctx, d: LsDevice, where: number, cap: number): void {
  c.o.p('Vendor Specific Information: ');
  const dev = d.deviceId;
  const len = BITS(cap, 0, 8);
  // Red Hat virtio devices decode their vendor capability (ls-caps-vendor.c).
  if (d.vendorId === 0x1af4 && dev >= 0x1000 && dev <= 0x107f && len >= 16 && d.has(where, len)) {
    const tname = ['<unknown>', 'CommonCfg', 'Notify', 'ISR', 'DeviceCfg'][BITS(cap, 8, 8)] ?? '<unknown>';
    c.o.p(`VirtIO: ${tname}\n`);
    if (c.verbose < 2) return;
    let line = `\t\tBAR=${d.byte(where + 4)} offset=${hex(d.long(where + 8), 8)} size=${hex(d.long(where + 12), 8)}`;
    if (BITS(cap, 8, 8) === 2 && len >= 20) line += ` multiplier=${hex(d.long(where + 16), 8)}`;
    c.o.p(line + '\n');
    return;
  }
  c.o.p(`Len=${hex(len, 2)} <?>\n`);
}

export function showCaps(c: Ctx, d: LsDevice, ptr: number): void {
  let canHaveExt = false;
  let type = -1;
  if (d.word(0x06) & 0x10) {
    const seen = new Uint8Array(256);
    let where = d.byte(ptr) & ~3;
    while (where) {
      c.o.p('\tCapabilities: ');
      if (!d.has(where, 4)) {
        c.o.p('<access denied>\n');
        break;
      }
      const id = d.byte(where);
      const next = d.byte(where + 1) & ~3;
      const cap = d.word(where + 2);
      c.o.p(`[${hex(where, 2)}] `);
      if (seen[where]++) {
        c.o.p('<chain looped>\n');
        break;
      }
      if (id === 0xff) {
        c.o.p('<chain broken>\n');
        break;
      }
      switch (id) {
        case 0x00: c.o.p('Null\n'); break;
        case 0x01: capPm(c, d, where, cap); break;
        case 0x02: capAgp(c, d, where, cap); break;
        case 0x03: c.o.p(c.verbose < 2 ? 'Vital Product Data\n' : 'Vital Product Data\n\t\tNot readable\n'); break;
        case 0x04: c.o.p(`Slot ID: ${cap & 0x1f} slots, First${FLAG(cap, 0x20)}, chassis ${hex(cap >> 8, 2)}\n`); break;
        case 0x05: capMsi(c, d, where, cap); break;
        case 0x06: c.o.p('CompactPCI hot-swap <?>\n'); break;
        case 0x07: capPcix(c, d, where); canHaveExt = true; break;
        case 0x08: capHt(c, d, where, cap); break;
        case 0x09: capVendor(c, d, where, cap); break;
        case 0x0a: c.o.p(`Debug port: BAR=${cap >> 13} offset=${hex(cap & 0x1fff, 4)}\n`); break;
        case 0x0b: c.o.p('CompactPCI central resource control <?>\n'); break;
        case 0x0c: c.o.p('Hot-plug capable\n'); break;
        case 0x0d: capSsvid(c, d, where); break;
        case 0x0e: c.o.p('AGP3 <?>\n'); break;
        case 0x0f: c.o.p('Secure device <?>\n'); break;
        case 0x10: type = capExpress(c, d, where, cap); canHaveExt = true; break;
        case 0x11: capMsix(c, d, where, cap); break;
        case 0x12: capSata(c, d, where, cap); break;
        case 0x13: capAf(c, d, where); break;
        case 0x14: capEa(c, d, where, cap); break;
        default: c.o.p(`Capability ID ${id ? '0x' + id.toString(16) : '0'} [${hex(cap, 4)}]\n`);
      }
      where = next;
    }
  }
  if (canHaveExt) showExtCaps(c, d, type);
}
