/**
 * qemu-dm, the HVM guest's device model (tools/ioemu/vl.c + hw/pc.c pc_init1), from the
 * arguments xend spawns it with: the guest's PCI bus in pc_init1's order — i440FX at 00.0,
 * PIIX3 at 01.0 (IDE 01.1, USB 01.2, ACPI 01.3), the VGA card, then the pass-through devices
 * (first free slot: 3), the Xen platform device, the emulated NICs. Exits 1 when pass-through
 * initialisation fails, as the 2007 code does. The pass-through model is the era's: 2007/3.2
 * copy the config space and forward (hw/pass-through.ts), 3.3+ emulate it by register tables
 * (hw/pass-through-34.ts).
 */
import type { Tracer } from '../../engine/index.ts';
import type { XcHandle } from '../../xen/tools/libxc/xc_domain.ts';
import { QemuLog } from './logfile.ts';
import { PciBus } from './hw/pci.ts';
import { ptInit, type LibpciDev, type PtDevice } from './hw/pass-through.ts';
import { ptInit34, type PtDevice34 } from './hw/pass-through-34.ts';
import { atLeast } from '../../xen/common/version.ts';
import { CIRRUS_VGA, I440FX, NIC_MODELS, PIIX3_IDE, Piix3, XEN_PLATFORM, emulated } from './hw/pc.ts';
import { QemuIoreq } from './ioreq.ts';
import { IoportTable } from './ioport.ts';
import { Rtl8139 } from './hw/rtl8139.ts';
import type { Scope } from '../../engine/scope.ts';
import type { IoreqServer } from '../../xen/arch/x86/hvm/io.ts';

export interface QemuDmArgs {
  domid: number;
  vcpus: number;
  pci?: string;
  acpi: boolean;
  usb: boolean;
  stdvga: boolean;
  domainName: string;
  nics: { vlan: number; mac: string; model: string; bridge: string }[];
}

/** Parses the argv xend builds (`-d 1 -vcpus 1 -boot c -acpi -pci [[…]] -domain-name x -net …`). */
export function parseQemuArgs(argv: string[]): QemuDmArgs {
  const a: QemuDmArgs = { domid: -1, vcpus: 1, acpi: false, usb: false, stdvga: false, domainName: '', nics: [] };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i] ?? '';
    switch (argv[i]) {
      case '-d':
        a.domid = parseInt(next(), 10);
        break;
      case '-vcpus':
        a.vcpus = parseInt(next(), 10);
        break;
      case '-pci':
        a.pci = next();
        break;
      case '-acpi':
        a.acpi = true;
        break;
      case '-usb':
        a.usb = true;
        break;
      case '-std-vga':
        a.stdvga = true;
        break;
      case '-domain-name':
        a.domainName = next();
        break;
      case '-net': {
        const spec = next();
        if (spec.startsWith('nic')) {
          const kv = Object.fromEntries(spec.split(',').slice(1).map((p) => p.split('=') as [string, string]));
          a.nics.push({ vlan: parseInt(kv.vlan ?? '0', 10), mac: kv.macaddr ?? '', model: kv.model ?? 'ne2k_pci', bridge: 'xenbr0' });
        } else if (spec.startsWith('tap')) {
          // -net tap,vlan=N,bridge=B: the tap of VLAN N joins bridge B (qemu-ifup).
          const kv = Object.fromEntries(spec.split(',').slice(1).map((p) => p.split('=') as [string, string]));
          const nic = a.nics.find((n) => n.vlan === parseInt(kv.vlan ?? '0', 10));
          if (nic && kv.bridge) nic.bridge = kv.bridge;
        }
        break;
      }
      default:
        if (['-boot', '-vnc', '-k', '-serial', '-vncunused', '-localtime', '-m'].includes(argv[i]) && argv[i + 1] && !argv[i + 1].startsWith('-')) i++;
    }
  }
  return a;
}

export interface QemuDmHost {
  tracer: Tracer;
  xc: XcHandle;
  /** libpci's scan of dom0's PCI bus (qemu-dm runs in dom0). */
  libpci: () => LibpciDev[];
  /** Where qemu-dm's device state is registered for snapshots (the domain's "qemu-dm" scope). */
  scope?: Scope;
}

/** A `-net tap` client: the tap device in dom0 (tapD.N) and the emulated NIC on its VLAN. */
export interface QemuTap {
  name: string;
  bridge: string;
  nic: Rtl8139;
}

export class QemuDm {
  readonly log: QemuLog;
  readonly bus = new PciBus();
  readonly args: QemuDmArgs;
  /** The assigned functions: 2007/3.2's copy-and-forward model, or 3.3+'s register tables. */
  passthrough: (PtDevice | PtDevice34)[] = [];
  readonly ioports = new IoportTable();
  readonly ioreq: IoreqServer = new QemuIoreq(this.bus, this.ioports);
  /** The emulated NICs' taps, for the host to put on its bridges (qemu-ifup). */
  readonly taps: QemuTap[] = [];
  exitCode?: number;

  constructor(
    private readonly host: QemuDmHost,
    readonly argv: string[],
  ) {
    this.args = parseQemuArgs(argv);
    this.log = new QemuLog(host.tracer, this.args.domid);
  }

  /** main → pc_init1. Returns the exit code when qemu-dm stops during start-up, else undefined. */
  start(): number | undefined {
    const a = this.args;
    this.log.write(`domid: ${a.domid}`);
    this.host.xc.attachIoreqServer(a.domid, this.ioreq);
    const bus = this.bus;
    bus.register((devfn) => emulated(I440FX, devfn), 0);
    bus.register((devfn) => new Piix3(devfn, this.host.xc, a.domid), 0x08);
    bus.register((devfn) => emulated(PIIX3_IDE, devfn), 0x09);
    bus.register((devfn) => emulated(CIRRUS_VGA, devfn));
    if (a.pci) {
      const ctx = { bus: this.bus, xc: this.host.xc, domid: a.domid, log: this.log, libpci: this.host.libpci() };
      const r = atLeast(this.host.xc.xen.era, '3.3') ? ptInit34(ctx, a.pci) : ptInit(ctx, a.pci);
      this.passthrough = r.devices;
      if (r.rc !== 0) {
        this.log.write('Error: Initialization failed for pass-through devices');
        this.exitCode = 1;
        return 1;
      }
    }
    bus.register((devfn) => emulated(XEN_PLATFORM, devfn));
    a.nics.forEach((nic, i) => {
      if (nic.model !== 'rtl8139') return void bus.register((devfn) => emulated(NIC_MODELS[nic.model] ?? NIC_MODELS.rtl8139, devfn));
      const mac = Uint8Array.from(nic.mac.split(':').map((x) => parseInt(x, 16)));
      const dev = bus.register((devfn) => new Rtl8139(devfn, mac, { xc: this.host.xc, domid: a.domid, ioports: this.ioports }, this.host.scope?.scope(`rtl8139-${i}`)));
      if (dev) this.taps.push({ name: `tap${a.domid}.${i}`, bridge: nic.bridge, nic: dev });
    });
    return undefined;
  }

  kill(): void {
    this.exitCode ??= 137;
  }
}
