/**
 * The HyperTransport capability as pciutils 3.9 `ls-caps.c` prints it (cap_ht, cap_ht_pri,
 * cap_ht_sec): AMD chipsets' link blocks and the MSI mapping capability that decides whether
 * MSIs from behind an HT bridge reach the APIC.
 */
import { FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

const WIDTH = ['8bit', '16bit', '[2]', '32bit', '2bit', '4bit', '[6]', 'N/C'];
const FREQ = ['200MHz', '300MHz', '400MHz', '500MHz', '600MHz', '800MHz', '1.0GHz', '1.2GHz', '1.4GHz', '1.6GHz', '[a]', '[b]', '[c]', '[d]', '[e]', 'Vend'];
const revision = (rid: number) => `${(rid & 0xe0) >> 5}.${String(rid & 0x1f).padStart(2, '0')}`;

function linkControl(lctr: number, rev22: boolean): string {
  let s = `CFlE${FLAG(lctr, 2)} CST${FLAG(lctr, 4)} CFE${FLAG(lctr, 8)} <LkFail${FLAG(lctr, 0x10)} Init${FLAG(lctr, 0x20)} EOC${FLAG(lctr, 0x40)} TXO${FLAG(lctr, 0x80)} <CRCErr=${((lctr & 0xf00) >> 8).toString(16)}`;
  if (rev22) s += ` IsocEn${FLAG(lctr, 0x1000)} LSEn${FLAG(lctr, 0x2000)} ExtCTL${FLAG(lctr, 0x4000)} 64b${FLAG(lctr, 0x8000)}`;
  return s;
}

function linkConfig(l: number, rev22: boolean): string {
  const [mlwi, mlwo, lwi, lwo] = [WIDTH[l & 7], WIDTH[(l & 0x70) >> 4], WIDTH[(l & 0x700) >> 8], WIDTH[(l & 0x7000) >> 12]];
  if (!rev22) return `MLWI=${mlwi} MLWO=${mlwo} LWI=${lwi} LWO=${lwo}`;
  return `MLWI=${mlwi} DwFcIn${FLAG(l, 8)} MLWO=${mlwo} DwFcOut${FLAG(l, 0x80)} LWI=${lwi} DwFcInEn${FLAG(l, 0x800)} LWO=${lwo} DwFcOutEn${FLAG(l, 0x8000)}`;
}

const linkError = (e: number) => `<Prot${FLAG(e, 0x10)} <Ovfl${FLAG(e, 0x20)} <EOC${FLAG(e, 0x40)} CTLTm${FLAG(e, 0x80)}`;
const freqCap = (f: number) =>
  ['200MHz', '300MHz', '400MHz', '500MHz', '600MHz', '800MHz', '1.0GHz', '1.2GHz', '1.4GHz', '1.6GHz'].map((n, i) => `${n}${FLAG(f, 1 << i)}`).join(' ') + ` Vend${FLAG(f, 0x8000)}`;
const features = (f: number) => `IsocFC${FLAG(f, 1)} LDTSTOP${FLAG(f, 2)} CRCTM${FLAG(f, 4)} ECTLT${FLAG(f, 8)} 64bA${FLAG(f, 0x10)} UIDRD${FLAG(f, 0x20)}`;
const EH_NAMES = ['PFlE', 'OFlE', 'PFE', 'OFE', 'EOCFE', 'RFE', 'CRCFE', 'SERRFE', 'CF', 'RE', 'PNFE', 'ONFE', 'EOCNFE', 'RNFE', 'CRCNFE', 'SERRNFE'];
const errorHandling = (eh: number) => EH_NAMES.map((n, i) => `${n}${FLAG(eh, 1 << i)}`).join(' ');

function primary(c: Ctx, d: LsDevice, where: number, cmd: number): void {
  c.o.p('HyperTransport: Slave or Primary Interface\n');
  if (c.verbose < 2 || !d.has(where + 4, 28 - 4)) return;
  const rid = d.byte(where + 12);
  const rev22 = rid >= 0x22;
  if (rid < 0x22 && rid > 0x11) c.o.p('\t\t!!! Possibly incomplete decoding\n');
  c.o.p(`\t\tCommand: BaseUnitID=${cmd & 0x1f} UnitCnt=${(cmd & 0x3e0) >> 5} MastHost${FLAG(cmd, 0x400)} DefDir${FLAG(cmd, 0x800)}${rev22 ? ` DUL${FLAG(cmd, 0x1000)}` : ''}\n`);
  c.o.p(`\t\tLink Control 0: ${linkControl(d.word(where + 4), rev22)}\n`);
  c.o.p(`\t\tLink Config 0: ${linkConfig(d.word(where + 6), rev22)}\n`);
  c.o.p(`\t\tLink Control 1: ${linkControl(d.word(where + 8), rev22)}\n`);
  c.o.p(`\t\tLink Config 1: ${linkConfig(d.word(where + 10), rev22)}\n`);
  c.o.p(`\t\tRevision ID: ${revision(rid)}\n`);
  if (!rev22) return;
  const lfrer0 = d.byte(where + 13);
  c.o.p(`\t\tLink Frequency 0: ${FREQ[lfrer0 & 0xf]}\n\t\tLink Error 0: ${linkError(lfrer0)}\n`);
  c.o.p(`\t\tLink Frequency Capability 0: ${freqCap(d.byte(where + 14))}\n`);
  c.o.p(`\t\tFeature Capability: ${features(d.byte(where + 16))}\n`);
  const lfrer1 = d.byte(where + 17);
  c.o.p(`\t\tLink Frequency 1: ${FREQ[lfrer1 & 0xf]}\n\t\tLink Error 1: ${linkError(lfrer1)}\n`);
  c.o.p(`\t\tLink Frequency Capability 1: ${freqCap(d.byte(where + 18))}\n`);
  c.o.p(`\t\tError Handling: ${errorHandling(d.word(where + 22))}\n`);
  c.o.p(`\t\tPrefetchable memory behind bridge Upper: ${hex(d.byte(where + 24), 2)}-${hex(d.byte(where + 25), 2)}\n`);
  c.o.p(`\t\tBus Number: ${hex(d.byte(where + 26), 2)}\n`);
}

function secondary(c: Ctx, d: LsDevice, where: number, cmd: number): void {
  c.o.p('HyperTransport: Host or Secondary Interface\n');
  if (c.verbose < 2 || !d.has(where + 4, 24 - 4)) return;
  const rid = d.byte(where + 8);
  const rev22 = rid >= 0x22;
  if (rid < 0x22 && rid > 0x11) c.o.p('\t\t!!! Possibly incomplete decoding\n');
  let s = `\t\tCommand: WarmRst${FLAG(cmd, 1)} DblEnd${FLAG(cmd, 2)}`;
  if (rev22) s += ` DevNum=${(cmd & 0x7c) >> 2} ChainSide${FLAG(cmd, 0x80)} HostHide${FLAG(cmd, 0x100)} Slave${FLAG(cmd, 0x400)} <EOCErr${FLAG(cmd, 0x800)} DUL${FLAG(cmd, 0x1000)}`;
  c.o.p(`${s}\n\t\tLink Control: ${linkControl(d.word(where + 4), rev22)}\n`);
  c.o.p(`\t\tLink Config: ${linkConfig(d.word(where + 6), rev22)}\n\t\tRevision ID: ${revision(rid)}\n`);
  if (!rev22) return;
  const lfrer = d.byte(where + 9);
  c.o.p(`\t\tLink Frequency: ${FREQ[lfrer & 0xf]}\n\t\tLink Error: ${linkError(lfrer)}\n`);
  c.o.p(`\t\tLink Frequency Capability: ${freqCap(d.byte(where + 10))}\n`);
  const ftr = d.word(where + 12);
  c.o.p(`\t\tFeature Capability: ${features(ftr)} ExtRS${FLAG(ftr, 0x100)} UCnfE${FLAG(ftr, 0x200)}\n`);
  if (!(ftr & 0x100)) return;
  c.o.p(`\t\tError Handling: ${errorHandling(d.word(where + 18))}\n`);
  c.o.p(`\t\tPrefetchable memory behind bridge Upper: ${hex(d.byte(where + 20), 2)}-${hex(d.byte(where + 21), 2)}\n`);
}

const NAMES: Record<number, string> = {
  0x4000: 'Switch',
  0x8000: 'Interrupt Discovery and Configuration',
  0x9000: 'UnitID Clumping',
  0x9800: 'Extended Configuration Space Access',
  0xa000: 'Address Mapping',
  0xb000: 'DirectRoute',
  0xb800: 'VCSet',
  0xc000: 'Retry Mode',
  0xc800: 'X86 (reserved)',
};

export function capHt(c: Ctx, d: LsDevice, where: number, cmd: number): void {
  if ((cmd & 0xe000) === 0) return primary(c, d, where, cmd);
  if ((cmd & 0xe000) === 0x2000) return secondary(c, d, where, cmd);
  const type = cmd & 0xf800;
  if (type === 0x8800) return void c.o.p(`HyperTransport: Revision ID: ${revision(cmd)}\n`);
  if (type !== 0xa800) return void c.o.p(`HyperTransport: ${NAMES[type] ?? `#${hex(type >> 11, 2)}`}\n`);
  c.o.p(`HyperTransport: MSI Mapping Enable${FLAG(cmd, 1)} Fixed${FLAG(cmd, 2)}\n`);
  if (c.verbose < 2 || cmd & 2 || !d.has(where + 4, 8)) return;
  const base = (BigInt(d.long(where + 8)) << 32n) | BigInt((d.long(where + 4) & ~0xfffff) >>> 0);
  c.o.p(`\t\tMapping Address Base: ${base.toString(16).padStart(16, '0')}\n`);
}
