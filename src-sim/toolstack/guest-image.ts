/**
 * What an HVM guest's vCPU 0 runs when Xen first schedules it: hvmloader (loaded by
 * xc_hvm_build), then the operating system on the guest's disk — the seed's Fedora Core 5 —
 * both reaching the machine only through the domain's port and memory access path.
 */
import type { Xen } from '../xen/xen.ts';
import type { Domain } from '../xen/common/domain.ts';
import { guestInterruptsEnabled } from '../xen/arch/x86/hvm/vmx/intr.ts';
import { hvmloaderPciSetup } from '../guest/hvmloader/hvmloader.ts';
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
  };
}

/** Installs the boot sequence; returns the guest OS once it is created. */
export function installHvmImage(xen: Xen, d: Domain, apic: boolean, onBoot: (os: Fc5Guest) => void): void {
  d.vcpuEntry = () => {
    const cpu = guestCpu(xen, d);
    hvmloaderPciSetup(cpu);
    const os = new Fc5Guest(cpu, xen.world.sim.tracer, d.domid, apic);
    onBoot(os);
    os.boot();
  };
}
