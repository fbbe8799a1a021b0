/**
 * lspci's text formats for the simulated machine, after pciutils 3.9 `lspci.c` (show_terse,
 * show_verbose, show_bases, show_rom, show_htype0/1/2, show_hex_dump): default, -n/-nn,
 * -v/-vv/-vvv, -x/-xxx/-xxxx, and -t (ls-tree.ts). Like `lspci -F` on a dump, what is not in
 * config space is not shown: no kernel driver lines, and the IRQ is the Interrupt Line byte.
 */
import { BITS, FLAG, hex, LsDevice, loadDevices, type PciAccess } from './ls-device.ts';
import { filterMatches, type PciFilter } from './filter.ts';
import { lookupClass, lookupProgIf, lookupSubsystem, lookupVendorDevice, type NumericMode } from './names.ts';
import { showCaps } from './ls-caps.ts';
import { showForest } from './ls-tree.ts';
import { Out, type Ctx } from './ls-context.ts';

export interface LspciOptions {
  verbose?: number;
  numeric?: NumericMode;
  /** 1 = -x (64 bytes), 3 = -xxx (256), 4 = -xxxx (4096). */
  hex?: number;
  tree?: boolean;
  /** -D: always show the domain. */
  domains?: boolean;
  /** -s / -d: only the devices that match. */
  filter?: PciFilter;
}

export function lspci(access: PciAccess, opts: LspciOptions = {}): string {
  const filter = opts.filter;
  const devs = loadDevices(access).filter((d) => !filter || filterMatches(filter, d));
  const ctx: Ctx = { o: new Out(), verbose: opts.verbose ?? 0, numeric: opts.numeric ?? 0, domains: !!opts.domains || devs.some((d) => d.bdf.segment !== 0) };
  if (opts.tree) showForest(ctx, devs);
  else for (const d of devs) showDevice(ctx, d, opts.hex ?? 0);
  return ctx.o.toString();
}

function slotName(ctx: Ctx, d: LsDevice): string {
  const b = d.bdf;
  return `${ctx.domains ? hex(b.segment, 4) + ':' : ''}${hex(b.bus, 2)}:${hex(b.device, 2)}.${b.fn}`;
}

/** Subsystem IDs as libpci's generic fill finds them (header 0 fields, SSVID cap, CardBus 0x40). */
function subsystemIds(d: LsDevice): [number, number] | undefined {
  switch (d.headerType) {
    case 0:
      return [d.word(0x2c), d.word(0x2e)];
    case 1: {
      if (!(d.word(0x06) & 0x10)) return undefined;
      const seen = new Set<number>();
      for (let where = d.byte(0x34) & ~3; where; ) {
        if (seen.has(where)) break;
        seen.add(where);
        const id = d.byte(where);
        if (id === 0xff) break;
        if (id === 0x0d) return [d.word(where + 4), d.word(where + 6)];
        where = d.byte(where + 1) & ~3;
      }
      return undefined;
    }
    case 2:
      return [d.word(0x40), d.word(0x42)];
    default:
      return undefined;
  }
}

function showTerse(ctx: Ctx, d: LsDevice): void {
  const { o } = ctx;
  o.p(`${slotName(ctx, d)} ${lookupClass(ctx.numeric, d.deviceClass)}: ${lookupVendorDevice(ctx.numeric, d.vendorId, d.deviceId)}`);
  const rev = d.byte(0x08);
  if (rev) o.p(` (rev ${hex(rev, 2)})`);
  if (ctx.verbose) {
    const c = d.byte(0x09);
    const x = lookupProgIf(d.deviceClass, c);
    if (c || x) o.p(` (prog-if ${hex(c, 2)}${x ? ` [${x}]` : ''})`);
  }
  o.p('\n');
  if (ctx.verbose) {
    const ss = subsystemIds(d);
    if (ss && ss[0] && ss[0] !== 0xffff) o.p(`\tSubsystem: ${lookupSubsystem(ctx.numeric, d.vendorId, d.deviceId, ss[0], ss[1])}\n`);
  }
}

function showSize(o: Out, x: bigint): void {
  if (!x) return;
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  for (; i < units.length - 1 && x % 1024n === 0n; i++) x /= 1024n;
  o.p(` [size=${Number(x & 0xffffffffn)}${units[i]}]`);
}

function showRange(ctx: Ctx, prefix: string, base: bigint, limit: bigint, bits: number): void {
  const o = ctx.o;
  o.p(`${prefix}:`);
  const w = Math.floor((bits + 3) / 4);
  if (base <= limit || ctx.verbose > 2) o.p(` ${base.toString(16).padStart(w, '0')}-${limit.toString(16).padStart(w, '0')}`);
  if (base <= limit) showSize(o, limit - base + 1n);
  else o.p(' [disabled]');
  if (bits) o.p(` [${bits}-bit]`);
  o.p('\n');
}

/** Base addresses as generic fill computes them: a 64-bit pair lands in the lower index. */
function baseAddrs(d: LsDevice, cnt: number): bigint[] {
  const out = new Array<bigint>(6).fill(0n);
  for (let i = 0; i < cnt; i++) {
    const x = d.long(0x10 + 4 * i);
    if (!x || x === 0xffffffff) continue;
    if (x & 1 || (x & 6) !== 4) out[i] = BigInt(x);
    else if (i < cnt - 1) {
      const y = d.long(0x10 + 4 * ++i);
      out[i - 1] = BigInt(x) | (BigInt(y) << 32n);
    }
  }
  return out;
}

function showBases(ctx: Ctx, d: LsDevice, cnt: number): void {
  const o = ctx.o;
  const cmd = d.word(0x04);
  const pos = baseAddrs(d, cnt);
  for (let i = 0; i < cnt; i++) {
    const len = BigInt(d.sizes?.bars[i] ?? 0);
    let flg = d.long(0x10 + 4 * i);
    if (flg === 0xffffffff) flg = 0;
    if (!pos[i] && !flg && !len) continue;
    o.p(ctx.verbose > 1 ? `\tRegion ${i}: ` : '\t');
    if (flg & 1) {
      const a = pos[i] & ~3n;
      o.p('I/O ports at ');
      o.p(a || cmd & 1 ? a.toString(16).padStart(4, '0') : '<unassigned>');
      if (!(cmd & 1)) o.p(' [disabled]');
    } else {
      const t = flg & 6;
      const a = pos[i] & ~0xfn;
      o.p('Memory at ');
      o.p(a ? a.toString(16).padStart(8, '0') : '<unassigned>');
      o.p(` (${t === 0 ? '32-bit' : t === 4 ? '64-bit' : t === 2 ? 'low-1M' : 'type 3'}, ${flg & 8 ? '' : 'non-'}prefetchable)`);
      if (!(cmd & 2)) o.p(' [disabled]');
    }
    showSize(o, len);
    o.p('\n');
  }
}

function showRom(ctx: Ctx, d: LsDevice, reg: number): void {
  const u = d.long(reg);
  const rom = u === 0xffffffff ? 0 : u;
  const len = BigInt(d.sizes?.rom ?? 0);
  const flg = u;
  const cmd = d.word(0x04);
  if (!rom && !flg && !len) return;
  const o = ctx.o;
  o.p('\tExpansion ROM at ');
  if (rom & 0xfffff800) o.p(hex(rom & 0xfffff800, 8));
  else if (flg & 0xfffff800) o.p('<ignored>');
  else o.p('<unassigned>');
  if (!(flg & 1)) o.p(' [disabled]');
  else if (!(cmd & 2)) o.p(' [disabled by cmd]');
  showSize(o, len);
  o.p('\n');
}

const devsel = (status: number) => ['fast', 'medium', 'slow', '??'][(status >> 9) & 3];

function statusFlags(s: number, last: string): string {
  return `66MHz${FLAG(s, 0x20)} FastB2B${FLAG(s, 0x80)} ParErr${FLAG(s, 0x100)} DEVSEL=${devsel(s)} >TAbort${FLAG(s, 0x800)} <TAbort${FLAG(s, 0x1000)} <MAbort${FLAG(s, 0x2000)} ${last}${FLAG(s, 0x4000)} <PERR${FLAG(s, 0x8000)}`;
}

function showHtype1(ctx: Ctx, d: LsDevice): void {
  const o = ctx.o;
  const ioBase = d.byte(0x1c);
  const ioLimit = d.byte(0x1d);
  const ioType = ioBase & 0xf;
  const memBase = d.word(0x20);
  const memLimit = d.word(0x22);
  const prefBase = d.word(0x24);
  const prefLimit = d.word(0x26);
  const prefType = prefBase & 0xf;
  const secStat = d.word(0x1e);
  const brc = d.word(0x3e);
  showBases(ctx, d, 2);
  o.p(`\tBus: primary=${hex(d.byte(0x18), 2)}, secondary=${hex(d.byte(0x19), 2)}, subordinate=${hex(d.byte(0x1a), 2)}, sec-latency=${d.byte(0x1b)}\n`);
  if (ioType !== (ioLimit & 0xf) || (ioType !== 0 && ioType !== 1)) o.p(`\t!!! Unknown I/O range types ${ioBase.toString(16)}/${ioLimit.toString(16)}\n`);
  else {
    let b = BigInt((ioBase & 0xf0) << 8);
    let l = BigInt((ioLimit & 0xf0) << 8);
    if (ioType === 1) {
      b |= BigInt(d.word(0x30)) << 16n;
      l |= BigInt(d.word(0x32)) << 16n;
    }
    showRange(ctx, '\tI/O behind bridge', b, l + 0xfffn, ioType === 1 ? 32 : 16);
  }
  if ((memBase & 0xf) !== (memLimit & 0xf) || memBase & 0xf) o.p(`\t!!! Unknown memory range types ${memBase.toString(16)}/${memLimit.toString(16)}\n`);
  else showRange(ctx, '\tMemory behind bridge', BigInt((memBase & 0xfff0) * 65536), BigInt((memLimit & 0xfff0) * 65536) + 0xfffffn, 32);
  if (prefType !== (prefLimit & 0xf) || (prefType !== 0 && prefType !== 1)) o.p(`\t!!! Unknown prefetchable memory range types ${prefBase.toString(16)}/${prefLimit.toString(16)}\n`);
  else {
    let b = BigInt((prefBase & 0xfff0) * 65536);
    let l = BigInt((prefLimit & 0xfff0) * 65536);
    if (prefType === 1) {
      b |= BigInt(d.long(0x28)) << 32n;
      l |= BigInt(d.long(0x2c)) << 32n;
    }
    showRange(ctx, '\tPrefetchable memory behind bridge', b, l + 0xfffffn, prefType === 1 ? 64 : 32);
  }
  if (ctx.verbose > 1) o.p(`\tSecondary status: ${statusFlags(secStat, '<SERR')}\n`);
  showRom(ctx, d, 0x38);
  if (ctx.verbose > 1) {
    o.p(`\tBridgeCtl: Parity${FLAG(brc, 1)} SERR${FLAG(brc, 2)} NoISA${FLAG(brc, 4)} VGA${FLAG(brc, 8)} VGA16${FLAG(brc, 0x10)} MAbort${FLAG(brc, 0x20)} >Reset${FLAG(brc, 0x40)} FastB2B${FLAG(brc, 0x80)}\n`);
    o.p(`\t\tPriDiscTmr${FLAG(brc, 0x100)} SecDiscTmr${FLAG(brc, 0x200)} DiscTmrStat${FLAG(brc, 0x400)} DiscTmrSERREn${FLAG(brc, 0x800)}\n`);
  }
  showCaps(ctx, d, 0x34);
}

function showHtype2(ctx: Ctx, d: LsDevice): void {
  const o = ctx.o;
  const cmd = d.word(0x04);
  const brc = d.word(0x3e);
  const verb = ctx.verbose > 2;
  showBases(ctx, d, 1);
  o.p(`\tBus: primary=${hex(d.byte(0x18), 2)}, secondary=${hex(d.byte(0x19), 2)}, subordinate=${hex(d.byte(0x1a), 2)}, sec-latency=${d.byte(0x1b)}\n`);
  for (let i = 0; i < 2; i++) {
    const base = d.long(0x1c + 8 * i);
    const limit = (d.long(0x20 + 8 * i) + 0xfff) >>> 0;
    if (base <= limit || verb) o.p(`\tMemory window ${i}: ${hex(base, 8)}-${hex(limit, 8)}${cmd & 2 ? '' : ' [disabled]'}${brc & (0x100 << i) ? ' (prefetchable)' : ''}\n`);
  }
  for (let i = 0; i < 2; i++) {
    let base = d.long(0x2c + 8 * i);
    let limit = d.long(0x30 + 8 * i);
    if (!(base & 1)) {
      base &= 0xffff;
      limit &= 0xffff;
    }
    base = (base & ~3) >>> 0;
    limit = ((limit & ~3) + 3) >>> 0;
    if (base <= limit || verb) o.p(`\tI/O window ${i}: ${hex(base, 8)}-${hex(limit, 8)}${cmd & 1 ? '' : ' [disabled]'}\n`);
  }
  if (d.word(0x16) & 0x4000) o.p('\tSecondary status: SERR\n');
  if (ctx.verbose > 1)
    o.p(`\tBridgeCtl: Parity${FLAG(brc, 1)} SERR${FLAG(brc, 2)} ISA${FLAG(brc, 4)} VGA${FLAG(brc, 8)} MAbort${FLAG(brc, 0x20)} >Reset${FLAG(brc, 0x40)} 16bInt${FLAG(brc, 0x80)} PostWrite${FLAG(brc, 0x400)}\n`);
  if (!d.has(64, 64)) {
    o.p('\t<access denied to the rest>\n');
    return;
  }
  const exca = d.word(0x44);
  if (exca) o.p(`\t16-bit legacy interface ports at ${hex(exca, 4)}\n`);
  showCaps(ctx, d, 0x14);
}

function showVerbose(ctx: Ctx, d: LsDevice): void {
  const o = ctx.o;
  const cls = d.deviceClass;
  const htype = d.headerType;
  showTerse(ctx, d);
  let bist = 0;
  let maxLat = 0;
  let minGnt = 0;
  let unknown = false;
  if (htype === 0) {
    if (cls === 0x0604) o.p(`\t!!! Invalid class ${hex(cls, 4)} for header type ${hex(htype, 2)}\n`);
    bist = d.byte(0x0f);
    maxLat = d.byte(0x3f);
    minGnt = d.byte(0x3e);
  } else if (htype === 1 || htype === 2) {
    if (cls >> 8 !== 0x06) o.p(`\t!!! Invalid class ${hex(cls, 4)} for header type ${hex(htype, 2)}\n`);
    bist = d.byte(0x0f);
  } else {
    o.p(`\t!!! Unknown header type ${hex(htype, 2)}\n`);
    unknown = true;
  }
  const cmd = d.word(0x04);
  const status = d.word(0x06);
  if (!unknown && ctx.verbose > 1) {
    o.p(
      `\tControl: I/O${FLAG(cmd, 1)} Mem${FLAG(cmd, 2)} BusMaster${FLAG(cmd, 4)} SpecCycle${FLAG(cmd, 8)} MemWINV${FLAG(cmd, 0x10)} VGASnoop${FLAG(cmd, 0x20)} ParErr${FLAG(cmd, 0x40)} Stepping${FLAG(cmd, 0x80)} SERR${FLAG(cmd, 0x100)} FastB2B${FLAG(cmd, 0x200)} DisINTx${FLAG(cmd, 0x400)}\n`,
    );
    o.p(`\tStatus: Cap${FLAG(status, 0x10)} 66MHz${FLAG(status, 0x20)} UDF${FLAG(status, 0x40)} FastB2B${FLAG(status, 0x80)} ParErr${FLAG(status, 0x100)} DEVSEL=${devsel(status)} >TAbort${FLAG(status, 0x800)} <TAbort${FLAG(status, 0x1000)} <MAbort${FLAG(status, 0x2000)} >SERR${FLAG(status, 0x4000)} <PERR${FLAG(status, 0x8000)} INTx${FLAG(status, 0x8)}\n`);
    if (cmd & 4) {
      o.p(`\tLatency: ${d.byte(0x0d)}`);
      if (minGnt || maxLat) {
        o.p(' (');
        if (minGnt) o.p(`${minGnt * 250}ns min`);
        if (minGnt && maxLat) o.p(', ');
        if (maxLat) o.p(`${maxLat * 250}ns max`);
        o.p(')');
      }
      const cl = d.byte(0x0c);
      if (cl) o.p(`, Cache Line Size: ${cl * 4} bytes`);
      o.p('\n');
    }
  }
  const irq = d.byte(0x3c);
  if (ctx.verbose > 1) {
    const pin = unknown ? 0 : d.byte(0x3d);
    if (pin || irq) o.p(`\tInterrupt: pin ${pin ? String.fromCharCode(0x40 + pin) : '?'} routed to IRQ ${irq}\n`);
  }
  if (!unknown && ctx.verbose <= 1) {
    o.p('\tFlags: ');
    if (cmd & 4) o.p('bus master, ');
    if (cmd & 0x20) o.p('VGA palette snoop, ');
    if (cmd & 0x80) o.p('stepping, ');
    if (cmd & 0x200) o.p('fast Back2Back, ');
    if (status & 0x20) o.p('66MHz, ');
    if (status & 0x40) o.p('user-definable features, ');
    o.p(`${devsel(status)} devsel`);
    if (cmd & 4) o.p(`, latency ${d.byte(0x0d)}`);
    if (irq) o.p(`, IRQ ${irq}`);
    o.p('\n');
  }
  if (bist & 0x80) o.p(bist & 0x40 ? '\tBIST is running\n' : `\tBIST result: ${hex(BITS(bist, 0, 4), 2)}\n`);
  if (htype === 0) {
    showBases(ctx, d, 6);
    showRom(ctx, d, 0x30);
    showCaps(ctx, d, 0x34);
  } else if (htype === 1) showHtype1(ctx, d);
  else if (htype === 2) showHtype2(ctx, d);
}

function showHexDump(ctx: Ctx, d: LsDevice, level: number): void {
  let cnt = d.headerType === 2 && d.has(64, 64) ? 128 : 64;
  if (level >= 3 && d.has(cnt, 256 - cnt)) {
    cnt = 256;
    if (level >= 4 && d.has(256, 4096 - 256)) cnt = 4096;
  }
  const rows: string[] = [];
  for (let i = 0; i < cnt; i += 16) {
    let row = `${i.toString(16).padStart(2, '0')}:`;
    for (let j = i; j < i + 16; j++) row += ` ${hex(d.byte(j), 2)}`;
    rows.push(row + '\n');
  }
  ctx.o.p(rows.join(''));
}

function showDevice(ctx: Ctx, d: LsDevice, hexLevel: number): void {
  if (ctx.verbose) showVerbose(ctx, d);
  else showTerse(ctx, d);
  if (hexLevel) showHexDump(ctx, d, hexLevel);
  if (ctx.verbose || hexLevel) ctx.o.p('\n');
}
