/**
 * The register page as software sees it (QEMU tests/qtest/intel-iommu-test.c style): reset
 * values, read-only and write-only bits, the GCMD → GSTS handshake, per-profile FRO/IRO offsets,
 * CAP/ECAP chosen from the host description, and unassigned offsets that read 0 and are traced.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-sim/engine/simulation.ts';
import { PhysicalMemory } from '../../../src-sim/hw/memory/phys-mem.ts';
import { IntelIommu, capabilitiesToHex, chooseCapabilities, encodeCap, decodeCap, type VtdCapabilities } from '../../../src-sim/hw/vtd/index.ts';
import { makeHost, q35Caps, x58Caps } from './vtd-host.ts';

function unitWith(caps: VtdCapabilities, sim = new Simulation()): IntelIommu {
  return new IntelIommu({ id: 'dmar0', mem: new PhysicalMemory(0x100000), caps, hostAddressWidthBits: 36, tracer: sim.tracer });
}

describe('DMAR register page', () => {
  it('resets to VER 1.0, FECTL.IM set, everything else clear; reset twice gives the same register file', () => {
    const { unit, xen } = makeHost();
    expect(unit.read(0x38, 4)).toBe(0x80000000);
    xen.setRootTable(0x5000);
    xen.enableTranslation();
    unit.reset();
    const once = JSON.stringify(unit.save());
    unit.reset();
    expect(JSON.stringify(unit.save())).toBe(once);
    expect([0x1c, 0x20, 0x34, 0x3c, 0x40].map((o) => unit.read(o, 4))).toEqual([0, 0, 0, 0, 0]);
  });

  it('ignores writes to CAP, ECAP and GSTS, and reads GCMD as zero', () => {
    const { unit } = makeHost();
    for (const off of [0x08, 0x0c, 0x10, 0x1c]) unit.write(off, 4, 0xffffffff);
    expect(unit.read64(0x08).toString(16)).toBe('c9008020e30260');
    expect(unit.read64(0x10).toString(16)).toBe('1000');
    expect(unit.read(0x1c, 4)).toBe(0);
    unit.write(0x18, 4, 1 << 31);
    expect(unit.read(0x18, 4)).toBe(0);
    expect(unit.read(0x1c, 4)).toBe(0x80000000);
  });

  it('SRTP sets RTPS; WBF completes at once (WBFS reads 0); TE and QIE are kept only while written', () => {
    const { unit, xen } = makeHost();
    xen.setRootTable(0x7000);
    expect(unit.rootTablePointer).toBe(0x7000);
    expect(unit.read(0x1c, 4)).toBe(1 << 30);
    xen.writeBufferFlush();
    xen.enableTranslation();
    expect(unit.read(0x1c, 4) >>> 0).toBe(0xc0000000);
    unit.write(0x18, 4, 0); // a driver that forgot its shadow copy turns TE off
    expect(unit.translationEnabled).toBe(false);
  });

  it('keeps RTADDR to its writable bits [HAW-1:12] and CCMD/IOTLB status fields read-only', () => {
    const { unit } = makeHost();
    unit.write64(0x20, 0xffff_ffff_ffff_ffffn);
    expect(unit.read64(0x20).toString(16)).toBe('ffffff000');
    unit.write(0x2c, 4, 0x18000000); // CAIG bits: hardware-owned
    expect(unit.read(0x2c, 4)).toBe(0);
  });

  it('places the fault records at CAP.FRO and the IOTLB registers at ECAP.IRO of each profile', () => {
    const q35 = makeHost(q35Caps()).xen;
    expect([q35.cap.froOffset, q35.cap.nfr, q35.ecap.iroOffset]).toEqual([0x200, 1, 0x100]);
    const x58 = makeHost(x58Caps(), { hawBits: 39 }).xen;
    expect([x58.cap.froOffset, x58.cap.nfr, x58.ecap.iroOffset]).toEqual([0x100, 8, 0x200]);
    expect(x58.flushIotlb(1)).toBe(1);
    expect(q35.flushIotlb(1)).toBe(1);
  });

  it('mirrors PMEN.EPM into PMEN.PRS (protected regions are recorded, not enforced)', () => {
    const { unit } = makeHost();
    unit.write(0x64, 4, 0x80000000);
    expect(unit.read(0x64, 4) >>> 0).toBe(0x80000001);
    unit.write(0x64, 4, 0);
    expect(unit.read(0x64, 4)).toBe(0);
  });

  it('reads an unassigned offset as 0 and traces the access', () => {
    const sim = new Simulation();
    const unit = unitWith(q35Caps(), sim);
    expect(unit.read(0x500, 4)).toBe(0);
    expect(sim.tracer.recent().map((r) => r.name)).toContain('vtd.reg_unassigned');
  });

  it('chooses the Q35 unit for a 36-bit host and the X58 unit for a 39-bit one, with overrides', () => {
    expect(capabilitiesToHex(chooseCapabilities({ hostAddressWidthBits: 36 }))).toEqual({ cap: 'c9008020e30260', ecap: '1000' });
    expect(chooseCapabilities({ hostAddressWidthBits: 39 }).cap.sagaw).toBe(0b00010);
    expect(capabilitiesToHex(chooseCapabilities({ profile: 'x58-2009', hostAddressWidthBits: 39 }))).toEqual({ cap: 'c90780106f0462', ecap: 'f020fe' });
    expect(chooseCapabilities({ profile: 'emulated', hostAddressWidthBits: 36 }).cap.cm).toBe(true);
    expect(chooseCapabilities({ hostAddressWidthBits: 36, cap: { nfr: 4 } }).cap.nfr).toBe(4);
  });

  it('decodes and re-encodes every CAP field of both real units without loss', () => {
    for (const c of [q35Caps(), x58Caps()]) expect(encodeCap(decodeCap(...encodeCap(c.cap)))).toEqual(encodeCap(c.cap));
    expect(q35Caps().cap).toMatchObject({ nd: 0, sagaw: 2, mgawBits: 36, zlr: true, isoch: true, psi: true, mamv: 9, dwd: true, drd: true, rwbf: false, cm: false });
  });
});
