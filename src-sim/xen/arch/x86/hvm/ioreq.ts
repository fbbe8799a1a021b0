/**
 * The shapes between an HVM domain's I/O path and the rest: what Xen forwards to the device
 * model, and what the domain exposes of its I/O path. Kept apart from io.ts (which needs the
 * Domain and Xen) so the Domain can hold its I/O path without a cycle of imports.
 */

/** What Xen forwards to the device model (an ioreq_t of type IOREQ_TYPE_PIO / IOREQ_TYPE_COPY). */
export interface IoreqServer {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
  mmioRead(gpa: number, size: 1 | 2 | 4): number;
  mmioWrite(gpa: number, size: 1 | 2 | 4, value: number): void;
}

/** An HVM domain's port and memory access path (HvmIo), as the domain's holders see it. */
export interface HvmIoAccess {
  /** The device model's ioreq channel, once qemu-dm has attached. */
  ioreq?: IoreqServer;
  readonly counters: { dpciPortio: number; ioreqPortio: number; ioreqMmio: number; directMmio: number };
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
  memRead(gpa: number, size: 1 | 2 | 4): number;
  memWrite(gpa: number, size: 1 | 2 | 4, value: number): void;
}
