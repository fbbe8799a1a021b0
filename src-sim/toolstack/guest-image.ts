/**
 * What an HVM guest's vCPU 0 runs when Xen first schedules it: hvmloader (loaded by
 * xc_hvm_build), then the operating system on the guest's disk — the seed's Fedora Core 5 —
 * both reaching the machine only through the domain's port and memory access path.
 */
import type { Xen } from '../xen/xen.ts';
import type { Domain } from '../xen/common/domain.ts';
import { guestInterruptsEnabled } from '../xen/arch/x86/hvm/vmx/intr.ts';
import { doDomctl } from '../xen/common/domctl.ts';
import { hvmloaderPciSetup } from '../guest/hvmloader/hvmloader.ts';
import { atLeast } from '../xen/common/version.ts';
import { hvmloaderApicSetup, hvmloaderInterruptTables } from '../guest/hvmloader/acpi.ts';
import { Fc5Guest, type GuestCpu } from '../guest/linux/hvm-guest.ts';

export function guestCpu(xen: Xen, d: Domain): GuestCpu {
  const io = d.hvmIo!;
  return {
    portRead: (p, s) => io.portRead(p, s),
    portWrite: (p, s, v) => io.portWrite(p, s, v),
    memRead: (a, s) => io.memRead(a, s),
    memWrite: (a, s, v) => io.memWrite(a, s, v),
    setInterruptHandler: (h) => {
      d.interruptHandler = h;
      guestInterruptsEnabled(d);
    },
    now: () => xen.now,
    // A guest may issue domctl on itself; Xen's own checks decide (a guest is not privileged).
    domctl: (op) => doDomctl(xen, d.domid, op.cmd === 'memory_mapping' ? { ...op, domain: d.domid, add: true } : { ...op, domain: d.domid, allow: true }).rc,
  };
}

/** Installs the boot sequence; returns the guest OS once it is created. */
export function installHvmImage(xen: Xen, d: Domain, os: { apic: boolean; acpi?: boolean; malicious: boolean }, onBoot: (os: Fc5Guest) => void): void {
  d.vcpuEntry = () => {
    const cpu = guestCpu(xen, d);
    hvmloaderApicSetup(cpu);
    // hvmloader sizes every BAR before placing any from 3.3 on (xen-3.3's pci_setup).
    hvmloaderPciSetup(cpu, { sortedPlacement: atLeast(xen.era, '3.3') });
    const tables = os.apic ? hvmloaderInterruptTables(cpu, os.acpi ?? false) : undefined;
    const guest = new Fc5Guest(cpu, xen.world.sim.tracer, d.domid, os.apic, os.malicious, tables);
    onBoot(guest);
    guest.boot();
  };
}
