/**
 * construct_dom0 leaves real content in dom0's memory: the start_info page its kernel reads
 * first. The isolation checks hash dom0's memory; this is what they would see change.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, grubWith, type SeedHost } from './support/seed-host.ts';

const cString = (bytes: Uint8Array) => String.fromCharCode(...bytes.subarray(0, bytes.indexOf(0)));

function bytesAt(host: SeedHost, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  host.pc.mem.read(addr, out);
  return out;
}

describe('construct_dom0', () => {
  it('writes start_info into dom0’s first frame: the magic, nr_pages, the dom0 flags and the module’s command line', () => {
    const host = bootSeedHost({ grub: grubWith('vtd=1 ioapic_ack=old dom0_mem=512M', 'ro root=/dev/sda1 pciback.hide=(02:00.0)') });
    const base = host.xen.dom0.frames[0].mfn * 0x1000;
    const page = bytesAt(host, base, 0x1000);
    expect(cString(page.subarray(0, 32))).toBe('xen-3.0-x86_64');
    expect(host.pc.mem.readU32(base + 32)).toBe(0x20000);
    expect(host.pc.mem.readU32(base + 48)).toBe(3);
    expect(cString(page.subarray(128))).toBe('ro root=/dev/sda1 pciback.hide=(02:00.0)');
  });

  it('cuts a command line longer than MAX_GUEST_CMDLINE at 1023 characters and its NUL', () => {
    const host = bootSeedHost({ grub: grubWith('vtd=1 ioapic_ack=old dom0_mem=512M', 'x'.repeat(2000)) });
    const base = host.xen.dom0.frames[0].mfn * 0x1000;
    expect(cString(bytesAt(host, base + 128, 1024))).toHaveLength(1023);
    expect(host.pc.mem.readU8(base + 128 + 1023)).toBe(0);
  });
});
