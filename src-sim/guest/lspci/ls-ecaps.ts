/**
 * PCI Express extended capabilities (0x100-0xFFF) after pciutils 3.9 `ls-ecaps.c`
 * (show_ext_caps): AER, Virtual Channel, Device Serial Number, Root Complex Link, ACS, ARI,
 * SR-IOV and the vendor-specific header here; link and power features in ls-ecaps-link.ts,
 * translation and BAR sizing in ls-ecaps-translation.ts, DVSEC/CXL in ls-ecaps-cxl.ts; the
 * IDs pciutils 3.9 itself leaves undecoded print their name with "<?>".
 */
import { BITS, FLAG, hex, type LsDevice } from './ls-device.ts';
import type { Ctx } from './ls-context.ts';
import { capDoe, capDpc, capL1pm, capLtr, capPtm, capRcec, capSecondaryPcie, capTph } from './ls-ecaps-link.ts';
import { capAts, capMulticast, capPasid, capPri, capRebar } from './ls-ecaps-translation.ts';
import { capDvsec } from './ls-ecaps-cxl.ts';

const UNC = (l: number) =>
  `DLP${FLAG(l, 0x10)} SDES${FLAG(l, 0x20)} TLP${FLAG(l, 0x1000)} FCP${FLAG(l, 0x2000)} CmpltTO${FLAG(l, 0x4000)} CmpltAbrt${FLAG(l, 0x8000)} UnxCmplt${FLAG(l, 0x10000)} RxOF${FLAG(l, 0x20000)} MalfTLP${FLAG(l, 0x40000)} ECRC${FLAG(l, 0x80000)} UnsupReq${FLAG(l, 0x100000)} ACSViol${FLAG(l, 0x200000)}`;
const COR = (l: number) => `RxErr${FLAG(l, 1)} BadTLP${FLAG(l, 0x40)} BadDLLP${FLAG(l, 0x80)} Rollover${FLAG(l, 0x100)} Timeout${FLAG(l, 0x1000)} AdvNonFatalErr${FLAG(l, 0x2000)}`;

function capAer(c: Ctx, d: LsDevice, where: number, type: number): void {
  c.o.p('Advanced Error Reporting\n');
  if (c.verbose < 2 || !d.has(where + 4, 40)) return;
  c.o.p(`\t\tUESta:\t${UNC(d.long(where + 4))}\n\t\tUEMsk:\t${UNC(d.long(where + 8))}\n\t\tUESvrt:\t${UNC(d.long(where + 0xc))}\n`);
  c.o.p(`\t\tCESta:\t${COR(d.long(where + 0x10))}\n\t\tCEMsk:\t${COR(d.long(where + 0x14))}\n`);
  const l = d.long(where + 0x18);
  c.o.p(
    `\t\tAERCap:\tFirst Error Pointer: ${hex(l & 0x1f, 2)}, ECRCGenCap${FLAG(l, 0x20)} ECRCGenEn${FLAG(l, 0x40)} ECRCChkCap${FLAG(l, 0x80)} ECRCChkEn${FLAG(l, 0x100)}\n\t\t\tMultHdrRecCap${FLAG(l, 0x200)} MultHdrRecEn${FLAG(l, 0x400)} TLPPfxPres${FLAG(l, 0x800)} HdrLogCap${FLAG(l, 0x1000)}\n`,
  );
  c.o.p(`\t\tHeaderLog: ${[0, 4, 8, 12].map((o) => hex(d.long(where + 0x1c + o), 8)).join(' ')}\n`);
  if (type !== 4 && type !== 10) return;
  if (!d.has(where + 0x2c, 12)) return;
  let r = d.long(where + 0x2c);
  c.o.p(`\t\tRootCmd: CERptEn${FLAG(r, 1)} NFERptEn${FLAG(r, 2)} FERptEn${FLAG(r, 4)}\n`);
  r = d.long(where + 0x30);
  c.o.p(
    `\t\tRootSta: CERcvd${FLAG(r, 1)} MultCERcvd${FLAG(r, 2)} UERcvd${FLAG(r, 4)} MultUERcvd${FLAG(r, 8)}\n\t\t\t FirstFatal${FLAG(r, 0x10)} NonFatalMsg${FLAG(r, 0x20)} FatalMsg${FLAG(r, 0x40)} IntMsg ${r >>> 27}\n`,
  );
  c.o.p(`\t\tErrorSrc: ERR_COR: ${hex(d.word(where + 0x34), 4)} ERR_FATAL/NONFATAL: ${hex(d.word(where + 0x36), 4)}\n`);
}

function table(tab: readonly string[], x: number): string {
  return x < tab.length ? tab[x] : `??${x}`;
}

function capVc(c: Ctx, d: LsDevice, where: number): void {
  const arb = ['Fixed', 'WRR32', 'WRR64', 'WRR128', '??4', '??5', '??6', '??7'];
  const vcArb = ['Fixed', 'WRR32', 'WRR64', 'WRR128', 'TWRR128', 'WRR256', '??6', '??7'];
  c.o.p('Virtual Channel\n');
  if (c.verbose < 2 || !d.has(where + 4, 0x1c - 4)) return;
  const cr1 = d.long(where + 4);
  const cr2 = d.long(where + 8);
  const ctrl = d.word(where + 0xc);
  const status = d.word(where + 0xe);
  const evc = BITS(cr1, 0, 3);
  c.o.p(`\t\tCaps:\tLPEVC=${BITS(cr1, 4, 3)} RefClk=${table(['100ns'], BITS(cr1, 8, 2))} PATEntryBits=${1 << BITS(cr1, 10, 2)}\n`);
  let s = '\t\tArb:';
  for (let i = 0; i < 8; i++) if (arb[i][0] !== '?' || cr2 & (1 << i)) s += `${i ? ' ' : '\t'}${arb[i]}${FLAG(cr2, 1 << i)}`;
  c.o.p(`${s}\n\t\tCtrl:\tArbSelect=${table(arb, BITS(ctrl, 1, 3))}\n\t\tStatus:\tInProgress${FLAG(status, 1)}\n`);
  const pat = BITS(cr2, 24, 8);
  if (pat) c.o.p(`\t\tPort Arbitration Table [${(where + 16 * pat).toString(16)}] <?>\n`);
  for (let i = 0; i <= evc; i++) {
    const pos = where + 0x10 + 12 * i;
    c.o.p(`\t\tVC${i}:\t`);
    if (!d.has(pos, 12)) {
      c.o.p('<unreadable>\n');
      continue;
    }
    const rcap = d.long(pos);
    const rctrl = d.long(pos + 4);
    const rstatus = d.word(pos + 10);
    const patPos = BITS(rcap, 24, 8);
    c.o.p(`Caps:\tPATOffset=${hex(patPos, 2)} MaxTimeSlots=${BITS(rcap, 16, 7) + 1} RejSnoopTrans${FLAG(rcap, 1 << 15)}\n`);
    s = '\t\t\tArb:';
    for (let j = 0; j < 8; j++) if (vcArb[j][0] !== '?' || rcap & (1 << j)) s += `${j ? ' ' : '\t'}${vcArb[j]}${FLAG(rcap, 1 << j)}`;
    c.o.p(`${s}\n\t\t\tCtrl:\tEnable${FLAG(rctrl, 0x80000000)} ID=${BITS(rctrl, 24, 3)} ArbSelect=${table(vcArb, BITS(rctrl, 17, 3))} TC/VC=${hex(BITS(rctrl, 0, 8), 2)}\n`);
    c.o.p(`\t\t\tStatus:\tNegoPending${FLAG(rstatus, 2)} InProgress${FLAG(rstatus, 1)}\n`);
    if (patPos) c.o.p('\t\t\tPort Arbitration Table <?>\n');
  }
}

function capRclink(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Root Complex Link\n');
  if (c.verbose < 2 || !d.has(where + 4, 0x10 - 4)) return;
  const esd = d.long(where + 4);
  const n = BITS(esd, 8, 8);
  c.o.p(`\t\tDesc:\tPortNumber=${hex(BITS(esd, 24, 8), 2)} ComponentID=${hex(BITS(esd, 16, 8), 2)} EltType=${table(['Config', 'Egress', 'Internal'], BITS(esd, 0, 8))}\n`);
  for (let i = 0; i < n; i++) {
    const pos = where + 0x10 + 16 * i;
    c.o.p(`\t\tLink${i}:\t`);
    if (!d.has(pos, 16)) {
      c.o.p('<unreadable>\n');
      return;
    }
    const desc = d.long(pos);
    const lo = d.long(pos + 8);
    const hi = d.long(pos + 12);
    c.o.p(`Desc:\tTargetPort=${hex(BITS(desc, 24, 8), 2)} TargetComponent=${hex(BITS(desc, 16, 8), 2)} AssocRCRB${FLAG(desc, 4)} LinkType=${desc & 2 ? 'Config' : 'MemMapped'} LinkValid${FLAG(desc, 1)}\n`);
    if (desc & 2) {
      const nb = lo & 7 || 8;
      c.o.p(`\t\t\tAddr:\t${hex(BITS(lo, 20, nb), 2)}:${hex(BITS(lo, 15, 5), 2)}.${BITS(lo, 12, 3)}  CfgSpace=${hex(hi, 8)}${hex(lo, 8)}\n`);
    } else c.o.p(`\t\t\tAddr:\t${hex(hi, 8)}${hex(lo, 8)}\n`);
  }
}

function capAcs(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Access Control Services\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  const f = (w: number) => `SrcValid${FLAG(w, 1)} TransBlk${FLAG(w, 2)} ReqRedir${FLAG(w, 4)} CmpltRedir${FLAG(w, 8)} UpstreamFwd${FLAG(w, 0x10)} EgressCtrl${FLAG(w, 0x20)} DirectTrans${FLAG(w, 0x40)}`;
  c.o.p(`\t\tACSCap:\t${f(d.word(where + 4))}\n\t\tACSCtl:\t${f(d.word(where + 6))}\n`);
}

function capAri(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Alternative Routing-ID Interpretation (ARI)\n');
  if (c.verbose < 2 || !d.has(where + 4, 4)) return;
  let w = d.word(where + 4);
  c.o.p(`\t\tARICap:\tMFVC${FLAG(w, 1)} ACS${FLAG(w, 2)}, Next Function: ${BITS(w, 8, 8)}\n`);
  w = d.word(where + 6);
  c.o.p(`\t\tARICtl:\tMFVC${FLAG(w, 1)} ACS${FLAG(w, 2)}, Function Group: ${BITS(w, 4, 3)}\n`);
}

function capSriov(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Single Root I/O Virtualization (SR-IOV)\n');
  if (c.verbose < 2 || !d.has(where + 4, 0x3c)) return;
  const l = d.long(where + 4);
  c.o.p(`\t\tIOVCap:\tMigration${FLAG(l, 1)} 10BitTagReq${FLAG(l, 4)} Interrupt Message Number: ${hex(l >>> 21, 3)}\n`);
  let w = d.word(where + 8);
  c.o.p(`\t\tIOVCtl:\tEnable${FLAG(w, 1)} Migration${FLAG(w, 2)} Interrupt${FLAG(w, 4)} MSE${FLAG(w, 8)} ARIHierarchy${FLAG(w, 0x10)} 10BitTagReq${FLAG(w, 0x20)}\n`);
  w = d.word(where + 0xa);
  c.o.p(`\t\tIOVSta:\tMigration${FLAG(w, 1)}\n`);
  c.o.p(`\t\tInitial VFs: ${d.word(where + 0xc)}, Total VFs: ${d.word(where + 0xe)}, Number of VFs: ${d.word(where + 0x10)}, Function Dependency Link: ${hex(d.byte(where + 0x12), 2)}\n`);
  c.o.p(`\t\tVF offset: ${d.word(where + 0x14)}, stride: ${d.word(where + 0x16)}, Device ID: ${hex(d.word(where + 0x1a), 4)}\n`);
  c.o.p(`\t\tSupported Page Size: ${hex(d.long(where + 0x1c), 8)}, System Page Size: ${hex(d.long(where + 0x20), 8)}\n`);
  for (let i = 0; i < 6; i++) {
    let b = d.long(where + 0x24 + 4 * i);
    if (b === 0xffffffff) b = 0;
    if (!b) continue;
    const type = b & 6;
    let s = `\t\tRegion ${i}: Memory at `;
    if (type === 4) s += hex(d.long(where + 0x24 + 4 * ++i), 8);
    c.o.p(`${s}${hex(b & ~0xf, 8)} (${type === 0 ? '32' : '64'}-bit, ${b & 8 ? '' : 'non-'}prefetchable)\n`);
  }
  const m = d.long(where + 0x3c);
  c.o.p(`\t\tVF Migration: offset: ${hex(m & ~7, 8)}, BIR: ${(m & 7).toString(16)}\n`);
}

const NAME_ONLY: Record<number, string> = {
  0x0000: 'Null',
  0x0004: 'Power Budgeting <?>',
  0x0006: 'Root Complex Internal Link <?>',
  0x0008: 'Multi-Function Virtual Channel <?>',
  0x000a: 'Root Complex Register Block <?>',
  0x0011: 'Multi-Root I/O Virtualization <?>',
  0x0016: 'Dynamic Power Allocation <?>',
  0x001a: 'Protocol Multiplexing <?>',
  0x001c: 'LN Requester <?>',
  0x0020: 'PCI Express over M_PHY <?>',
  0x0021: 'FRS Queueing <?>',
  0x0022: 'Readiness Time Reporting <?>',
  0x0025: 'Data Link Feature <?>',
  0x0026: 'Physical Layer 16.0 GT/s <?>',
  0x0027: 'Lane Margining at the Receiver <?>',
  0x0028: 'Hierarchy ID <?>',
  0x0029: 'Native PCIe Enclosure Management <?>',
};

function capDsn(c: Ctx, d: LsDevice, where: number): void {
  if (!d.has(where + 4, 8)) return;
  const t1 = d.long(where + 4);
  const t2 = d.long(where + 8);
  const b = (v: number, s: number) => hex((v >>> s) & 0xff, 2);
  c.o.p(`Device Serial Number ${[b(t2, 24), b(t2, 16), b(t2, 8), b(t2, 0), b(t1, 24), b(t1, 16), b(t1, 8), b(t1, 0)].join('-')}\n`);
}

function capEvendor(c: Ctx, d: LsDevice, where: number): void {
  c.o.p('Vendor Specific Information: ');
  if (!d.has(where + 4, 4)) return void c.o.p('<unreadable>\n');
  const h = d.long(where + 4);
  c.o.p(`ID=${hex(BITS(h, 0, 16), 4)} Rev=${BITS(h, 16, 4)} Len=${hex(BITS(h, 20, 12), 3)} <?>\n`);
}

/** The decoders by extended capability ID, as show_ext_caps switches (type: the Express port type). */
const DECODERS: Record<number, (c: Ctx, d: LsDevice, where: number, type: number) => void> = {
  0x0001: capAer,
  0x0002: capVc,
  0x0003: capDsn,
  0x0005: capRclink,
  0x0007: capRcec,
  0x0009: capVc,
  0x000b: capEvendor,
  0x000d: capAcs,
  0x000e: capAri,
  0x000f: capAts,
  0x0010: capSriov,
  0x0012: capMulticast,
  0x0013: capPri,
  0x0015: (c, d, w) => capRebar(c, d, w, false),
  0x0017: capTph,
  0x0018: capLtr,
  0x0019: capSecondaryPcie,
  0x001b: capPasid,
  0x001d: capDpc,
  0x001e: capL1pm,
  0x001f: capPtm,
  0x0023: capDvsec,
  0x0024: (c, d, w) => capRebar(c, d, w, true),
  0x002e: capDoe,
};

export function showExtCaps(c: Ctx, d: LsDevice, type: number): void {
  const seen = new Uint8Array(0x1000);
  let where = 0x100;
  do {
    if (!d.has(where, 4)) break;
    const header = d.long(where);
    if (!header || header === 0xffffffff) break;
    const id = header & 0xffff;
    c.o.p(`\tCapabilities: [${hex(where, 3)}${c.verbose > 1 ? ` v${(header >>> 16) & 0xf}` : ''}] `);
    if (seen[where]++) {
      c.o.p('<chain looped>\n');
      break;
    }
    const decode = DECODERS[id];
    if (decode) decode(c, d, where, type);
    else if (NAME_ONLY[id] !== undefined) c.o.p(NAME_ONLY[id] + '\n');
    else c.o.p(`Extended Capability ID ${id ? '0x' + id.toString(16) : '0'}\n`);
    where = (header >>> 20) & ~3;
  } while (where);
}
