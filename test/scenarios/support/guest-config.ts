/**
 * Test support: a guest-side config accessor — mechanism #1 cycles through the HVM domain's own
 * ports (0xCF8/0xCFC, which Xen hands to qemu-dm), as a guest driver would issue them — and the
 * host's view of the same real function through dom0's config cycles.
 */
import type { Bdf } from '../../../src-shared/units/bdf.ts';
import type { XenHost } from '../../../src-sim/toolstack/host.ts';

export interface ConfigAccessor {
  read(reg: number, size?: 1 | 2 | 4): number;
  write(reg: number, size: 1 | 2 | 4, value: number): void;
}

/** The guest's config cycles to devfn `devfn` on its bus 0. */
export function guestConfig(host: XenHost, domid: number, devfn: number): ConfigAccessor {
  const io = host.xen.domain(domid)!.hvmIo!;
  const sel = (reg: number) => io.portWrite(0xcf8, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  return {
    read: (reg, size = 4) => (sel(reg), io.portRead(0xcfc + (reg & 3), size) >>> 0),
    write: (reg, size, value) => (sel(reg), io.portWrite(0xcfc + (reg & 3), size, value >>> 0)),
  };
}

/** dom0's config cycles to the real function. */
export function hostConfig(host: XenHost, bdf: Bdf): ConfigAccessor {
  return {
    read: (reg, size = 4) => host.dom0.cfg.read(bdf, reg, size) >>> 0,
    write: (reg, size, value) => host.dom0.cfg.write(bdf, reg, size, value),
  };
}

export const NIC_BDF: Bdf = { segment: 0, bus: 2, device: 0, fn: 0 };
/** The assigned NIC's virtual devfn: slot 3, function 0. */
export const SLOT3 = 0x18;
