/**
 * seed.bootToFirstPacketMs: wall time from power-on of the seed host (Pc built from its profile)
 * through GRUB → Xen (vtd=1: DMAR, iommu_setup's 1:1 map and 256-bus scan) → dom0 (PCI scan,
 * pciback) → `xm create hvm.conf` (xend, qemu-dm, the domctls) → hvmloader → the FC5 guest's e1000
 * driver → the first frame from the wire received through VT-d. Median of 5 runs. Goal ≤ 200.
 *
 * Its phases, each a median of 5 on a fresh machine: seed.buildPcMs (the Pc from its profile)
 * and seed.bootXenDom0Ms (GRUB → Xen's iommu_setup → dom0 up, the machine built beforehand);
 * `xm create` through the first packet is what remains of the whole figure.
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import { parseHostProfile } from '../../src-sim/hw/host-profile.ts';
import { runVtd } from '../../src-sim/toolstack/run.ts';
import { bootFromGrub } from '../../src-sim/toolstack/host.ts';
import { medianMs, type Figures } from './measure.ts';

const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
const PROFILE = parseHostProfile(read('../../resources/hosts/seed-core2-q35.json'));
const GRUB = read('../../resources/samples/grub.conf');
const HVM = read('../../resources/samples/hvm.conf');

async function bootToFirstPacketMs(): Promise<number> {
  return medianMs(async () => {
    const t0 = performance.now();
    const pc = new Pc(PROFILE, { seed: 2007 });
    const r = runVtd({ sim: pc.sim, pc }, { era: '2007', grub: { name: 'grub.conf', text: GRUB }, hvm: [{ name: 'hvm.conf', text: HVM }], until: 'first-packet' });
    const ms = performance.now() - t0;
    if (r.result !== 'ok') throw new Error(`seed run failed: ${r.failure?.message}`);
    return ms;
  });
}

function buildPcMs(): Promise<number> {
  return medianMs(async () => {
    const t0 = performance.now();
    new Pc(PROFILE, { seed: 2007 });
    return performance.now() - t0;
  });
}

function bootXenDom0Ms(): Promise<number> {
  return medianMs(async () => {
    const pc = new Pc(PROFILE, { seed: 2007 });
    const t0 = performance.now();
    bootFromGrub({ sim: pc.sim, pc }, GRUB, '2007');
    return performance.now() - t0;
  });
}

export const figures: Figures = {
  'seed.bootToFirstPacketMs': bootToFirstPacketMs,
  'seed.buildPcMs': buildPcMs,
  'seed.bootXenDom0Ms': bootXenDom0Ms,
};
