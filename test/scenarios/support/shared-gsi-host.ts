/**
 * Test support: the seed host with a second PCIe E1000 for dom0 in the next slot — root port 2
 * (00:1c.1) with the card at 04:00.0. Its INTA# swizzles to INTA# of slot 00:1c, which the
 * board routes to GSI 16 like the first card's: one machine line shared by dom0's own NIC
 * (eth0, interrupts through an event channel) and the card hidden and assigned to the guest
 * (xen.md §5.5). Both config spaces are copies of the seed's, moved to their own bus numbers,
 * windows and BARs.
 */
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { configBytes, configRows, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { bootFromGrub } from '../../../src-sim/toolstack/host.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import { grubWith, type SeedHost } from './seed-host.ts';
import { hostProfile } from './xen-host.ts';

function moved(bytes: Uint8Array, dwords: Record<number, number>, bytesAt: Record<number, number> = {}): string[] {
  const c = bytes.slice();
  const view = new DataView(c.buffer);
  for (const [off, v] of Object.entries(dwords)) view.setUint32(Number(off), v, true);
  for (const [off, v] of Object.entries(bytesAt)) c[Number(off)] = v;
  return configRows(c);
}

export function sharedGsiProfile(): HostProfile {
  const p = structuredClone(hostProfile('seed-core2-q35'));
  const at = (bdf: string) => p.pci.findIndex((f) => f.bdf === bdf);
  const port1 = p.pci[at('0000:00:1c.0')];
  const nic = p.pci[at('0000:02:00.0')];
  // Root port 2 (8086:2942): bus 0 → 4, memory window 0xfe700000-0xfe7fffff, I/O 0xd000-0xdfff, no prefetchable window.
  const port2 = { ...port1, bdf: '0000:00:1c.1', note: 'PCI bridge: Intel 82801I (ICH9 Family) PCI Express Port 2', config: moved(configBytes(port1), { 0x00: 0x29428086, 0x18: 0x00040400, 0x20: 0xfe70fe70, 0x24: 0x0001fff1 }, { 0x1c: 0xd0, 0x1d: 0xd0 }) };
  const nic2 = { ...nic, bdf: '0000:04:00.0', note: 'Ethernet controller: a second 82572EI, dom0’s own network', config: moved(configBytes(nic), { 0x10: 0xfe7e0000, 0x14: 0xfe7c0000, 0x18: 0xd001 }) };
  p.pci.splice(at('0000:00:1c.0') + 1, 0, port2);
  p.pci.splice(at('0000:02:00.0') + 1, 0, nic2);
  return { ...p, name: 'seed-core2-q35-two-nics' };
}

/** The two-NIC host booted into `era` with `xenLine`, 02:00.0 hidden for the guest (or what `hide` says). */
export function bootSharedGsiHost(era: XenEra, xenLine: string, hide = '(02:00.0)'): SeedHost {
  const pc = new Pc(sharedGsiProfile(), { seed: 2007 });
  const host = bootFromGrub({ sim: pc.sim, pc }, grubWith(xenLine, `ro root=/dev/sda1 pciback.hide=${hide}`), era);
  return { ...host, pc };
}
