/**
 * The seed's vtd6 path for the assigned NIC's MMIO (xen.md §7.2): the guest's first access to a
 * BAR page faults into Xen's shadow code, which maps the p2m_mmio_direct frame uncached — even
 * when that machine frame is not RAM (at or above max_page), which is what the seed's patch
 * allowed — and later accesses go straight to the device until qemu-dm moves the BAR.
 */
import { describe, expect, it } from 'vitest';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import type { HvmIo } from '../../src-sim/xen/arch/x86/hvm/io.ts';
import { bootFromGrub } from '../../src-sim/toolstack/host.ts';
import { bootSeedHost, SEED_GRUB, SEED_HVM, type SeedHost } from './support/seed-host.ts';
import { hostProfile } from './support/xen-host.ts';
import { guestConfig, SLOT3 } from './support/guest-config.ts';

const PAGE = 0x1000;
/** E1000 STATUS: a register any read of BAR0 can reach. */
const STATUS = 0x08;

function withGuest(host: SeedHost) {
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const d = host.xen.domain(1)!;
  const bar0 = (guestConfig(host, 1, SLOT3).read(0x10) & ~0xf) >>> 0;
  const io = d.hvmIo as HvmIo;
  return { d, io, shadow: io.shadow!, bar0 };
}

/** The seed host with less RAM, so the NIC's BAR (0xfebe0000) lies above max_page. */
function smallRamHost(): SeedHost {
  const pc = new Pc({ ...hostProfile('seed-core2-q35'), ramMiB: 2048 }, { seed: 2007 });
  return { ...bootFromGrub({ sim: pc.sim, pc }, SEED_GRUB, '2007'), pc };
}

describe('the guest’s accesses to its NIC’s BAR (2007)', () => {
  it('fault into Xen once per page: the shadow entry maps the machine BAR uncached, then reads go straight to the device', () => {
    const { io, shadow, bar0, d } = withGuest(bootSeedHost());
    expect(shadow.has(bar0 / PAGE)).toBe(true);
    const entry = shadow.lookup(bar0 / PAGE)!;
    expect(entry.mfn).toBe(d.p2m!.get(bar0 / PAGE)!.mfn);
    expect(entry.flags & 0x010).toBe(0x010);
    const faults = shadow.counters.faults;
    const direct = io.counters.directMmio;
    for (let i = 0; i < 100; i++) io.memRead(bar0 + STATUS, 4);
    expect(shadow.counters.faults).toBe(faults);
    expect(io.counters.directMmio).toBe(direct + 100);
  });

  it('on a host whose RAM ends below the BAR, maps the frame above max_page as the seed’s patch allows, and says so in the trace', () => {
    const host = smallRamHost();
    const seen: string[] = [];
    host.pc.sim.tracer.on((r) => r.name === 'xen.sh_page_fault' && seen.push(r.text));
    const { shadow, bar0, io } = withGuest(host);
    const mfn = shadow.lookup(bar0 / PAGE)!.mfn;
    expect(mfn).toBeGreaterThanOrEqual(host.xen.maxPage);
    expect(shadow.counters.aboveMaxPage).toBeGreaterThan(0);
    expect(seen.some((t) => t.startsWith(`d1 gfn 0x${(bar0 / PAGE).toString(16)} -> mfn 0x${mfn.toString(16)} p2m_mmio_direct PCD (mfn >= max_page`))).toBe(true);
    // And the device answers: its STATUS register has link up (bit 1) as the guest driver left it.
    expect(io.memRead(bar0 + STATUS, 4) & 0x2).toBe(0x2);
  });

  it('after the guest moves BAR0, the old page’s shadow entry is gone: the old address reaches only qemu-dm, the new one faults once and reaches the device', () => {
    const host = bootSeedHost();
    const { io, shadow, bar0 } = withGuest(host);
    const cfg = guestConfig(host, 1, SLOT3);
    const moved = bar0 + 0x0100_0000;
    cfg.write(0x10, 4, moved);
    expect(shadow.has(bar0 / PAGE)).toBe(false);
    const toQemu = io.counters.ioreqMmio;
    io.memRead(bar0 + STATUS, 4);
    expect(io.counters.ioreqMmio).toBe(toQemu + 1);
    const faults = shadow.counters.faults;
    expect(io.memRead(moved + STATUS, 4) & 0x2).toBe(0x2);
    io.memRead(moved + STATUS, 4);
    expect(shadow.counters.faults).toBe(faults + 1);
  });
});
