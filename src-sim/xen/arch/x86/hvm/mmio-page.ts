/**
 * One of Xen's own hvm_mmio_handlers (xen/arch/x86/hvm/intercept.c): a device Xen emulates
 * itself at a fixed guest-physical window — the vIOAPIC at 0xFEC00000, the vLAPIC at
 * 0xFEE00000 — checked before an access goes to the device model. The device sees offsets.
 */
import type { RegionHandler } from '../../../../hw/bus/address-space.ts';

export class HvmMmioPage {
  constructor(
    private readonly base: number,
    private readonly length: number,
    private readonly device: RegionHandler,
  ) {}

  claims(gpa: number): boolean {
    return gpa >= this.base && gpa < this.base + this.length;
  }

  read(gpa: number, size: 1 | 2 | 4): number {
    return this.device.read(gpa - this.base, size);
  }

  write(gpa: number, size: 1 | 2 | 4, value: number): void {
    this.device.write(gpa - this.base, size, value);
  }
}
