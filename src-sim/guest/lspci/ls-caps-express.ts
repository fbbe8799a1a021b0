/**
 * The PCI Express capability as pciutils 3.9 `ls-caps.c` prints it (cap_express and its
 * dev/link/slot/root and "2" register decoders), with the spec's device/port types.
 */
import { FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';

const T = { EP: 0, LEG: 1, ROOT: 4, UP: 5, DOWN: 6, PCI_BRIDGE: 7, PCIE_BRIDGE: 8, RC_EP: 9, RC_EC: 10 };
const L0S = ['<64ns', '<128ns', '<256ns', '<512ns', '<1us', '<2us', '<4us', 'unlimited'];
const L1 = ['<1us', '<2us', '<4us', '<8us', '<16us', '<32us', '<64us', 'unlimited'];

function powerLimit(value: number, scale: number): string {
  if (scale === 0 && value === 0xff) return '>600W';
  if (scale === 0 && value >= 0xf0 && value <= 0xfe) value = 250 + 25 * (value - 0xf0);
  // printf %g of value × {1, 0.1, 0.01, 0.001}
  const v = value * [1, 0.1, 0.01, 0.001][scale];
  return `${Number(v.toPrecision(6))}W`;
}

function dev(c: Ctx, d: LsDevice, where: number, type: number): void {
  const t = d.long(where + 4);
  const ep = type === T.EP || type === T.LEG;
  let s = `\t\tDevCap:\tMaxPayload ${128 << (t & 7)} bytes, PhantFunc ${(1 << ((t & 0x18) >> 3)) - 1}`;
  if (ep) s += `, Latency L0s ${L0S[(t & 0x1c0) >> 6]}, L1 ${L1[(t & 0xe00) >> 9]}`;
  s += `\n\t\t\tExtTag${FLAG(t, 0x20)}`;
  if (ep || type === T.UP || type === T.PCI_BRIDGE) s += ` AttnBtn${FLAG(t, 0x1000)} AttnInd${FLAG(t, 0x2000)} PwrInd${FLAG(t, 0x4000)}`;
  s += ` RBE${FLAG(t, 0x8000)}`;
  if (ep || type === T.RC_EP) s += ` FLReset${FLAG(t, 0x10000000)}`;
  if (type === T.EP || type === T.UP || type === T.PCI_BRIDGE) s += ` SlotPowerLimit ${powerLimit((t >>> 18) & 0xff, (t >>> 26) & 3)}`;
  c.o.p(s + '\n');
  let w = d.word(where + 8);
  c.o.p(`\t\tDevCtl:\tCorrErr${FLAG(w, 1)} NonFatalErr${FLAG(w, 2)} FatalErr${FLAG(w, 4)} UnsupReq${FLAG(w, 8)}\n`);
  s = `\t\t\tRlxdOrd${FLAG(w, 0x10)} ExtTag${FLAG(w, 0x100)} PhantFunc${FLAG(w, 0x200)} AuxPwr${FLAG(w, 0x400)} NoSnoop${FLAG(w, 0x800)}`;
  if (type === T.PCI_BRIDGE) s += ` BrConfRtry${FLAG(w, 0x8000)}`;
  if ((ep || type === T.RC_EP) && t & 0x10000000) s += ` FLReset${FLAG(w, 0x8000)}`;
  c.o.p(`${s}\n\t\t\tMaxPayload ${128 << ((w & 0xe0) >> 5)} bytes, MaxReadReq ${128 << ((w & 0x7000) >> 12)} bytes\n`);
  w = d.word(where + 0xa);
  c.o.p(`\t\tDevSta:\tCorrErr${FLAG(w, 1)} NonFatalErr${FLAG(w, 2)} FatalErr${FLAG(w, 4)} UnsupReq${FLAG(w, 8)} AuxPwr${FLAG(w, 0x10)} TransPend${FLAG(w, 0x20)}\n`);
}

const speed = (s: number) => ['unknown', '2.5GT/s', '5GT/s', '8GT/s', '16GT/s', '32GT/s', '64GT/s'][s] ?? 'unknown';
const downstream = (type: number) => type === T.ROOT || type === T.DOWN || type === T.PCIE_BRIDGE;
const compare = (type: number, sta: number, cap: number) => (sta > cap ? ' (overdriven)' : sta === cap || downstream(type) ? '' : ' (downgraded)');

function link(c: Ctx, d: LsDevice, where: number, type: number): void {
  const t = d.long(where + 0xc);
  const aspm = (t >>> 10) & 3;
  const capSpeed = t & 0xf;
  const capWidth = (t >>> 4) & 0x3f;
  let s = `\t\tLnkCap:\tPort #${t >>> 24}, Speed ${speed(capSpeed)}, Width x${capWidth}, ASPM ${['not supported', 'L0s', 'L1', 'L0s L1'][aspm]}`;
  if (aspm) {
    s += ', Exit Latency ';
    if (aspm & 1) s += `L0s ${L0S[(t >>> 12) & 7]}`;
    if (aspm & 2) s += `${aspm & 1 ? ', ' : ''}L1 ${L1[(t >>> 15) & 7]}`;
  }
  c.o.p(`${s}\n\t\t\tClockPM${FLAG(t, 0x40000)} Surprise${FLAG(t, 0x80000)} LLActRep${FLAG(t, 0x100000)} BwNot${FLAG(t, 0x200000)} ASPMOptComp${FLAG(t, 0x400000)}\n`);
  let w = d.word(where + 0x10);
  s = `\t\tLnkCtl:\tASPM ${['Disabled', 'L0s Enabled', 'L1 Enabled', 'L0s L1 Enabled'][w & 3]};`;
  if (type === T.ROOT || type === T.EP || type === T.LEG || type === T.PCI_BRIDGE) s += ` RCB ${w & 8 ? 128 : 64} bytes,`;
  c.o.p(`${s} Disabled${FLAG(w, 0x10)} CommClk${FLAG(w, 0x40)}\n\t\t\tExtSynch${FLAG(w, 0x80)} ClockPM${FLAG(w, 0x100)} AutWidDis${FLAG(w, 0x200)} BWInt${FLAG(w, 0x400)} AutBWInt${FLAG(w, 0x800)}\n`);
  w = d.word(where + 0x12);
  const staSpeed = w & 0xf;
  const staWidth = (w >> 4) & 0x3f;
  c.o.p(`\t\tLnkSta:\tSpeed ${speed(staSpeed)}${compare(type, staSpeed, capSpeed)}, Width x${staWidth}${compare(type, staWidth, capWidth)}\n`);
  c.o.p(`\t\t\tTrErr${FLAG(w, 0x400)} Train${FLAG(w, 0x800)} SlotClk${FLAG(w, 0x1000)} DLActive${FLAG(w, 0x2000)} BWMgmt${FLAG(w, 0x4000)} ABWMgmt${FLAG(w, 0x8000)}\n`);
}

function slot(c: Ctx, d: LsDevice, where: number): void {
  const t = d.long(where + 0x14);
  const ind = ['Unknown', 'On', 'Blink', 'Off'];
  c.o.p(`\t\tSltCap:\tAttnBtn${FLAG(t, 1)} PwrCtrl${FLAG(t, 2)} MRL${FLAG(t, 4)} AttnInd${FLAG(t, 8)} PwrInd${FLAG(t, 0x10)} HotPlug${FLAG(t, 0x40)} Surprise${FLAG(t, 0x20)}\n`);
  c.o.p(`\t\t\tSlot #${t >>> 19}, PowerLimit ${powerLimit((t >>> 7) & 0xff, (t >>> 15) & 3)}; Interlock${FLAG(t, 0x20000)} NoCompl${FLAG(t, 0x40000)}\n`);
  let w = d.word(where + 0x18);
  c.o.p(`\t\tSltCtl:\tEnable: AttnBtn${FLAG(w, 1)} PwrFlt${FLAG(w, 2)} MRL${FLAG(w, 4)} PresDet${FLAG(w, 8)} CmdCplt${FLAG(w, 0x10)} HPIrq${FLAG(w, 0x20)} LinkChg${FLAG(w, 0x1000)}\n`);
  c.o.p(`\t\t\tControl: AttnInd ${ind[(w >> 6) & 3]}, PwrInd ${ind[(w >> 8) & 3]}, Power${FLAG(w, 0x400)} Interlock${FLAG(w, 0x800)}\n`);
  w = d.word(where + 0x1a);
  c.o.p(`\t\tSltSta:\tStatus: AttnBtn${FLAG(w, 1)} PowerFlt${FLAG(w, 2)} MRL${FLAG(w, 0x20)} CmdCplt${FLAG(w, 0x10)} PresDet${FLAG(w, 0x40)} Interlock${FLAG(w, 0x80)}\n`);
  c.o.p(`\t\t\tChanged: MRL${FLAG(w, 4)} PresDet${FLAG(w, 8)} LinkState${FLAG(w, 0x100)}\n`);
}

function root(c: Ctx, d: LsDevice, where: number): void {
  let w = d.word(where + 0x1e);
  c.o.p(`\t\tRootCap: CRSVisible${FLAG(w, 1)}\n`);
  w = d.word(where + 0x1c);
  c.o.p(`\t\tRootCtl: ErrCorrectable${FLAG(w, 1)} ErrNon-Fatal${FLAG(w, 2)} ErrFatal${FLAG(w, 4)} PMEIntEna${FLAG(w, 8)} CRSVisible${FLAG(w, 0x10)}\n`);
  w = d.long(where + 0x20);
  c.o.p(`\t\tRootSta: PME ReqID ${hex(w & 0xffff, 4)}, PMEStatus${FLAG(w, 0x10000)} PMEPending${FLAG(w, 0x20000)}\n`);
}

const TIMEOUT_RANGE: Record<number, string> = { 0: 'Not Supported', 1: 'Range A', 2: 'Range B', 3: 'Range AB', 6: 'Range BC', 7: 'Range ABC', 14: 'Range BCD', 15: 'Range ABCD' };
const TIMEOUT_VALUE: Record<number, string> = { 0: '50us to 50ms', 1: '50us to 100us', 2: '1ms to 10ms', 5: '16ms to 55ms', 6: '65ms to 210ms', 9: '260ms to 900ms', 10: '1s to 3.5s', 13: '4s to 13s', 14: '17s to 64s' };

function hasMemBar(d: LsDevice): boolean {
  // device_has_memory_space_bar over base_addr[] as libpci's generic fill leaves it.
  const cnt = [6, 2, 1][d.headerType] ?? 0;
  for (let i = 0; i < cnt; i++) {
    const x = d.long(0x10 + 4 * i);
    if (!x || x === 0xffffffff) continue;
    if (!(x & 1)) {
      if ((x & 6) !== 4 || i < cnt - 1) return true;
    }
    if (!(x & 1) && (x & 6) === 4) i++;
  }
  return false;
}

function dev2(c: Ctx, d: LsDevice, where: number, type: number): void {
  const l = d.long(where + 0x24);
  const memBar = hasMemBar(d);
  c.o.p(`\t\tDevCap2: Completion Timeout: ${TIMEOUT_RANGE[l & 0xf] ?? 'Unknown'}, TimeoutDis${FLAG(l, 0x10)} NROPrPrP${FLAG(l, 0x400)} LTR${FLAG(l, 0x800)}`);
  const obff = ['Not Supported', 'Via message', 'Via WAKE#', 'Via message/WAKE#'][(l >>> 18) & 3];
  c.o.p(`\n\t\t\t 10BitTagComp${FLAG(l, 0x10000)} 10BitTagReq${FLAG(l, 0x20000)} OBFF ${obff}, ExtFmt${FLAG(l, 0x100000)} EETLPPrefix${FLAG(l, 0x200000)}`);
  if (l & 0x200000) c.o.p(`, MaxEETLPPrefixes ${(l >>> 22) & 3 || 4}`);
  const epr = ['Not Supported', 'Dev Specific', 'Form Factor Dev Specific', 'Reserved'][(l >>> 24) & 3];
  c.o.p(`\n\t\t\t EmergencyPowerReduction ${epr}, EmergencyPowerReductionInit${FLAG(l, 0x4000000)}`);
  c.o.p(`\n\t\t\t FRS${FLAG(l, 0x80000000)}`);
  if (type === T.ROOT) c.o.p(` LN System CLS ${['Not Supported', '64byte cachelines', '128byte cachelines', 'Reserved'][(l >>> 14) & 3]},`);
  if (type === T.ROOT || type === T.EP) c.o.p(` ${['TPHComp- ExtTPHComp-', 'TPHComp+ ExtTPHComp-', '', 'TPHComp+ ExtTPHComp+'][(l >>> 12) & 3]}`);
  c.o.p(type === T.ROOT || type === T.DOWN ? ` ARIFwd${FLAG(l, 0x20)}\n` : '\n');
  const sw = type === T.ROOT || type === T.UP || type === T.DOWN;
  if (sw || memBar) {
    let s = '\t\t\t AtomicOpsCap:';
    if (sw) s += ` Routing${FLAG(l, 0x40)}`;
    if (type === T.ROOT || memBar) s += ` 32bit${FLAG(l, 0x80)} 64bit${FLAG(l, 0x100)} 128bitCAS${FLAG(l, 0x200)}`;
    c.o.p(s + '\n');
  }
  const w = d.word(where + 0x28);
  const obffCtl = ['Disabled', 'Via message A', 'Via message B', 'Via WAKE#'][(w >> 13) & 3];
  c.o.p(`\t\tDevCtl2: Completion Timeout: ${TIMEOUT_VALUE[w & 0xf] ?? 'Unknown'}, TimeoutDis${FLAG(w, 0x10)} LTR${FLAG(w, 0x400)} 10BitTagReq${FLAG(w, 0x1000)} OBFF ${obffCtl},`);
  c.o.p(type === T.ROOT || type === T.DOWN ? ` ARIFwd${FLAG(w, 0x20)}\n` : '\n');
  if (sw || type === T.EP || type === T.RC_EP || type === T.LEG) {
    let s = '\t\t\t AtomicOpsCtl:';
    if (type === T.ROOT || type === T.EP || type === T.RC_EP || type === T.LEG) s += ` ReqEn${FLAG(w, 0x40)}`;
    if (sw) s += ` EgressBlck${FLAG(w, 0x80)}`;
    c.o.p(s + '\n');
  }
}

function speedCap(v: number): string {
  if (v & 0x60) return 'RsvdP';
  for (const [bit, s] of [[0x10, '2.5-32GT/s'], [0x08, '2.5-16GT/s'], [0x04, '2.5-8GT/s'], [0x02, '2.5-5GT/s'], [0x01, '2.5GT/s']] as const) if (v & bit) return s;
  return 'Unknown';
}

const PRESETS = ['-6dB de-emphasis, 0dB preshoot', '-3.5dB de-emphasis, 0dB preshoot', '-4.4dB de-emphasis, 0dB preshoot', '-2.5dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 0dB preshoot', '0dB de-emphasis, 1.9dB preshoot', '0dB de-emphasis, 2.5dB preshoot', '-6.0dB de-emphasis, 3.5dB preshoot', '-3.5dB de-emphasis, 3.5dB preshoot', '0dB de-emphasis, 3.5dB preshoot'];
const MARGIN = ['Normal Operating Range', '800-1200mV(full-swing)/400-700mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)', '200-400mV(full-swing)/100-200mV(half-swing)'];
const deemph = (x: number) => (x === 0 ? '-6dB' : '-3.5dB');

function link2(c: Ctx, d: LsDevice, where: number, type: number): void {
  let l = 0;
  if (!((type === T.EP || type === T.LEG) && (d.bdf.device !== 0 || d.bdf.fn !== 0))) {
    l = d.long(where + 0x2c);
    if (l) c.o.p(`\t\tLnkCap2: Supported Link Speeds: ${speedCap((l >>> 1) & 0x7f)}, Crosslink${FLAG(l, 0x100)} Retimer${FLAG(l, 0x800000)} 2Retimers${FLAG(l, 0x1000000)} DRS${FLAG(l, 0x80000000)}\n`);
    const w = d.word(where + 0x30);
    const sp = w & 0xf;
    let s = `\t\tLnkCtl2: Target Link Speed: ${sp === 0 ? '2.5GT/s' : speed(sp) === 'unknown' ? 'Unknown' : speed(sp)}, EnterCompliance${FLAG(w, 0x10)} SpeedDis${FLAG(w, 0x20)}`;
    if (type === T.DOWN) s += `, Selectable De-emphasis: ${deemph((w >> 6) & 1)}`;
    c.o.p(`${s}\n\t\t\t Transmit Margin: ${MARGIN[(w >> 7) & 7] ?? 'Unknown'}, EnterModifiedCompliance${FLAG(w, 0x400)} ComplianceSOS${FLAG(w, 0x800)}\n\t\t\t Compliance Preset/De-emphasis: ${PRESETS[(w >> 12) & 0xf] ?? 'Unknown'}\n`);
  }
  const w = d.word(where + 0x32);
  const cross = ['unsupported', 'Upstream Port', 'Downstream Port', 'incomplete'][(w >> 8) & 3];
  c.o.p(
    `\t\tLnkSta2: Current De-emphasis Level: ${deemph(w & 1)}, EqualizationComplete${FLAG(w, 2)} EqualizationPhase1${FLAG(w, 4)}\n\t\t\t EqualizationPhase2${FLAG(w, 8)} EqualizationPhase3${FLAG(w, 0x10)} LinkEqualizationRequest${FLAG(w, 0x20)}\n\t\t\t Retimer${FLAG(w, 0x40)} 2Retimers${FLAG(w, 0x80)} CrosslinkRes: ${cross}`,
  );
  if (downstream(type) && l & 0x80000000) {
    const comp: Record<number, string> = { 0: 'Link Down - Not Determined', 1: 'Link Down - Not Present', 2: 'Link Down - Present', 4: 'Link Up - Present', 5: 'Link Up - Present and DRS Received' };
    c.o.p(`, DRS${FLAG(w, 0x8000)}\n\t\t\t DownstreamComp: ${comp[(w >> 12) & 7] ?? 'Reserved'}\n`);
  } else c.o.p('\n');
}

/** Prints the capability and returns the device/port type (for AER's root registers). */
export function capExpress(c: Ctx, d: LsDevice, where: number, cap: number): number {
  const type = (cap & 0xf0) >> 4;
  let hasSlot = false;
  let hasLink = true;
  let s = 'Express ';
  if (c.verbose >= 2) s += `(v${cap & 0xf}) `;
  const slotFlag = `(Slot${FLAG(cap, 0x100)})`;
  switch (type) {
    case T.EP: s += 'Endpoint'; break;
    case T.LEG: s += 'Legacy Endpoint'; break;
    case T.ROOT: hasSlot = (cap & 0x100) !== 0; s += `Root Port ${slotFlag}`; break;
    case T.UP: s += 'Upstream Port'; break;
    case T.DOWN: hasSlot = (cap & 0x100) !== 0; s += `Downstream Port ${slotFlag}`; break;
    case T.PCI_BRIDGE: s += 'PCI-Express to PCI/PCI-X Bridge'; break;
    case T.PCIE_BRIDGE: hasSlot = (cap & 0x100) !== 0; s += `PCI/PCI-X to PCI-Express Bridge ${slotFlag}`; break;
    case T.RC_EP: hasLink = false; s += 'Root Complex Integrated Endpoint'; break;
    case T.RC_EC: hasLink = false; s += 'Root Complex Event Collector'; break;
    default: s += `Unknown type ${type}`;
  }
  c.o.p(`${s}, MSI ${hex((cap & 0x3e00) >> 9, 2)}\n`);
  if (c.verbose < 2) return type;
  let size = hasSlot ? 24 : 16;
  if (type === T.ROOT || type === T.RC_EC) size = 32;
  if (!d.has(where + 4, size)) return type;
  dev(c, d, where, type);
  if (hasLink) link(c, d, where, type);
  if (hasSlot) slot(c, d, where);
  if (type === T.ROOT || type === T.RC_EC) root(c, d, where);
  if ((cap & 0xf) < 2) return type;
  if (!d.has(where + 0x24, hasSlot ? 24 : 16)) return type;
  dev2(c, d, where, type);
  if (hasLink) link2(c, d, where, type);
  return type;
}
