/**
 * `--attack`: the guest holding the seed's NIC runs the malicious driver instead of e1000, next to
 * a victim guest. Every attempt is blocked — a VT-d fault record with its reason, Xen's refusal,
 * or VT-d translating the address into the attacker's own memory — and no page outside the
 * attacker changes. The memory hashes really see a change when there is one.
 */
import { describe, expect, it } from 'vitest';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import { runVtd } from '../../src-sim/toolstack/run.ts';
import { memoryHashes, type AttackKind } from '../../src-sim/toolstack/attack.ts';
import { bootFromGrub } from '../../src-sim/toolstack/host.ts';
import { hostProfile } from './support/xen-host.ts';
import { hvmWith, SEED_GRUB, SEED_HVM } from './support/seed-host.ts';

const VICTIM = { name: 'victim.conf', text: hvmWith({ name: '"victim"', pci: '[]', memory: '128' }) };

function attack(kind: AttackKind) {
  const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 2007 });
  return runVtd({ sim: pc.sim, pc }, { era: '2007', grub: { name: 'grub.conf', text: SEED_GRUB }, hvm: [{ name: 'hvm.conf', text: SEED_HVM }, VICTIM], until: 'destroy', attack: kind });
}

describe('a malicious driver in the assigned guest, beside a victim guest (2007, VT-d on)', () => {
  it('dma: the writes past its RAM and into the victim fault with reason 5; those at Xen’s and dom0’s machine addresses land in its own memory', () => {
    const r = attack('dma');
    expect(r.failure).toBeUndefined();
    const byWho = Object.fromEntries(r.attack!.attempts.map((a) => [/\((.*)\)$/.exec(a.tried)![1], a]));
    expect(Object.keys(byWho)).toEqual(['Xen', 'dom0', 'dom2', 'past its RAM', 'far beyond its RAM']);
    for (const who of ['dom2', 'past its RAM', 'far beyond its RAM']) {
      expect(byWho[who].outcome).toBe('fault');
      expect(byWho[who].detail).toMatch(/^VT-d fault record: DMA Write, source 02:00\.0, addr 0x[0-9a-f]+, reason 5 \(PTE Write access is not set\)$/);
    }
    for (const who of ['Xen', 'dom0']) expect(byWho[who]).toMatchObject({ outcome: 'contained', detail: expect.stringMatching(/into dom1's own mfn/) });
    expect(r.events.filter((l) => l.includes('iommu_page_fault:DMA Write: DEVICE 2:0.0'))).toHaveLength(3);
    expect(r.attack!.after).toEqual(r.attack!.before);
    expect(Object.keys(r.attack!.before)).toEqual(['dom0', 'dom2', 'xen']);
    expect(r.attack!.blocked).toBe(true);
  });

  it('ioport: machine ports it was not given go to qemu-dm (all ones), and Xen refuses it the permission', () => {
    const r = attack('ioport');
    expect(r.attack!.blocked).toBe(true);
    expect(r.attack!.attempts[0]).toEqual({ tried: 'inl/outl port 0xe000 (the NIC’s machine I/O BAR)', outcome: 'refused', detail: "not in dom1's I/O port mappings: the access went to qemu-dm, the read gave 0xffffffff, the machine port was not touched" });
    expect(r.hypercalls.filter((h) => h.caller === 1).map((h) => `${h.op} ${h.errno}`)).toEqual(Array(3).fill('XEN_DOMCTL_ioport_permission -EPERM'));
  });

  it('bar: mapping a foreign BAR or Xen’s VT-d registers is -EPERM, touching them reaches only qemu-dm', () => {
    const r = attack('bar');
    expect(r.attack!.blocked).toBe(true);
    expect(r.attack!.attempts.every((a) => a.outcome === 'refused')).toBe(true);
    expect(r.attack!.attempts.some((a) => a.tried.includes('mfn 0xfed93 (Xen’s VT-d unit registers)'))).toBe(true);
    expect(r.hypercalls.filter((h) => h.caller === 1 && h.op === 'XEN_DOMCTL_memory_mapping').every((h) => h.errno === '-EPERM')).toBe(true);
  });

  it('the same attack gives the same trace hash', () => {
    expect(attack('dma').traceHash).toBe(attack('dma').traceHash);
  });
});

describe('the memory hashes', () => {
  it('change when a byte of dom0’s memory or of Xen’s changes', () => {
    const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 2007 });
    const host = bootFromGrub({ sim: pc.sim, pc }, SEED_GRUB, '2007');
    const before = memoryHashes({ sim: pc.sim, pc }, host, 1);
    const dom0 = host.xen.domain(0)!.frames[0].mfn * 0x1000;
    pc.mem.write(dom0 + 0x123, new Uint8Array([1]));
    const after = memoryHashes({ sim: pc.sim, pc }, host, 1);
    expect(after.dom0).not.toBe(before.dom0);
    expect(after.xen).toBe(before.xen);
  });
});
