/**
 * 2-, 3- and 4-level second-level walks chosen by the context entry's AW, built by hand in
 * memory (independently of the driver's own table code), and super-pages where CAP.SLLPS
 * allows them.
 */
import { describe, expect, it } from 'vitest';
import { requesterId } from '../../../src-shared/units/bdf.ts';
import { makeHost, PERM_R, PERM_W, q35Caps, type Bench } from './vtd-host.ts';

const NIC = requesterId({ bus: 2, device: 0, fn: 0 });
const RW = PERM_R | PERM_W;
/** A unit that supports every AGAW from 30 to 48 bits. */
const allWidths = (sllps = 0) => q35Caps({ cap: { sagaw: 0b00111, mgawBits: 48, sllps, nfr: 4 } });

function withContext(b: Bench, aw: number): number {
  b.xen.setRootTable();
  const top = b.xen.newDomainTable();
  b.xen.mapContext(NIC, { did: 1, aw, asr: top });
  b.xen.enableTranslation();
  return top;
}

/** Writes the path top[i0] → … → leaf[iN] = hpa with fresh tables; returns the IOVA it maps. */
function handBuilt(b: Bench, top: number, indices: number[], hpa: number): number {
  let table = top;
  for (const i of indices.slice(0, -1)) {
    const next = b.xen.allocPage();
    b.mem.writeU64(table + 8 * i, next + RW);
    table = next;
  }
  b.mem.writeU64(table + 8 * indices[indices.length - 1], hpa + RW);
  return indices.reduce((acc, i) => acc * 512 + i, 0) * 4096;
}

describe('second-level page walks', () => {
  it('AW=0 walks 2 levels: address bits 29:21 then 20:12, and stops at 2^30', () => {
    const b = makeHost(allWidths(), { hawBits: 39 });
    const top = withContext(b, 0);
    const iova = handBuilt(b, top, [0x1ff, 0x023], 0x1234000);
    expect(iova).toBe(0x3fe23000);
    expect(b.unit.translate(NIC, iova + 0x56, true)).toBe(0x1234056);
    expect(b.unit.translate(NIC, 2 ** 30, false)).toBe(-0x04);
  });

  it('AW=1 walks 3 levels: bits 38:30, 29:21, 20:12', () => {
    const b = makeHost(allWidths(), { hawBits: 39 });
    const top = withContext(b, 1);
    const iova = handBuilt(b, top, [0x0ab, 0x1cd, 0x0ef], 0x2345000);
    expect(iova).toBe(0x2af9aef000);
    expect(b.unit.translate(NIC, iova + 0xfff, false)).toBe(0x2345fff);
    expect(b.unit.translate(NIC, iova + 0x1000, false)).toBe(-0x06);
  });

  it('AW=2 walks 4 levels: bits 47:39 select the top entry', () => {
    const b = makeHost(allWidths(), { hawBits: 39 });
    const top = withContext(b, 2);
    const iova = handBuilt(b, top, [0x123, 0x045, 0x167, 0x089], 0x3456000);
    expect(iova).toBe(0x91916ce89000);
    expect(b.unit.translate(NIC, iova + 8, true)).toBe(0x3456008);
    expect(b.unit.translate(NIC, iova - 0x8000000000, true)).toBe(-0x05);
  });

  it('every entry on the path must grant the access: a read-only middle entry blocks writes (05h)', () => {
    const b = makeHost(allWidths(), { hawBits: 39 });
    const top = withContext(b, 1);
    const iova = handBuilt(b, top, [0, 1, 2], 0x500000);
    const middle = b.mem.readU64(top) - RW;
    b.mem.writeU64(middle + 8, b.mem.readU64(middle + 8) - PERM_W);
    expect(b.unit.translate(NIC, iova, false)).toBe(0x500000);
    expect(b.unit.translate(NIC, iova, true)).toBe(-0x05);
  });

  it('a 2 MiB super-page ends the walk at level 2 when CAP.SLLPS allows it', () => {
    const b = makeHost(allWidths(1), { hawBits: 39 });
    const top = withContext(b, 1);
    const l2 = b.xen.allocPage();
    b.mem.writeU64(top, l2 + RW);
    b.mem.writeU64(l2 + 8 * 3, 0x4000_0000 - 0x20_0000 + 0x80 + RW); // SP: 2 MiB at 0x3fe00000
    expect(b.unit.translate(NIC, 3 * 0x20_0000 + 0x12345, true)).toBe(0x3fe12345);
  });

  it('the same SP bit is a reserved bit (0Ch) on the Q35 unit, which has no super-pages', () => {
    const b = makeHost();
    const top = withContext(b, 1);
    const l2 = b.xen.allocPage();
    b.mem.writeU64(top, l2 + RW);
    b.mem.writeU64(l2, 0x200000 + 0x80 + RW);
    expect(b.unit.translate(NIC, 0x1000, false)).toBe(-0x0c);
  });
});
