/**
 * Test support: a host profile powered on as a Pc and booted into Xen of an era with a given
 * hypervisor command line — the world a run builds, assembled here because tests own worlds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { parseHostProfile, type HostProfile } from '../../../src-sim/hw/host-profile.ts';
import { Xen } from '../../../src-sim/xen/xen.ts';
import { startXen } from '../../../src-sim/xen/arch/x86/setup.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';

export function hostProfile(name: string): HostProfile {
  return parseHostProfile(readFileSync(fileURLToPath(new URL(`../../../resources/hosts/${name}.json`, import.meta.url)), 'utf8'));
}

export interface BootedHost {
  pc: Pc;
  xen: Xen;
}

/** Powers on `profile` (default: the seed's Core 2 / Q35) and boots Xen with `cmdline`. */
export function bootXen(era: XenEra, cmdline: string, profile = 'seed-core2-q35'): BootedHost {
  const pc = new Pc(hostProfile(profile), { seed: 2007 });
  const xen = new Xen({ sim: pc.sim, pc }, era);
  startXen(xen, cmdline);
  return { pc, xen };
}

/** The console lines a default (loglvl=warning) host prints, without the "(XEN) " prefix. */
export function consoleText(xen: Xen): string[] {
  return xen.con.ring.map((l) => l.replace(/^\(XEN\) /, ''));
}
