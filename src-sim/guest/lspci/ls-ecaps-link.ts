/**
 * Extended capabilities of recent PCI Express links and ports, after pciutils 3.9
 * `ls-ecaps.c` (cap_sec, cap_ltr, cap_l1pm, cap_ptm, cap_dpc, cap_rcec, cap_tph, cap_doe):
 * what Gen3+ root ports, NVMe drives and Thunderbolt bridges carry.
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

/** cap_ltr_scale: 1 << (scale * 5) in a 32-bit int (x86 masks the shift count to 5 bits). */
const ltrScale = (scale: number) => 2 ** ((scale * 5) & 31);

export function capSecondaryPcie(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Secondary PCI Express\n');
  if (c.verbose < 2 || !d.has(where + 4, 12)) return;
  const ctrl3 = d.word(where + 4);
  c.o.p(`\t\tLnkCtl3: LnkEquIntrruptEn${FLAG(ctrl3, 2)} PerformEqu${FLAG(ctrl3, 1)}\n`);
  const lanes = d.word(where + 8);
  const errs: number[] = [];
  for (let lane = 0; lane < 16; lane++) if (lanes & (1 << lane)) errs.push(lane);
  c.o.p(`\t\tLaneErrStat: ${lanes ? `LaneErr at lane: ${errs.join(' ')}` : '0'}\n`);
}

export function capLtr(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Latency Tolerance Reporting\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  const ns = (w: number) => (w & 0x3ff) * ltrScale((w >> 10) & 7);
  c.o.p(`\t\tMax snoop latency: ${ns(d.word(where + 4))}ns\n`);
  c.o.p(`\t\tMax no snoop latency: ${ns(d.word(where + 6))}ns\n`);
}

/** l1pm_calc_pwron: T_PowerOn from its scale and value; undefined for a reserved scale. */
const powerOn = (scale: number, value: number) => [2, 10, 100][scale] && [2, 10, 100][scale] * value;

export function capL1pm(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('L1 PM Substates\n');
  if (c.verbose < 2) return;
  if (!d.has(where + 4, 12)) return void c.o.p('\t\t<unreadable>\n');
  const cap = d.long(where + 4);
  const l12 = (cap & 1) !== 0 || (cap & 4) !== 0;
  c.o.p(`\t\tL1SubCap: PCI-PM_L1.2${FLAG(cap, 1)} PCI-PM_L1.1${FLAG(cap, 2)} ASPM_L1.2${FLAG(cap, 4)} ASPM_L1.1${FLAG(cap, 8)} L1_PM_Substates${FLAG(cap, 0x10)}\n`);
  const time = (t: number | undefined) => (t === undefined ? '<error>' : `${t}us`);
  if (l12) c.o.p(`\t\t\t  PortCommonModeRestoreTime=${BITS(cap, 8, 8)}us PortTPowerOnTime=${time(powerOn(BITS(cap, 16, 2), BITS(cap, 19, 5)))}\n`);
  const ctl1 = d.long(where + 8);
  c.o.p(`\t\tL1SubCtl1: PCI-PM_L1.2${FLAG(ctl1, 1)} PCI-PM_L1.1${FLAG(ctl1, 2)} ASPM_L1.2${FLAG(ctl1, 4)} ASPM_L1.1${FLAG(ctl1, 8)}\n`);
  if (l12) {
    let s = `\t\t\t   T_CommonMode=${BITS(ctl1, 8, 8)}us`;
    if (cap & 4) {
      const scale = BITS(ctl1, 29, 3);
      s += scale > 5 ? ' LTR1.2_Threshold=<error>' : ` LTR1.2_Threshold=${BITS(ctl1, 16, 10) * ltrScale(scale)}ns`;
    }
    c.o.p(s + '\n');
  }
  const ctl2 = d.long(where + 12);
  c.o.p(`\t\tL1SubCtl2:${l12 ? ` T_PwrOn=${time(powerOn(BITS(ctl2, 0, 2), BITS(ctl2, 3, 5)))}` : ''}\n`);
}

export function capPtm(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Precision Time Measurement\n');
  if (c.verbose < 2) return;
  if (!d.has(where + 4, 8)) return void c.o.p('\t\t<unreadable>\n');
  const granularity = (g: number, zero: string) => (g === 0 ? zero : g === 0xff ? 'Greater than 254ns' : `${g}ns`);
  const cap = d.long(where + 4);
  c.o.p(`\t\tPTMCap: Requester:${FLAG(cap, 1)} Responder:${FLAG(cap, 2)} Root:${FLAG(cap, 4)}\n`);
  c.o.p(`\t\tPTMClockGranularity: ${granularity(BITS(cap, 8, 8), 'Unimplemented')}\n`);
  const ctl = d.long(where + 8);
  c.o.p(`\t\tPTMControl: Enabled:${FLAG(ctl, 1)} RootSelected:${FLAG(ctl, 2)}\n`);
  c.o.p(`\t\tPTMEffectiveGranularity: ${granularity(BITS(ctl, 8, 8), 'Unknown')}\n`);
}

export function capDpc(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Downstream Port Containment\n');
  if (c.verbose < 2 || !d.has(where + 4, 8)) return;
  let l = d.word(where + 4);
  c.o.p(`\t\tDpcCap:\tINT Msg #${l & 0x1f}, RPExt${FLAG(l, 0x20)} PoisonedTLP${FLAG(l, 0x40)} SwTrigger${FLAG(l, 0x80)} RP PIO Log ${(l >> 8) & 0xf}, DL_ActiveErr${FLAG(l, 0x1000)}\n`);
  l = d.word(where + 6);
  c.o.p(`\t\tDpcCtl:\tTrigger:${(l & 3).toString(16)} Cmpl${FLAG(l, 4)} INT${FLAG(l, 8)} ErrCor${FLAG(l, 0x10)} PoisonedTLP${FLAG(l, 0x20)} SwTrigger${FLAG(l, 0x40)} DL_ActiveErr${FLAG(l, 0x80)}\n`);
  l = d.word(where + 8);
  c.o.p(`\t\tDpcSta:\tTrigger${FLAG(l, 1)} Reason:${hex((l >> 1) & 3, 2)} INT${FLAG(l, 8)} RPBusy${FLAG(l, 0x10)} TriggerExt:${hex((l >> 5) & 3, 2)} RP PIO ErrPtr:${hex((l >> 8) & 0x1f, 2)}\n`);
  c.o.p(`\t\tSource:\t${hex(d.word(where + 10), 4)}\n`);
}

/** "RCiEP at Device(s): 1, 3-5" — runs of adjacent devices shortened as cap_rcec does. */
function rcecDevices(bmap: number): string {
  let s = 'RCiEP at Device(s):';
  let matched = false;
  let run = 0;
  let prev = 0;
  for (let dev = 0; dev < 32; dev++) {
    if (BITS(bmap, dev, 1)) {
      if (!run) s += `${matched ? ',' : ''} ${dev}`;
      run++;
      prev = dev;
      matched = true;
    } else {
      if (run > 1) s += `-${prev}`;
      run = 0;
    }
  }
  return s;
}

export function capRcec(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Root Complex Event Collector Endpoint Association\n');
  if (c.verbose < 2 || !d.has(where, 12)) return;
  const version = (d.long(where) >>> 16) & 0xf;
  const bmap = d.long(where + 4);
  c.o.p(`\t\tRCiEPBitmap: ${bmap ? rcecDevices(bmap) : c.verbose > 2 ? '00000000 [none]' : '[none]'}\n`);
  if (version < 2) return;
  const busn = d.long(where + 8);
  const last = BITS(busn, 16, 8);
  const next = BITS(busn, 8, 8);
  if (last === 0 && next === 0xff) c.o.p(`\t\tAssociatedBusNumbers: ${c.verbose > 2 ? 'ff-00 [none]' : '[none]'}\n`);
  else c.o.p(`\t\tAssociatedBusNumbers: ${hex(next, 2)}-${hex(last, 2)}\n`);
}

export function capTph(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Transaction Processing Hints\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  const cap = d.long(where + 4);
  if (cap & 2) c.o.p('\t\tInterrupt vector mode supported\n');
  if (cap & 4) c.o.p('\t\tDevice specific mode supported\n');
  if (cap & 0x100) c.o.p('\t\tExtended requester support\n');
  const table = ['No steering table available', 'Steering table in TPH capability structure', 'Steering table in MSI-X table', 'Reserved steering table location'];
  c.o.p(`\t\t${table[(cap >> 9) & 3]}\n`);
}

export function capDoe(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Data Object Exchange\n');
  if (c.verbose < 2) return;
  if (!d.has(where + 4, 0x14)) return void c.o.p('\t\t<unreadable>\n');
  const cap = d.long(where + 4);
  c.o.p(`\t\tDOECap: IntSup${FLAG(cap, 1)}\n`);
  if (cap & 1) c.o.p(`\t\t\tInterrupt Message Number ${hex((cap >> 1) & 0x7ff, 3)}\n`);
  c.o.p(`\t\tDOECtl: IntEn${FLAG(d.long(where + 8), 2)}\n`);
  const sta = d.long(where + 0xc);
  c.o.p(`\t\tDOESta: Busy${FLAG(sta, 1)} IntSta${FLAG(sta, 2)} Error${FLAG(sta, 3)} ObjectReady${FLAG(sta, 0x80000000)}\n`);
}
