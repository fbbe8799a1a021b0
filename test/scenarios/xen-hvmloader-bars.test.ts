/**
 * hvmloader's BAR placement by era (tools/firmware/hvmloader/hvmloader.c pci_setup): 2007 / 3.2
 * place and enable each BAR as they size it, in devfn order; 3.3 on sizes them all first and
 * places them largest first, enabling decoding only once a BAR has its address — so qemu-dm
 * 3.4, which maps a BAR wherever the guest puts it, never maps one at its sizing address.
 */
import { describe, expect, it } from 'vitest';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { bootSeedHost, grubWith, SEED_HVM } from './support/seed-host.ts';

function placements(era: XenEra, xenLine: string) {
  const host = bootSeedHost({ era, grub: grubWith(xenLine) });
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const bars = host.xen.con.ring.flatMap((l) => {
    const m = /HVM1: pci dev (\w\w:\d) bar (\w\w) size (\w{8}): (\w{8})/.exec(l);
    return m ? [{ dev: m[1], reg: m[2], size: parseInt(m[3], 16), value: m[4] }] : [];
  });
  const mapped = host.xen.hypercalls.records.filter((r) => r.op === 'XEN_DOMCTL_memory_mapping' && r.args.add_mapping === 1).map((r) => r.args.first_gfn);
  return { bars, mapped };
}

describe('hvmloader’s BAR placement', () => {
  it('2007: devfn order, each BAR placed as it is sized', () => {
    const { bars } = placements('2007', 'vtd=1 ioapic_ack=old dom0_mem=1024M');
    expect(bars.map((b) => b.dev)).toEqual([...bars.map((b) => b.dev)].sort());
    expect(bars.find((b) => b.dev === '03:0' && b.reg === '10')?.value).toBe('f2020000');
  });

  it('3.4: largest first, and the NIC’s BARs are mapped only at their final addresses', () => {
    const { bars, mapped } = placements('3.4', 'iommu=1 dom0_mem=1024M');
    const sizes = bars.map((b) => b.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(bars.slice(0, 2).map((b) => [b.dev, b.reg, b.value])).toEqual([
      ['02:0', '10', 'f0000008'],
      ['04:0', '14', 'f2000008'],
    ]);
    expect(mapped).toEqual(['0xf3000', '0xf3020']);
  });
});
