/**
 * hvmloader's PCI setup (tools/firmware/hvmloader/hvmloader.c pci_setup), run by the guest's
 * vCPU through its own port accesses: route the PIIX3 PCI links (IRQ 5, 10, 11, 5 from the
 * 0x0c20 mask), set the ELCR, then place every BAR (I/O from 0xc000, memory from 0xF0000000,
 * each aligned to its size), enable decoding, and write the interrupt line by the barber's pole.
 * It prints through port 0xE9, which Xen turns into "HVMn: …" console lines.
 *
 * Two generations: 2007-09 / 3.2 size, place and enable one BAR at a time in devfn order, with
 * no upper limit; 3.3 on sizes every BAR first (restoring each one's value, decoding still off),
 * then places them in descending size order — the fewest holes — refusing one that does not fit
 * ("no space for resource!"), and only then turns decoding on. A device model that maps BARs as
 * they move (qemu-dm 3.3+) therefore never sees a BAR at its all-ones sizing address mapped.
 */
export interface GuestPorts {
  portRead(port: number, size: 1 | 2 | 4): number;
  portWrite(port: number, size: 1 | 2 | 4, value: number): void;
}

const PCI_ISA_DEVFN = 0x08;
const PCI_ISA_IRQ_MASK = 0x0c20;
const PCI_IO_BASE = 0xc000;
const PCI_MEM_BASE = 0xf000_0000;

/** The I/O and memory windows (3.3+: io_resource, mem_resource with their limits). */
const PCI_IO_END = 0x1_0000;
const PCI_MEM_END = 0xfc00_0000;

export interface PciSetupOptions {
  /** 3.3+: size every BAR first, then place them largest first within the windows. */
  sortedPlacement?: boolean;
}

export interface BarPlacement {
  devfn: number;
  bar: number;
  size: number;
  base: number;
}

class Firmware {
  constructor(private readonly p: GuestPorts) {}

  print(line: string): void {
    for (const c of line + '\n') this.p.portWrite(0xe9, 1, c.charCodeAt(0));
  }

  private select(devfn: number, reg: number): void {
    this.p.portWrite(0xcf8, 4, (0x80000000 | (devfn << 8) | (reg & 0xfc)) >>> 0);
  }

  read(devfn: number, reg: number, size: 1 | 2 | 4): number {
    this.select(devfn, reg);
    return this.p.portRead(0xcfc + (reg & 3), size) >>> 0;
  }

  write(devfn: number, reg: number, size: 1 | 2 | 4, value: number): void {
    this.select(devfn, reg);
    this.p.portWrite(0xcfc + (reg & 3), size, value >>> 0);
  }
}

const hex = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0');

/** pci_setup: returns every BAR it placed. */
export function hvmloaderPciSetup(ports: GuestPorts, opts: PciSetupOptions = {}): BarPlacement[] {
  const fw = new Firmware(ports);
  const placed: BarPlacement[] = [];
  // Program PCI-ISA bridge with appropriate link routes.
  let isaIrq = 0;
  for (let link = 0; link < 4; link++) {
    do isaIrq = (isaIrq + 1) & 15;
    while (!(PCI_ISA_IRQ_MASK & (1 << isaIrq)));
    fw.write(PCI_ISA_DEVFN, 0x60 + link, 1, isaIrq);
    fw.print(`PCI-ISA link ${link} routed to IRQ${isaIrq}`);
  }
  // Program ELCR to match PCI-wired IRQs.
  ports.portWrite(0x4d0, 1, PCI_ISA_IRQ_MASK & 0xff);
  ports.portWrite(0x4d1, 1, PCI_ISA_IRQ_MASK >> 8);

  const base = { io: PCI_IO_BASE, mem: PCI_MEM_BASE };
  const sized: SizedBar[] = [];
  for (let devfn = 0; devfn < 128; devfn++) {
    const vendor = fw.read(devfn, 0x00, 2);
    const device = fw.read(devfn, 0x02, 2);
    if (vendor === 0xffff && device === 0xffff) continue;
    const cls = fw.read(devfn, 0x0a, 2);
    if (cls === 0x0680 || cls === 0x0101) pciSpecial(fw, devfn, cls);
    if (opts.sortedPlacement) sizeBars(fw, devfn, sized);
    else placeBars(fw, devfn, base, placed);
    routeInterrupt(fw, devfn);
  }
  if (opts.sortedPlacement) placeSorted(fw, sized, base, placed);
  return placed;
}

interface SizedBar {
  devfn: number;
  reg: number;
  size: number;
}

/** 3.3+ first pass: each BAR's size, its value restored at once; kept largest first (a stable insert). */
function sizeBars(fw: Firmware, devfn: number, sized: SizedBar[]): void {
  for (let bar = 0; bar < 7; bar++) {
    const { reg, size } = probeBar(fw, devfn, bar, true);
    if (!size) continue;
    const at = sized.findIndex((b) => b.size < size);
    sized.splice(at < 0 ? sized.length : at, 0, { devfn, reg, size });
  }
}

/** 3.3+ second pass: place in that order within the windows, then enable decoding of each. */
function placeSorted(fw: Firmware, sized: SizedBar[], base: { io: number; mem: number }, placed: BarPlacement[]): void {
  for (const { devfn, reg, size } of sized) {
    const data = fw.read(devfn, reg, 4);
    const mem = (data & 1) === 0;
    const which = mem ? 'mem' : 'io';
    const at = Math.ceil(base[which] / size) * size;
    const end = at + size;
    if (end > (mem ? PCI_MEM_END : PCI_IO_END)) {
      fw.print(`pci dev ${hex(devfn >> 3, 2)}:${devfn & 7} bar ${hex(reg, 2)} size ${hex(size, 8)}: no space for resource!`);
      continue;
    }
    base[which] = end;
    const value = (at | (data & (mem ? 0xf : 0x3))) >>> 0;
    fw.write(devfn, reg, 4, value);
    placed.push({ devfn, bar: reg === 0x30 ? 6 : (reg - 0x10) / 4, size, base: at });
    fw.print(`pci dev ${hex(devfn >> 3, 2)}:${devfn & 7} bar ${hex(reg, 2)} size ${hex(size, 8)}: ${hex(value, 8)}`);
    const cmd = fw.read(devfn, 0x04, 2);
    fw.write(devfn, 0x04, 2, cmd | (reg === 0x30 || mem ? 2 : 1));
  }
}

/** PIIX4 ACPI keeps IRQ 9; IDE gets legacy decode on both channels. */
function pciSpecial(fw: Firmware, devfn: number, cls: number): void {
  if (cls === 0x0101) {
    fw.write(devfn, 0x40, 2, 0x8000);
    fw.write(devfn, 0x42, 2, 0x8000);
  }
}

/** A BAR's size by the all-ones probe (0 when unimplemented), its original value and space. */
function probeBar(fw: Firmware, devfn: number, bar: number, restore: boolean): { reg: number; orig: number; io: boolean; size: number } {
  const reg = bar === 6 ? 0x30 : 0x10 + 4 * bar;
  const orig = fw.read(devfn, reg, 4);
  fw.write(devfn, reg, 4, 0xffffffff);
  let bits = fw.read(devfn, reg, 4);
  if (restore) fw.write(devfn, reg, 4, orig);
  const io = bar !== 6 && (orig & 1) === 1;
  bits = io ? bits & 0xfffc : bits & ~0xf;
  if (bar === 6) bits &= ~1;
  return { reg, orig, io, size: (bits & -bits) >>> 0 };
}

/** 2007 / 3.2: size, place and enable each BAR in turn (the probe value stays until placement). */
function placeBars(fw: Firmware, devfn: number, base: { io: number; mem: number }, placed: BarPlacement[]): void {
  for (let bar = 0; bar < 7; bar++) {
    const { reg, orig, io, size } = probeBar(fw, devfn, bar, false);
    if (!size) continue;
    const which = io ? 'io' : 'mem';
    const at = Math.ceil(base[which] / size) * size;
    base[which] = at + size;
    const value = bar === 6 ? at | 1 : at | (orig & (io ? 1 : 0xf));
    fw.write(devfn, reg, 4, value);
    const cmd = fw.read(devfn, 0x04, 2);
    fw.write(devfn, 0x04, 2, cmd | (io ? 1 : 2));
    placed.push({ devfn, bar, size, base: at });
    fw.print(`pci dev ${hex(devfn >> 3, 2)}:${devfn & 7} bar ${hex(reg, 2)} size ${hex(size, 8)}: ${hex(at, 8)}`);
  }
}

/** Barber's pole: link = (pin - 1 + slot) & 3, INTERRUPT_LINE = that link's ISA IRQ. */
function routeInterrupt(fw: Firmware, devfn: number): void {
  const pin = fw.read(devfn, 0x3d, 1);
  if (!pin) return;
  const link = (pin - 1 + (devfn >> 3)) & 3;
  const isaIrq = fw.read(PCI_ISA_DEVFN, 0x60 + link, 1);
  fw.write(devfn, 0x3c, 1, isaIrq);
  fw.print(`pci dev ${hex(devfn >> 3, 2)}:${devfn & 7} INT${String.fromCharCode(64 + pin)}->IRQ${isaIrq}`);
}
