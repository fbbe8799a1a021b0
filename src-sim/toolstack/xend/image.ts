/**
 * xend's HVM image handler (tools/python/xen/xend/image.py, 2007-09): the qemu-dm command line
 * (`parseDeviceModelArgs`): `-vcpus N`, then the platform options present in their fixed order
 * (booleans as bare flags), `-domain-name`, one `-net nic … -net tap …` pair per ioemu vif, then
 * the display. `-pci` carries the Python `str()` of xm's parsed list.
 */
import type { RandomStream } from '../../engine/index.ts';
import type { XmConfig } from '../xm/config.ts';

const BOOLEAN_OPTS = new Set(['localtime', 'stdvga', 'isa', 'acpi', 'usb']);
const ORDER = ['boot', 'fda', 'fdb', 'soundhw', 'localtime', 'serial', 'stdvga', 'isa', 'acpi', 'usb', 'usbdevice', 'keymap', 'pci'] as const;

/** xend's randomMAC: the Xensource OUI 00:16:3e and three random octets. */
export function randomMac(rng: RandomStream): string {
  const o = () => rng.nextInt(0, 255).toString(16).padStart(2, '0');
  return `00:16:3e:${(rng.nextInt(0, 0x7f)).toString(16).padStart(2, '0')}:${o()}:${o()}`;
}

/** The `-pci` value: str() of a list of lists of strings, e.g. "[['0x0', '0x02', '0x00', '0x0']]". */
export function pciArg(pci: XmConfig['pci']): string {
  return `[${pci.map((p) => `[${p.raw.map((r) => `'${r}'`).join(', ')}]`).join(', ')}]`;
}

export function deviceModelArgs(cfg: XmConfig, domid: number, rng: RandomStream): string[] {
  const args = ['-d', String(domid), '-vcpus', String(cfg.vcpus)];
  const values: Record<(typeof ORDER)[number], string | number | undefined> = {
    boot: cfg.boot,
    fda: undefined,
    fdb: undefined,
    soundhw: undefined,
    localtime: cfg.localtime,
    serial: cfg.serial,
    stdvga: cfg.stdvga,
    isa: undefined,
    acpi: cfg.acpi,
    usb: cfg.usb,
    usbdevice: undefined,
    keymap: undefined,
    pci: cfg.pci.length ? pciArg(cfg.pci) : undefined,
  };
  for (const name of ORDER) {
    const v = values[name];
    if (v === undefined || v === '') continue;
    const flag = name === 'stdvga' ? '-std-vga' : name === 'keymap' ? '-k' : `-${name}`;
    if (BOOLEAN_OPTS.has(name)) {
      if (Number(v)) args.push(flag);
    } else args.push(flag, String(v));
  }
  args.push('-domain-name', cfg.name);
  cfg.vif.forEach((vif, vlan) => {
    if (vif.type !== 'ioemu') return;
    const mac = vif.mac ?? randomMac(rng);
    args.push('-net', `nic,vlan=${vlan + 1},macaddr=${mac},model=${vif.model ?? 'rtl8139'}`, '-net', `tap,vlan=${vlan + 1},bridge=${vif.bridge ?? 'xenbr0'}`);
  });
  if (cfg.vnc) args.push('-vnc', '127.0.0.1:0');
  else if (!cfg.sdl) args.push('-nographic');
  return args;
}
