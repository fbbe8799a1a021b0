/**
 * What the BIOS left programmed in a device whose model we plug in: the host profile records
 * each function's config space as firmware configured it (BARs placed, COMMAND enabled, the
 * interrupt line routed). A fresh model starts from reset, so the platform replays those
 * writable header fields through ordinary config writes — the same path a guest uses — and the
 * BARs get decoded where the profile says.
 */
import type { PciHost } from '../pci/pci-host.ts';
import type { Bdf } from '../../../src-shared/units/bdf.ts';

/** Header dwords firmware programs on a type-0 function: BAR0-5, ROM, then the interrupt line. */
const BAR_OFFSETS = [0x10, 0x14, 0x18, 0x1c, 0x20, 0x24];
const ROM_OFFSET = 0x30;
const COMMAND_OFFSET = 0x04;
const CACHE_LINE_OFFSET = 0x0c;
const LATENCY_OFFSET = 0x0d;
const INTERRUPT_LINE_OFFSET = 0x3c;

function dword(bytes: Uint8Array, off: number): number {
  return (bytes[off] | (bytes[off + 1] << 8) | (bytes[off + 2] << 16) | (bytes[off + 3] << 24)) >>> 0;
}

/** Replays the firmware-programmed header of `image` onto the function at `bdf`. */
export function replayFirmwareHeader(host: PciHost, bdf: Bdf, image: Uint8Array): void {
  // Decoding off while BARs move, as firmware does; COMMAND last.
  host.configWrite(bdf, COMMAND_OFFSET, 2, 0);
  for (const off of BAR_OFFSETS) host.configWrite(bdf, off, 4, dword(image, off));
  host.configWrite(bdf, ROM_OFFSET, 4, dword(image, ROM_OFFSET));
  host.configWrite(bdf, CACHE_LINE_OFFSET, 1, image[CACHE_LINE_OFFSET]);
  host.configWrite(bdf, LATENCY_OFFSET, 1, image[LATENCY_OFFSET]);
  host.configWrite(bdf, INTERRUPT_LINE_OFFSET, 1, image[INTERRUPT_LINE_OFFSET]);
  host.configWrite(bdf, COMMAND_OFFSET, 2, image[COMMAND_OFFSET] | (image[COMMAND_OFFSET + 1] << 8));
}
