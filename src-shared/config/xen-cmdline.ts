/**
 * Catalogues of the boot options that matter to VT-d passthrough, per era (xen.md §1.1, §1.3,
 * §11.3-11.5): the Xen hypervisor's command line (`kernel /xen.gz …` / `multiboot /xen.gz …`)
 * and the dom0 Linux kernel's (`module /vmlinuz-2.6.18-xen …`), including pciback's `hide`.
 * Xen ignores options it does not know; Linux 2.6.18 prints
 * "Unknown boot option `x.y=…': ignoring" for unknown dotted (module) options.
 */
import type { Era } from './era.ts';

export interface BootOption {
  name: string;
  /** 'flag' takes no value; 'bool' takes an optional 0/1/on/off/yes/no/true/false. */
  type: 'flag' | 'bool' | 'enum' | 'string' | 'size' | 'list' | 'hide';
  allowed?: readonly string[];
  doc: string;
  since?: Era;
  until?: Era;
  /** What the option is to VT-d passthrough, for hover. */
  role?: string;
}

type Row = [string, BootOption['type'], string, Partial<BootOption>?];
const rows = (rs: Row[]): BootOption[] => rs.map(([name, type, doc, extra]) => ({ name, type, doc, ...extra }));

export const XEN_OPTIONS: readonly BootOption[] = rows([
  ['vtd', 'bool', 'Enable Intel VT-d (boolean_param in vtd/dmar.c). Off unless given.', { since: '2007', until: '3.3', role: 'The VT-d switch of 2007 xen-unstable and 3.2: without it Xen never probes the DMAR table and assignment is unprotected or refused.' }],
  ['iommu', 'list', 'IOMMU control, a comma list: 1|on|force|required|off|0, pv, no-pv, passthrough, no-snoop, no-qinval, no-intremap, verbose, workaround_bios_bug.', { since: '3.3', allowed: ['1', '0', 'on', 'off', 'yes', 'no', 'true', 'false', 'enable', 'disable', 'force', 'required', 'pv', 'no-pv', 'passthrough', 'no-snoop', 'no-qinval', 'no-intremap', 'verbose', 'workaround_bios_bug', 'amd-iommu-debug', 'amd-iommu-perdev-intremap', 'dom0-strict', 'dom0-passthrough'], role: 'The VT-d switch from Xen 3.3 (off by default in 3.3/3.4, on by default from 4.0).' }],
  ['iommu_inclusive_mapping', 'bool', "Identity-map all memory below 4 GB into dom0's IOMMU tables.", { since: '3.4' }],
  ['enable_amd_iommu', 'bool', 'Enable the AMD IOMMU (2007–3.2).', { since: '2007', until: '3.3' }],
  ['ioapic_ack', 'enum', "How level IO-APIC interrupts are acknowledged: 'old' masks the line and EOIs at once, 'new' (default) defers the EOI.", { allowed: ['old', 'new'], role: "The seed asks for ioapic_ack=old so an IRQ shared by dom0 and the guest does not block the CPU's lower-priority vectors." }],
  ['noapic', 'flag', 'Do not set up IO-APICs; Xen passes noapic on to dom0.'],
  ['msi', 'bool', 'Enable MSI support (3.3).', { since: '3.3' }],
  ['dom0_mem', 'size', "dom0's memory, e.g. 1024M or 512000K (also min:/max: forms later)."],
  ['dom0_max_vcpus', 'string', "Number of dom0's vcpus."],
  ['loglvl', 'string', "Hypervisor log threshold: none|error|warning|info|debug|all[/rate-limited level]. Default warning; VT-d INFO messages need loglvl=all.", { allowed: ['none', 'error', 'warning', 'info', 'debug', 'all'] }],
  ['guest_loglvl', 'string', 'Threshold for guest-triggered messages (gdprintk); default none/warning.', { allowed: ['none', 'error', 'warning', 'info', 'debug', 'all'] }],
  ['console', 'list', "Where Xen's console goes: comma list of vga, com1, com2, none.", { allowed: ['vga', 'com1', 'com2', 'none', 'dbgp', 'ehci'] }],
  ['com1', 'string', 'First serial port: BAUD[/CLOCK],DPS[,IO-BASE[,IRQ]], e.g. 115200,8n1.'],
  ['com2', 'string', 'Second serial port, as com1.'],
  ['sync_console', 'flag', 'Synchronous console output (debugging; slow).'],
  ['noirqbalance', 'flag', 'Disable IRQ balancing.'],
  ['nosmp', 'flag', 'Boot with one CPU.'],
  ['maxcpus', 'string', 'Maximum number of CPUs to bring up.'],
  ['watchdog', 'flag', 'Enable the NMI watchdog.'],
  ['noreboot', 'flag', 'Do not reboot on panic.'],
  ['acpi', 'string', "ACPI mode: off, force, strict, ht, noirq."],
  ['apic', 'string', 'APIC driver / mode selection (debug, verbose, bigsmp, …).'],
  ['apic_verbosity', 'string', 'APIC boot verbosity: verbose or debug.'],
  ['mem', 'size', 'Limit usable physical memory.'],
  ['dom0_vcpus_pin', 'flag', "Pin dom0's vcpus to physical CPUs."],
  ['sched', 'string', 'Scheduler: credit or sedf.', { allowed: ['credit', 'sedf', 'credit2', 'arinc653', 'rtds', 'null'] }],
  ['vga', 'string', 'VGA console mode, e.g. text-80x50, keep.'],
  ['no-real-mode', 'flag', 'Skip the real-mode boot code (video mode, EDD probing); GRUB 2 passes it on EFI through ${xen_rm_opts}. Parsed by xen/arch/x86/boot/cmdline.S since 3.2.', { since: '3.2' }],
  ['edd', 'enum', 'BIOS Enhanced Disk Drive probing: off, on, skipmbr (xen/arch/x86/boot/edd.S since 3.2).', { since: '3.2', allowed: ['off', 'on', 'skipmbr'] }],
  ['placeholder', 'flag', "A word GRUB 2's 20_linux_xen scripts pass as the image name; Xen skips it."],
]);

export const DOM0_OPTIONS: readonly BootOption[] = rows([
  ['pciback.hide', 'hide', "Functions the built-in pciback seizes at boot: (BB:DD.F) or (DDDD:BB:DD.F) groups, concatenated, e.g. (02:00.0)(03:00.1).", { role: 'Hides the device from dom0 drivers so xend may give it to a guest (2.6.18-xen).' }],
  ['xen-pciback.hide', 'hide', 'The pvops (2.6.32+/3.x) name of pciback.hide.', { role: 'Hides the device from dom0 drivers (pvops dom0 kernels).' }],
  ['pciback.permissive', 'flag', 'Let guests write all config-space registers of seized devices (unsafe).'],
  ['pciback.verbose_request', 'bool', 'Log every config-space request pcifront makes.'],
  ['pciback.passthrough', 'bool', 'Expose the real PCI topology to PV guests.'],
  ['xen-pciback.permissive', 'flag', 'pvops name of pciback.permissive.'],
  ['xen-pciback.passthrough', 'bool', 'pvops name of pciback.passthrough.'],
  ['root', 'string', 'Root file system device, e.g. /dev/sda2 or LABEL=/.'],
  ['ro', 'flag', 'Mount the root file system read-only first.'],
  ['rw', 'flag', 'Mount the root file system read-write.'],
  ['console', 'string', 'Linux console: tty0, ttyS0,115200n8, xvc0, hvc0 (may repeat).'],
  ['xencons', 'string', 'Where the Xen virtual console appears in dom0: tty, ttyS, xvc, off.'],
  ['apic', 'string', 'APIC verbosity: debug, verbose.'],
  ['noapic', 'flag', 'Do not use the IO-APIC.'],
  ['maxcpus', 'string', 'Maximum number of CPUs.'],
  ['pci', 'string', "PCI options, e.g. pci=nomsi (Xen 3.2 lacked MSI for guests: boot MSI-using guests with pci=nomsi)."],
  ['quiet', 'flag', 'Fewer boot messages.'],
  ['rhgb', 'flag', 'Red Hat graphical boot.'],
  ['selinux', 'string', 'SELinux on/off.'],
  ['init', 'string', 'Path of init.'],
  ['single', 'flag', 'Single-user mode.'],
  ['nomodeset', 'flag', 'No kernel mode setting.'],
  ['mem', 'size', 'Limit usable memory.'],
  ['loglevel', 'string', 'Console log level.'],
  ['earlyprintk', 'string', 'Early boot console.'],
  ['swiotlb', 'string', 'Software IOTLB size.'],
]);

export const XEN_BY_NAME = new Map(XEN_OPTIONS.map((o) => [o.name, o]));
export const DOM0_BY_NAME = new Map(DOM0_OPTIONS.map((o) => [o.name, o]));

/** The module parameters of pciback in 2.6.18-xen (`module_param` in pci_stub.c/pciback_ops.c). */
export const PCIBACK_PARAMS = ['hide', 'permissive', 'verbose_request', 'passthrough'] as const;

export interface CmdOption {
  name: string;
  value?: string;
  /** Offsets of the whole word, of the name and of the value in the file. */
  start: number;
  end: number;
  nameEnd: number;
  valueStart?: number;
}

/** Xen's boolean parse: 0/no/off/false/disable are false, anything else (or no value) true. */
export function xenBool(value: string | undefined): boolean {
  return value === undefined || !['0', 'no', 'off', 'false', 'disable'].includes(value.toLowerCase());
}

/** Whether the era's VT-d switch is on with these Xen options. */
export function vtdSwitch(opts: CmdOption[], era: Era, eraAtLeast: (e: Era) => boolean): { on: boolean; by?: CmdOption } {
  if (!eraAtLeast('3.3')) {
    const vtd = [...opts].reverse().find((o) => o.name === 'vtd');
    return { on: !!vtd && xenBool(vtd.value), by: vtd };
  }
  const iommu = [...opts].reverse().find((o) => o.name === 'iommu');
  if (!iommu) return { on: eraAtLeast('4.0') };
  const words = (iommu.value ?? '').split(',');
  const off = words.some((w) => ['0', 'no', 'off', 'false', 'disable'].includes(w));
  return { on: !off, by: iommu };
}
