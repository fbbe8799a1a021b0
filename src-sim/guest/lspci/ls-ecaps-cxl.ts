/**
 * Designated Vendor-Specific extended capabilities after pciutils 3.9 `ls-ecaps.c` (cap_dvsec
 * and its CXL decoders: device, port, register locator, GPF, flex bus, MLD, function map).
 * Other vendors' DVSECs print their header only, as lspci does.
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

const CXL_VENDOR = 0x1e98;
const hex64 = (x: bigint) => x.toString(16).padStart(16, '0');
const q = (d: LsDevice, hi: number, lo: number) => (BigInt(d.long(hi)) << 32n) | BigInt(d.long(lo));

function range(c: Ctx, base: bigint, size: bigint, n: number): void {
  const interleave = [0, 256, 4096, 512, 1024, 2048, 8192, 16384];
  const w = Number(size & 0xffffn);
  size &= ~0x0fffffffn;
  const end = (base + size - 1n) & 0xffffffffffffffffn;
  c.o.p(`\t\tRange${n}: ${hex64(base)}-${hex64(end)}\n`);
  const type = ['Volatile', 'Non-volatile', 'CDAT'][(w >> 2) & 7] ?? '(null)';
  const cls = ['DRAM', 'Storage', 'CDAT'][(w >> 5) & 7] ?? '(null)';
  c.o.p(`\t\t\tValid${FLAG(w, 1)} Active${FLAG(w, 2)} Type=${type} Class=${cls} interleave=${interleave[(w >> 8) & 0x1f] ?? 0} timeout=${2 ** (((w >> 13) & 7) * 2)}s\n`);
}

function device(c: Ctx, d: LsDevice, rev: number, where: number, len: number): void {
  if (len < 0x38 || rev < 1) return;
  let w = d.word(where + 0x0a);
  c.o.p(`\t\tCXLCap:\tCache${FLAG(w, 1)} IO${FLAG(w, 2)} Mem${FLAG(w, 4)} Mem HW Init${FLAG(w, 8)} HDMCount ${(w >> 4) & 3} Viral${FLAG(w, 0x4000)}\n`);
  w = d.word(where + 0x0c);
  c.o.p(`\t\tCXLCtl:\tCache${FLAG(w, 1)} IO${FLAG(w, 2)} Mem${FLAG(w, 4)} Cache SF Cov ${(w >> 3) & 0x1f} Cache SF Gran ${(w >> 8) & 7} Cache Clean${FLAG(w, 0x800)} Viral${FLAG(w, 0x4000)}\n`);
  c.o.p(`\t\tCXLSta:\tViral${FLAG(d.word(where + 0x0e), 0x4000)}\n`);
  w = d.word(where + 0x12);
  c.o.p(`\t\tCXLSta2:\tResetComplete${FLAG(w, 2)} ResetError${FLAG(w, 4)} PMComplete${FLAG(w, 0x8000)}\n`);
  w = d.word(where + 0x16);
  const unit = BITS(w, 0, 4);
  const size = BITS(w, 8, 8);
  if (unit === 2) c.o.p(`\t\tCache Size: ${hex((size * 2 ** 20) >>> 0, 8)}\n`);
  else if (unit === 1) c.o.p(`\t\tCache Size: ${hex((size * 2 ** 16) >>> 0, 8)}\n`);
  else if (unit === 0) c.o.p('\t\tCache Size Not Reported\n');
  else c.o.p(`\t\tCache Size: ${size} of unknown unit size (${unit})\n`);
  range(c, q(d, where + 0x20, where + 0x24), q(d, where + 0x18, where + 0x1c), 1);
  range(c, q(d, where + 0x30, where + 0x34), q(d, where + 0x28, where + 0x2c), 2);
}

function port(c: Ctx, d: LsDevice, where: number, len: number): void {
  if (len < 0x28) return;
  // lspci tests the status word against the register's offset (0x0a), not bit 0: kept as printed.
  c.o.p(`\t\tCXLPortSta:\tPMComplete${FLAG(d.word(where + 0x0a), 0x0a)}\n`);
  const w = d.word(where + 0x0c);
  c.o.p(`\t\tCXLPortCtl:\tUnmaskSBR${FLAG(w, 1)} UnmaskLinkDisable${FLAG(w, 2)} AltMem${FLAG(w, 4)} AltBME${FLAG(w, 8)} ViralEnable${FLAG(w, 0x4000)}\n`);
  c.o.p(`\t\tAlternateBus:\t${hex(d.byte(where + 0x0e), 2)}-${hex(d.byte(where + 0x0f), 2)}\n`);
  c.o.p(`\t\tAlternateBus:\t${hex(d.word(where + 0x10), 4)}-${hex(d.word(where + 0x12), 4)}\n`);
}

function registerLocator(c: Ctx, d: LsDevice, where: number, len: number): void {
  const names = ['empty', 'component registers', 'BAR virtualization', 'CXL device registers', 'CPMU registers'];
  for (let i = 0; ; i++) {
    const pos = where + 0x0c + 8 * i;
    if (pos + 7 >= where + len) break;
    const lo = d.long(pos);
    const id = BITS(lo, 8, 8);
    if (!id) continue;
    const base = (BigInt(BITS(lo, 16, 16)) << 16n) | (BigInt(d.long(pos + 4)) << 32n);
    const name = names[id] ?? (id === 0xff ? 'vendor-specific' : '<?>');
    c.o.p(`\t\tBlock${i + 1}: BIR: bar${BITS(lo, 0, 3)}, ID: ${name}, offset: ${hex64(base)}\n`);
  }
}

/** A GPF time as base × {1, 10, 100} with its unit; reserved scales print a note first. */
function gpfTime(c: Ctx, w: number): string {
  const base = BITS(w, 0, 4);
  const scale = BITS(w, 8, 4);
  const mult = [1, 10, 100, 1, 10, 100, 1, 10][scale];
  if (mult === undefined) c.o.p(`\t\tReserved time scale encoding ${scale.toString(16)}\n`);
  const unit = scale < 3 ? 'us' : scale < 6 ? 'ms' : scale === 6 ? 's' : '<?>';
  return `${(base * (mult ?? 1)) & 0xffff}${unit}`;
}

function gpfDevice(c: Ctx, d: LsDevice, where: number): void {
  const t = gpfTime(c, d.word(where + 0x0a));
  c.o.p(`\t\tGPF Phase 2 Duration: ${t}\n`);
  c.o.p(`\t\tGPF Phase 2 Power: ${d.long(where + 0x0c)}mW\n`);
}

function gpfPort(c: Ctx, d: LsDevice, where: number): void {
  const t1 = gpfTime(c, d.word(where + 0x0c));
  c.o.p(`\t\tGPF Phase 1 Timeout: ${t1}\n`);
  const t2 = gpfTime(c, d.word(where + 0x0e));
  c.o.p(`\t\tGPF Phase 2 Timeout: ${t2}\n`);
}

function flexBus(c: Ctx, d: LsDevice, where: number, rev: number): void {
  if (rev < 1) return void c.o.p(`\t\tRevision ${rev} not supported\n`);
  const flit = (w: number) => (rev > 1 ? ` 256BFlit${FLAG(w, 0x2000)} PBRFlit${FLAG(w, 0x4000)}` : '');
  let w = d.word(where + 0x0a);
  c.o.p(`\t\tFBCap:\tCache${FLAG(w, 1)} IO${FLAG(w, 2)} Mem${FLAG(w, 4)} 68BFlit${FLAG(w, 0x20)} MltLogDev${FLAG(w, 0x40)}${flit(w)}`);
  w = d.word(where + 0x0c);
  c.o.p(
    `\n\t\tFBCtl:\tCache${FLAG(w, 1)} IO${FLAG(w, 2)} Mem${FLAG(w, 4)} SynHdrByp${FLAG(w, 8)} DrftBuf${FLAG(w, 0x10)} 68BFlit${FLAG(w, 0x20)} MltLogDev${FLAG(w, 0x40)} RCD${FLAG(w, 0x80)} Retimer1${FLAG(w, 0x100)} Retimer2${FLAG(w, 0x200)}${flit(w)}`,
  );
  w = d.word(where + 0x0e);
  c.o.p(`\n\t\tFBSta:\tCache${FLAG(w, 1)} IO${FLAG(w, 2)} Mem${FLAG(w, 4)} SynHdrByp${FLAG(w, 8)} DrftBuf${FLAG(w, 0x10)} 68BFlit${FLAG(w, 0x20)} MltLogDev${FLAG(w, 0x40)}${flit(w)}`);
  c.o.p(`\n\t\tFBModTS:\tReceived FB Data: ${hex(BITS(d.long(where + 0x10), 0, 24), 6)}\n`);
  if (rev <= 1) return;
  c.o.p(`\t\tFBCap2:\tNOPHint${FLAG(d.long(where + 0x14), 1)}\n`);
  c.o.p(`\t\tFBCtl2:\tNOPHint${FLAG(d.long(where + 0x18), 1)}\n`);
  c.o.p(`\t\tFBSta2:\tNOPHintInfo: ${BITS(d.long(where + 0x1c), 0, 2).toString(16)}\n`);
}

function cxl(c: Ctx, d: LsDevice, id: number, rev: number, where: number, len: number): void {
  c.o.p(': CXL\n');
  if (c.verbose < 2 || !d.has(where, len)) return;
  switch (id) {
    case 0: return device(c, d, rev, where, len);
    case 2: for (let i = 0; i < 8; i++) c.o.p(`\t\tFuncMap ${i}: ${hex(d.word(where + 0x0c + 4 * i), 8)}\n`); return;
    case 3: return port(c, d, where, len);
    case 4: return gpfPort(c, d, where);
    case 5: return gpfDevice(c, d, where);
    case 7: return flexBus(c, d, where, rev);
    case 8: return registerLocator(c, d, where, len);
    case 9: {
      const n = d.word(where + 0x0a);
      if (n && n <= 0x10) c.o.p(`\t\tNumLogDevs: ${n}\n`);
      return;
    }
    default: c.o.p(`\t\tUnknown ID ${hex(id, 4)}\n`);
  }
}

export function capDvsec(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Designated Vendor-Specific: ');
  if (!d.has(where + 4, 8)) return void c.o.p('<unreadable>\n');
  const h = d.long(where + 4);
  const vendor = BITS(h, 0, 16);
  const rev = BITS(h, 16, 4);
  const len = BITS(h, 20, 12);
  const id = d.word(where + 8);
  c.o.p(`Vendor=${hex(vendor, 4)} ID=${hex(id, 4)} Rev=${rev} Len=${len}`);
  if (vendor === CXL_VENDOR && len >= 16) cxl(c, d, id, rev, where, len);
  else c.o.p(' <?>\n');
}
