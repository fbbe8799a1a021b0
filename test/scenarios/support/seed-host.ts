/**
 * Test support: the seed host booted from a grub.conf (default: resources/samples/grub.conf),
 * ready for `xm create` of an hvm.conf (default: resources/samples/hvm.conf).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pc } from '../../../src-sim/hw/pc/pc.ts';
import { bootFromGrub, type XenHost } from '../../../src-sim/toolstack/host.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import { hostProfile } from './xen-host.ts';

const sample = (name: string) => readFileSync(fileURLToPath(new URL(`../../../resources/samples/${name}`, import.meta.url)), 'utf8');

export const SEED_GRUB = sample('grub.conf');
export const SEED_HVM = sample('hvm.conf');

export interface SeedHost extends XenHost {
  pc: Pc;
}

export function bootSeedHost(opts: { grub?: string; era?: XenEra; profile?: string } = {}): SeedHost {
  const pc = new Pc(hostProfile(opts.profile ?? 'seed-core2-q35'), { seed: 2007 });
  const host = bootFromGrub({ sim: pc.sim, pc }, opts.grub ?? SEED_GRUB, opts.era ?? '2007');
  return { ...host, pc };
}

/** The seed grub.conf with its kernel (Xen) and first module (dom0) lines replaced. */
export function grubWith(xenOptions: string, dom0Options = 'ro root=/dev/sda1 pciback.hide=(02:00.0)'): string {
  return `default=0\ntimeout=5\ntitle Xen\n    root (hd0,0)\n    kernel /boot/xen.gz ${xenOptions}\n    module /boot/vmlinuz-2.6.18.8-xen ${dom0Options}\n    module /boot/initrd-2.6.18.8-xen.img\n`;
}

/** The seed hvm.conf with `pci = [...]` (and any other line) replaced. */
export function hvmWith(replace: Record<string, string>): string {
  let text = SEED_HVM;
  for (const [name, value] of Object.entries(replace)) {
    const re = new RegExp(`^${name}\\s*=.*$`, 'm');
    text = re.test(text) ? text.replace(re, `${name} = ${value}`) : `${text}\n${name} = ${value}\n`;
  }
  return text;
}

/** The hypercalls made so far as "OP(dom) = rc" lines, without the boot's. */
export function hypercallLines(host: XenHost, from = 0): string[] {
  return host.xen.hypercalls.records.slice(from).map((r) => `${r.op.replace(/^XEN_DOMCTL_|^XENMEM_/, '')}(${r.domain}) = ${r.errno}`);
}
