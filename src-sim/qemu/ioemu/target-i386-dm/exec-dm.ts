/**
 * qemu-dm's access to its guest's RAM (tools/ioemu/target-i386-dm/exec-dm.c
 * cpu_physical_memory_rw): guest-physical addresses through the frames qemu-dm mapped with
 * xc_map_foreign_range. An address the p2m does not give the guest as RAM is not written, and
 * reads as all ones — as an emulated device's DMA outside the guest's memory is in qemu-dm.
 */
import type { XcHandle } from '../../../xen/tools/libxc/xc_domain.ts';
import { xcMapForeignRange } from '../../../xen/tools/libxc/xc_linux.ts';

const PAGE = 0x1000;

export function cpuPhysicalMemoryRw(xc: XcHandle, domid: number, gpa: number, buf: Uint8Array, isWrite: boolean): void {
  const mem = xc.xen.world.pc.mem;
  let done = 0;
  while (done < buf.length) {
    const a = gpa + done;
    const chunk = Math.min(buf.length - done, PAGE - (a % PAGE));
    const maddr = xcMapForeignRange(xc, domid, Math.floor(a / PAGE));
    const part = buf.subarray(done, done + chunk);
    if (maddr < 0) {
      if (!isWrite) part.fill(0xff);
    } else if (isWrite) mem.write(maddr + (a % PAGE), part);
    else mem.read(maddr + (a % PAGE), part);
    done += chunk;
  }
}
