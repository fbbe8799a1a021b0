/**
 * Catalogue of the guest-config options of xm (`tools/python/xen/xm/create.py` `gopts.var`, with
 * the commented documentation of `tools/examples/xmexample.hvm` of each release) and of xl
 * (`xl.cfg(5)`), as data: type, default, allowed values, one-line doc, the era it exists in.
 * Completion, hover and the type/unknown-option checks all read this one table.
 *
 * Types are what the toolstack accepts: xm takes only str, list, int and float values from the
 * file (opts.py `Opts.load` filters on type; bool, tuple, dict, None and unicode are silently
 * ignored), xl takes atoms (strings or numbers) and lists of atoms.
 */
import { inEra, type Era } from './era.ts';
import { XM_HISTORY, XM_HISTORY_BY_NAME, firstSentence, historySpan, historyType } from './xm-option-history.ts';

export type OptionType = 'int' | 'float' | 'str' | 'switch' | 'list' | 'str|list' | 'str|int';

export interface OptionDef {
  name: string;
  type: OptionType;
  /** The default as the toolstack prints it, if any. */
  default?: string;
  /** Exact allowed values (for str options) or the allowed numbers (for int/switch). */
  allowed?: readonly string[];
  doc: string;
  since?: Era;
  until?: Era;
  /** Matters to an HVM guest with an assigned device (shown first in completion). */
  key?: boolean;
  /** Items of a list option follow this grammar (drives item checks and completion). */
  items?: 'pci' | 'vif' | 'disk';
  /** xm: where xm's create.py first and last defines it (`tree:path:line`), from Xen's history. */
  cite?: { first: string; last: string };
  /** xm: the eras whose create.py defines it. */
  eras?: readonly Era[];
  /** xm: xend converts the value with int() (a numeric string such as '512' works like 512). */
  xendInt?: boolean;
  /** Values that exist only in some eras, with the source that says so. */
  valueEras?: Readonly<Record<string, { since?: Era; until?: Era; cite: string }>>;
}

type Row = [name: string, type: OptionType, dflt: string | undefined, doc: string, extra?: Partial<OptionDef>];
const def = (rows: Row[]): OptionDef[] => rows.map(([name, type, d, doc, extra]) => ({ name, type, default: d, doc, ...extra }));

const ON_EXIT = ['destroy', 'restart', 'preserve', 'rename-restart'] as const;
const SWITCH = ['0', '1'] as const;

/** Curated rows: types, docs and values; their era spans come from xm's history below. */
const XM_CURATED: readonly OptionDef[] = def([
  ['builder', 'str', "'linux'", "Domain builder: 'hvm' for a fully virtualised guest (needs VT-x; 'vmx' in 3.0.0/3.0.1), 'linux' for paravirtualised.", {
    allowed: ['hvm', 'linux', 'vmx'],
    key: true,
    valueEras: { vmx: { until: '3.1', cite: "RELEASE-3.0.0:tools/python/xen/xend/image.py (VMXImageHandler ostype 'vmx'); 3.1.0-branched image.py _handlers has only linux and hvm: 'unknown image type: vmx'" } },
  }],
  ['kernel', 'str', '/usr/lib/xen/boot/hvmloader', 'For HVM: the hvmloader firmware image (lib64 on x86_64 dom0s), not a guest kernel.', { key: true }],
  ['device_model', 'str', "''", 'Path of qemu-dm, the HVM device model that owns config-space emulation of assigned devices; xend fails with "hvm: missing device model" when empty.', { key: true }],
  ['memory', 'int', '128', 'Initial guest memory in MB.', { key: true }],
  ['maxmem', 'int', undefined, 'Maximum guest memory in MB (balloon target ceiling).'],
  ['shadow_memory', 'int', 'auto', 'Shadow page-table memory in MB; at least 2 KB per MB of guest memory plus a few MB per vcpu.', { since: '3.1' }],
  ['name', 'str', undefined, 'Domain name; must be unique among running domains.', { key: true }],
  ['uuid', 'str', 'random', '128-bit domain UUID; a new one is generated on each xm create when unset.', { since: '3.1' }],
  ['vcpus', 'int', '1', 'Number of virtual CPUs.', { key: true }],
  ['cpus', 'str|list', undefined, 'Physical CPUs the vcpus may run on, e.g. "0-3,5,^1".'],
  ['cpu', 'int', undefined, 'Physical CPU to run the domain on (obsolete; use cpus).'],
  ['cpu_weight', 'float', undefined, "Credit scheduler weight of the domain's CPU share."],
  ['cpu_cap', 'int', undefined, 'Credit scheduler cap in percent of one physical CPU.', { since: '3.1' }],
  ['acpi', 'switch', '1', 'Expose ACPI tables to the guest. The seed VT-d patch only delivers device interrupts in PIC mode: set acpi=0 and apic=0 (2007).', { allowed: SWITCH, key: true }],
  ['apic', 'switch', '1', 'Expose a local APIC/IO-APIC to the guest (ignored when vcpus > 1). Seed-era passthrough needs apic=0 (PIC mode).', { allowed: SWITCH, key: true }],
  ['pae', 'switch', '1', 'Enable PAE in the guest (needed for more than 4 GB and for NX).', { allowed: SWITCH, key: true }],
  ['hap', 'switch', '1', 'Use hardware-assisted paging (EPT/NPT) when available.', { allowed: SWITCH, since: '3.2' }],
  ['hpet', 'switch', '0', 'Emulate an HPET for the guest.', { allowed: SWITCH, since: '3.3' }],
  ['timer_mode', 'int', '0', 'Virtual timer mode (0 = delay for pending ticks, 1 = no delay, 2 = no missed ticks, 3 = one missed tick pending).', { allowed: ['0', '1', '2', '3'], since: '3.1' }],
  ['viridian', 'switch', '0', 'Expose Microsoft Hyper-V (Viridian) enlightenments to Windows guests.', { allowed: SWITCH, since: '3.4' }],
  ['tsc_mode', 'int', '0', 'TSC mode: 0 default, 1 always emulate, 2 never emulate, 3 pvrdtscp.', { allowed: ['0', '1', '2', '3'], since: '4.0' }],
  ['pci', 'list', '[]', "PCI functions to give the guest, e.g. ['02:00.0'], hidden from dom0 by pciback first. A PV guest gets them through pcifront (since 2005); an HVM guest through VT-d (2007 patches, 3.2+).", { items: 'pci', key: true }],
  ['pci_msitranslate', 'switch', '1', 'Translate the device’s MSI into INTx for guests that do not enable MSI.', { allowed: SWITCH, since: '3.4' }],
  ['pci_power_mgmt', 'switch', '0', 'Let the guest program D0–D3hot power states of assigned devices.', { allowed: SWITCH, since: '3.4' }],
  ['gfx_passthru', 'switch', '0', 'Assign the graphics device listed in pci= as the primary VGA.', { allowed: SWITCH, since: '4.0' }],
  ['vif', 'list', '[]', "Network interfaces, e.g. ['type=ioemu, bridge=xenbr0, model=e1000']; type=ioemu gives an emulated NIC.", { items: 'vif', key: true }],
  ['disk', 'list', '[]', "Disks as 'TYPE:PATH,VDEV[:cdrom],MODE', e.g. ['file:/var/images/fc5.img,hda,w', ',hdc:cdrom,r'].", { items: 'disk', key: true }],
  ['boot', 'str', "'c'", 'Boot order: a (floppy), c (hard disk), d (CD-ROM), n (network), e.g. "cda".', { key: true }],
  ['sdl', 'switch', '0', 'Show the guest console in an SDL window on dom0’s X display.', { allowed: SWITCH }],
  ['opengl', 'switch', '1', 'Use OpenGL for the SDL window (only with sdl=1).', { allowed: SWITCH, since: '3.3' }],
  ['vnc', 'switch', '1', 'Export the guest console over VNC.', { allowed: SWITCH }],
  ['vncdisplay', 'int', 'domid', 'VNC display number (port 5900 + N).', { since: '3.1' }],
  ['vnclisten', 'str', "xend's vnc-listen", 'Address the VNC server listens on.', { since: '3.1' }],
  ['vncunused', 'switch', '1', 'Pick the first unused VNC port instead of 5900 + domid.', { allowed: SWITCH, since: '3.1' }],
  ['vncconsole', 'switch', '0', 'Spawn vncviewer for the domain’s console (only with vnc=1).', { allowed: SWITCH, since: '3.1' }],
  ['vncpasswd', 'str', "xend's vncpasswd", 'Password of the VNC console; empty means none.', { since: '3.1' }],
  ['vncviewer', 'switch', '0', 'Spawn a vncviewer listening for the guest (3.0 name of vncconsole).', { allowed: SWITCH, until: '3.1' }],
  ['nographic', 'switch', '0', 'No graphics at all; use the serial port.', { allowed: SWITCH }],
  ['stdvga', 'switch', '0', 'Emulate a standard VGA instead of the Cirrus Logic card.', { allowed: SWITCH }],
  ['serial', 'str', "''", "Guest serial port backend: 'pty', 'null', 'vc', 'stdio', 'file:PATH', '/dev/ttyS0'.", {}],
  ['monitor', 'switch', '0', 'Enable the qemu monitor (Ctrl-Alt-2 in the console window).', { allowed: SWITCH, since: '3.1' }],
  ['usb', 'switch', '0', 'Emulate a USB controller.', { allowed: SWITCH, since: '3.1' }],
  ['usbdevice', 'str', undefined, "Emulated USB device: 'mouse', 'tablet' or 'host:VID:PID'.", { since: '3.1' }],
  ['localtime', 'switch', '0', 'Set the guest RTC to local time instead of UTC.', { allowed: SWITCH }],
  ['rtc_timeoffset', 'int', '0', 'Guest RTC offset from dom0 in seconds.', { since: '3.1' }],
  ['keymap', 'str', "'en-us'", "Keyboard layout of the VNC/SDL console, e.g. 'de', 'ja'.", { since: '3.1' }],
  ['soundhw', 'str', undefined, "Emulated sound cards: 'sb16', 'es1370', 'all' or a comma list.", { since: '3.1' }],
  ['audio', 'switch', '0', 'Emulate a sound card (3.0 name; later soundhw).', { allowed: SWITCH, until: '3.1' }],
  ['ne2000', 'switch', '0', 'Emulate an NE2000 NIC instead of the RTL8139 (3.0; later vif model=).', { allowed: SWITCH, until: '3.1' }],
  ['cdrom', 'str', "''", 'CD-ROM image or device (3.0; later a disk entry ",hdc:cdrom,r").', { until: '3.1' }],
  ['fda', 'str', "''", 'Floppy A image.'],
  ['fdb', 'str', "''", 'Floppy B image.'],
  ['isa', 'switch', '0', 'Emulate an ISA-only machine (no PCI).', { allowed: SWITCH }],
  ['display', 'str', "$DISPLAY", 'X11 display for the SDL window.'],
  ['xauthority', 'str', '$XAUTHORITY', 'X authority file for the SDL window.'],
  ['on_poweroff', 'str', "'destroy'", 'What to do when the guest powers off.', { allowed: ON_EXIT }],
  ['on_reboot', 'str', "'restart'", 'What to do when the guest reboots.', { allowed: ON_EXIT }],
  ['on_crash', 'str', "'restart'", 'What to do when the guest crashes (coredump-* since 3.2).', { allowed: [...ON_EXIT, 'coredump-destroy', 'coredump-restart'] }],
  ['restart', 'str', undefined, "Deprecated shorthand for on_*: 'onreboot', 'always', 'never'.", { allowed: ['onreboot', 'always', 'never'] }],
  ['ioports', 'list', '[]', "I/O port ranges given directly to a PV driver domain, e.g. ['2f8-2ff']; not VT-d."],
  ['irq', 'list', '[]', 'Physical IRQs given directly to a PV driver domain; not VT-d.'],
  ['ramdisk', 'str', "''", 'Initial ramdisk for a PV guest.'],
  ['root', 'str', "''", 'root= of a PV guest kernel command line.'],
  ['extra', 'str', "''", 'Extra PV guest kernel command-line arguments.'],
  ['bootloader', 'str', undefined, 'Bootloader run in dom0 for PV guests (pygrub).'],
  ['bootargs', 'str', undefined, 'Arguments for the PV bootloader.'],
  ['vtpm', 'list', '[]', 'Virtual TPM interfaces.'],
  ['vfb', 'list', '[]', 'PV framebuffers (PV guests).', { since: '3.1' }],
  ['cpuid', 'list', undefined, 'Guest CPUID responses, per leaf and register.', { since: '3.3' }],
  ['cpuid_check', 'list', undefined, 'Host CPUID bits that must match for the guest to start.', { since: '3.3' }],
  ['vscsi', 'list', undefined, "PV SCSI devices as 'PDEV, VDEV'.", { since: '3.3' }],
  ['xen_platform_pci', 'switch', '1', 'Expose the Xen platform PCI device (PV drivers in HVM guests).', { allowed: SWITCH, since: '3.4' }],
  ['xen_extended_power_mgmt', 'int', '0', 'Extended guest power management: 0 off, 1 pass-through, 2 non-pass-through.', { allowed: ['0', '1', '2'], since: '3.4', cite: { first: "3.4.0-rc3:tools/python/xen/xm/create.py configure_hvm (opts.py setopt passes any data name; no gopts.var)", last: 'RELEASE-4.0.0:tools/python/xen/xend/image.py' } }],
  ['memory_sharing', 'switch', '0', "Share this domain's memory transparently with other domains.", { allowed: SWITCH, since: '4.0' }],
]);

/**
 * xm's option table: every `gopts.var` of every era's create.py (xm-option-history.ts), with the
 * curated type, doc and values where there is a row, the era span and citation from history.
 * A curated row xm's create.py never defined keeps its own span (xend reads it from the image
 * config, e.g. xen_extended_power_mgmt in create.py's configure_hvm list of 3.4).
 */
export const XM_OPTIONS: readonly OptionDef[] = [
  ...XM_CURATED.map((o) => {
    const h = XM_HISTORY_BY_NAME.get(o.name);
    if (!h) return o;
    const span = historySpan(h);
    return { ...o, since: span.since === '3.0' ? undefined : span.since, until: span.until, cite: { first: h.first, last: h.last }, eras: h.eras, xendInt: o.type === 'int' || o.type === 'switch' };
  }),
  ...XM_HISTORY.filter((h) => !XM_CURATED.some((o) => o.name === h.name)).map((h): OptionDef => {
    const span = historySpan(h);
    const type = historyType(h);
    return {
      name: h.name,
      type,
      default: h.default === 'None' ? undefined : h.default,
      doc: firstSentence(h.use),
      since: span.since === '3.0' ? undefined : span.since,
      until: span.until,
      cite: { first: h.first, last: h.last },
      eras: h.eras,
      xendInt: type === 'int' || type === 'switch',
    };
  }),
];

const PCI_OPT_DOC = 'Assigned PCI functions';

export const XL_OPTIONS: readonly OptionDef[] = def([
  ['type', 'str', "'pv'", "Guest type: 'hvm', 'pv' or 'pvh' (replaces builder= from Xen 4.10).", { allowed: ['hvm', 'pv', 'pvh'], since: '4.10', key: true }],
  ['builder', 'str', "'generic'", "'hvm' for an HVM guest (deprecated in favour of type= from 4.10).", { allowed: ['hvm', 'generic'], key: true }],
  ['name', 'str', undefined, 'Domain name; must be unique.', { key: true }],
  ['uuid', 'str', 'random', '128-bit domain UUID.'],
  ['memory', 'int', '128', 'Initial memory in MB.', { key: true }],
  ['maxmem', 'int', 'memory', 'Maximum memory in MB; the slack starts ballooned.'],
  ['vcpus', 'int', '1', 'Number of virtual CPUs at boot.', { key: true }],
  ['maxvcpus', 'int', 'vcpus', 'Maximum number of virtual CPUs.'],
  ['cpus', 'str|list', undefined, 'Physical CPUs the vcpus may run on.'],
  ['kernel', 'str', undefined, 'Direct-boot kernel (HVM with qemu-xen and SeaBIOS only).'],
  ['ramdisk', 'str', undefined, 'Initial ramdisk for direct boot.'],
  ['cmdline', 'str', undefined, 'Kernel command line for direct boot.'],
  ['firmware', 'str', undefined, "HVM firmware: 'bios', 'uefi' or a path."],
  ['bios', 'str', "'seabios'", "BIOS for HVM guests: 'rombios', 'seabios', 'ovmf'.", { allowed: ['rombios', 'seabios', 'ovmf'] }],
  ['device_model_version', 'str', "'qemu-xen'", "Device model: 'qemu-xen' (upstream) or 'qemu-xen-traditional'.", { allowed: ['qemu-xen', 'qemu-xen-traditional'] }],
  ['device_model_override', 'str', undefined, 'Path of the device model binary to run.'],
  ['pae', 'switch', '1', 'Expose PAE to the guest.', { allowed: SWITCH }],
  ['acpi', 'switch', '1', 'Expose ACPI to the guest.', { allowed: SWITCH, key: true }],
  ['apic', 'switch', '1', 'Expose an APIC to the guest.', { allowed: SWITCH, key: true }],
  ['hap', 'switch', '1', 'Use hardware-assisted paging.', { allowed: SWITCH }],
  ['nestedhvm', 'switch', '0', 'Allow the guest to run HVM guests itself.', { allowed: SWITCH }],
  ['viridian', 'str|list', '0', 'Hyper-V enlightenments (0/1 or a list of groups).'],
  ['hpet', 'switch', '1', 'Emulate an HPET.', { allowed: SWITCH }],
  ['timer_mode', 'str|int', "'no_delay_for_missed_ticks'", 'Virtual timer mode.'],
  ['shadow_memory', 'int', 'auto', 'Shadow page-table memory in MB.'],
  ['boot', 'str', "'cd'", 'Boot order: c (disk), d (CD-ROM), n (network).'],
  ['sdl', 'switch', '0', 'SDL console window.', { allowed: SWITCH }],
  ['vnc', 'switch', '1', 'VNC console.', { allowed: SWITCH }],
  ['vnclisten', 'str', "'127.0.0.1'", 'VNC listen address.'],
  ['vncdisplay', 'int', 'domid', 'VNC display number.'],
  ['vncunused', 'switch', '1', 'Find an unused VNC port.', { allowed: SWITCH }],
  ['vncpasswd', 'str', "''", 'VNC password.'],
  ['nographic', 'switch', '0', 'No graphics.', { allowed: SWITCH }],
  ['stdvga', 'switch', '0', 'Standard VGA instead of Cirrus (deprecated; use vga=).', { allowed: SWITCH }],
  ['vga', 'str', "'cirrus'", "Emulated graphics: 'stdvga', 'cirrus', 'none', 'qxl'.", { allowed: ['stdvga', 'cirrus', 'none', 'qxl'] }],
  ['videoram', 'int', '8', 'Video RAM in MB.'],
  ['serial', 'str|list', undefined, "Guest serial ports, e.g. 'pty'."],
  ['usb', 'switch', '0', 'Emulated USB controller.', { allowed: SWITCH }],
  ['usbdevice', 'str|list', undefined, "Emulated USB devices: 'tablet', 'mouse', 'host:VID:PID'."],
  ['soundhw', 'str', undefined, 'Emulated sound hardware.'],
  ['keymap', 'str', "'en-us'", 'Console keyboard layout.'],
  ['localtime', 'switch', '0', 'Guest RTC in local time.', { allowed: SWITCH }],
  ['rtc_timeoffset', 'int', '0', 'Guest RTC offset in seconds.'],
  ['on_poweroff', 'str', "'destroy'", 'Action on guest power-off.', { allowed: [...ON_EXIT, 'coredump-destroy', 'coredump-restart', 'soft-reset'] }],
  ['on_reboot', 'str', "'restart'", 'Action on guest reboot.', { allowed: [...ON_EXIT, 'coredump-destroy', 'coredump-restart', 'soft-reset'] }],
  ['on_crash', 'str', "'destroy'", 'Action on guest crash.', { allowed: [...ON_EXIT, 'coredump-destroy', 'coredump-restart', 'soft-reset'] }],
  ['on_watchdog', 'str', "'destroy'", 'Action when the guest watchdog fires.', { allowed: [...ON_EXIT, 'coredump-destroy', 'coredump-restart', 'soft-reset'] }],
  ['vif', 'list', '[]', "Network interfaces, e.g. ['mac=00:16:3e:00:00:01,bridge=xenbr0,model=e1000'].", { items: 'vif', key: true }],
  ['disk', 'list', '[]', "Disks, e.g. ['/dev/vg/guest-volume,raw,xvda,rw'].", { items: 'disk', key: true }],
  ['pci', 'list', '[]', `${PCI_OPT_DOC}: ['BB:DD.F', 'DDDD:BB:DD.F,permissive=1,msitranslate=0,seize=1']; make them assignable first (xl pci-assignable-add).`, { items: 'pci', key: true }],
  ['pci_permissive', 'switch', '0', 'Let the guest write all config-space registers of assigned devices (unsafe).', { allowed: SWITCH }],
  ['pci_msitranslate', 'switch', '1', 'Translate MSI to INTx for guests that do not enable MSI.', { allowed: SWITCH }],
  ['pci_seize', 'switch', '0', 'Make devices assignable automatically if they are not (unbinds dom0 drivers).', { allowed: SWITCH }],
  ['pci_power_mgmt', 'switch', '0', 'Guest-controlled device power states.', { allowed: SWITCH }],
  ['rdm', 'str', undefined, "Reserved device memory policy, e.g. 'strategy=host,policy=relaxed'."],
  ['gfx_passthru', 'str|int', '0', 'Graphics passthrough of the first assigned VGA device.'],
  ['passthrough', 'str', 'enabled when pci= is set', "IOMMU page-table mode: 'disabled', 'enabled', 'sync_pt', 'share_pt'.", { allowed: ['disabled', 'enabled', 'sync_pt', 'share_pt'] }],
  ['xen_platform_pci', 'switch', '1', 'Xen platform PCI device for PV drivers.', { allowed: SWITCH }],
  ['tsc_mode', 'str', "'default'", "TSC mode: 'default', 'always_emulate', 'native', 'native_paravirt'."],
  ['max_grant_frames', 'int', undefined, 'Maximum grant-table frames of the guest.'],
  ['extra', 'str', undefined, 'Extra kernel command-line arguments (direct boot).'],
  ['root', 'str', undefined, 'root= for direct boot.'],
]);

/** The values an option takes in one era (builder = 'vmx' only in 3.0.0/3.0.1 …). */
export function allowedIn(opt: OptionDef, era: Era): readonly string[] | undefined {
  if (!opt.allowed || !opt.valueEras) return opt.allowed;
  return opt.allowed.filter((v) => {
    const e = opt.valueEras![v];
    return !e || inEra(era, e.since, e.until);
  });
}

const index = (opts: readonly OptionDef[]) => new Map(opts.map((o) => [o.name, o]));
export const XM_BY_NAME = index(XM_OPTIONS);
export const XL_BY_NAME = index(XL_OPTIONS);

/** vif keys xm 2007-09 accepts (others: `Invalid vif option: <k>`), xen.md §11.1. */
export const XM_VIF_KEYS = ['backend', 'bridge', 'ip', 'mac', 'script', 'type', 'vifname', 'rate', 'model', 'accel', 'policy', 'label'] as const;
export const VIF_MODELS = ['rtl8139', 'ne2k_pci', 'ne2k_isa', 'pcnet', 'e1000'] as const;
