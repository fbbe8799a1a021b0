/**
 * What a paravirtualised kernel runs on: the hypercall page of a domain wired to Xen's event
 * channel and grant table code, its shared_info event bits, and machine memory as Xen's
 * page-table checks let a PV kernel reach it (its own frames, its grant-table frames, grants
 * it holds mapped — anything else is a fault and a simulator bug). dom0's kernel and each PV
 * guest get one. `installPvImage` is xend's linux image path: vCPU 0 starts the PV kernel.
 */
import type { Xen } from '../xen/xen.ts';
import type { Domain } from '../xen/common/domain.ts';
import { evtchnAllocUnbound, evtchnBindInterdomain, evtchnBindPirq, evtchnClose, evtchnOf, evtchnSend } from '../xen/common/event_channel.ts';
import { gnttabCopy, gnttabMapGrantRef, gnttabSetupTable, gnttabUnmapGrantRef, mayAccessFrame } from '../xen/common/grant_table.ts';
import type { MachineMemory, XenHypercalls } from '../guest/linux/include/xen/hypercall.ts';
import { PvLinuxGuest } from '../guest/linux/pv-guest.ts';
import type { Xenbus } from '../guest/linux/drivers/xen/xenbus/xenbus.ts';

const PAGE = 0x1000;

function checkedMemory(xen: Xen, d: Domain): MachineMemory {
  const mem = xen.world.pc.mem;
  const check = (maddr: number, len: number, write: boolean) => {
    for (let f = Math.floor(maddr / PAGE); f <= Math.floor((maddr + len - 1) / PAGE); f++) {
      if (!mayAccessFrame(d, f, write)) throw new Error(`d${d.domid}: ${write ? 'write to' : 'read of'} machine frame 0x${f.toString(16)} it neither owns nor has mapped (a PV kernel would take a page fault)`);
    }
  };
  return {
    read: (a, dst) => (check(a, dst.length, false), mem.read(a, dst)),
    write: (a, src) => (check(a, src.length, true), mem.write(a, src)),
    readU32: (a) => (check(a, 4, false), mem.readU32(a)),
    writeU32: (a, v) => (check(a, 4, true), mem.writeU32(a, v >>> 0)),
    readU16: (a) => (check(a, 2, false), mem.readU8(a) | (mem.readU8(a + 1) << 8)),
    writeU16: (a, v) => (check(a, 2, true), mem.write(a, Uint8Array.of(v & 0xff, (v >> 8) & 0xff))),
  };
}

/** The hypercalls a PV kernel in domain `d` issues, as Xen answers them. */
export function pvHypercalls(xen: Xen, d: Domain): XenHypercalls {
  const id = d.domid;
  return {
    domid: id,
    mem: checkedMemory(xen, d),
    evtchnAllocUnbound: (remote) => evtchnAllocUnbound(xen, id, id, remote),
    evtchnBindInterdomain: (remote, port) => evtchnBindInterdomain(xen, id, remote, port),
    evtchnBindPirq: (pirq, flags) => evtchnBindPirq(xen, id, pirq, flags),
    physdevIrqUnmaskNotify: (pirq) => xen.guestIrqs.pirqGuestEoi(d, pirq),
    evtchnSend: (port) => evtchnSend(xen, id, port),
    evtchnClose: (port) => evtchnClose(xen, id, port),
    setUpcall: (handler) => {
      const t = evtchnOf(d);
      t.upcall = () => handler(t.takePending());
    },
    gnttabSetupTable: (n) => gnttabSetupTable(xen, id, id, n),
    gnttabMapGrantRef: (ops) => gnttabMapGrantRef(xen, id, ops),
    gnttabUnmapGrantRef: (handles) => gnttabUnmapGrantRef(xen, id, handles),
    gnttabCopy: (ops) => gnttabCopy(xen, id, ops),
  };
}

/** xend's linux image: vCPU 0 boots the PV kernel with the frames xc_linux_build gave it. */
export function installPvImage(xen: Xen, d: Domain, p2m: number[], xenbus: Xenbus, onBoot: (os: PvLinuxGuest) => void): void {
  d.vcpuEntry = () => {
    const os = new PvLinuxGuest(pvHypercalls(xen, d), xenbus, p2m, xen.world.sim.tracer, d.domid);
    onBoot(os);
    os.boot();
  };
}
