/**
 * The guest's emulated PCI bus in qemu-dm (tools/ioemu/hw/pci.c): devices registered in
 * pc_init1's order take the first free devfn (a whole slot each), so the first assigned device
 * lands in slot 3 behind the i440FX, PIIX3 and the VGA card.
 */
export const PT_VIRT_DEVFN_AUTO = -1;

export interface EmulatedPciDevice {
  name: string;
  devfn: number;
  /** The 256-byte configuration space the guest sees. */
  config: Uint8Array;
}

export class PciBus {
  readonly devices: EmulatedPciDevice[] = [];

  /** pci_register_device: `devfn` auto picks the next free slot's function 0; undefined when full. */
  register(name: string, devfn: number = PT_VIRT_DEVFN_AUTO, config = new Uint8Array(256)): EmulatedPciDevice | undefined {
    if (devfn < 0) {
      devfn = 0;
      while (devfn < 256 && this.devices.some((d) => d.devfn === devfn)) devfn += 8;
      if (devfn >= 256) return undefined;
    } else if (this.devices.some((d) => d.devfn === devfn)) return undefined;
    const dev = { name, devfn, config };
    this.devices.push(dev);
    return dev;
  }

  slotOf(name: string): number | undefined {
    const d = this.devices.find((x) => x.name === name);
    return d ? d.devfn >> 3 : undefined;
  }
}
