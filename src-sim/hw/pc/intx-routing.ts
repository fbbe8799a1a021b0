/**
 * Where a PCI function's INTx# wire lands: the pin is the function's Interrupt Pin register
 * (1 = INTA# … 4 = INTD#), swizzled at every bridge on the way up (PCI-to-PCI Bridge spec
 * §9.1: pin' = (pin − 1 + device) mod 4 + 1, the device number taken below the bridge), then
 * the root-bus slot and pin are looked up in the profile's routing table (the _PRT).
 * The Interrupt Line byte is what firmware wrote for the OS to read; it is not the wire.
 */
import type { PciFunction } from '../pci/pci-function.ts';
import { PCI_INTERRUPT_PIN } from '../pci/pci-regs.ts';
import type { HostProfile } from '../host-profile.ts';

export type IntxPinName = 'A' | 'B' | 'C' | 'D';
const PIN_NAMES: readonly IntxPinName[] = ['A', 'B', 'C', 'D'];

export interface IntxRoute {
  /** The function's own pin, from its Interrupt Pin register. */
  pin: IntxPinName;
  /** The root-bus slot the wire reaches after swizzling ("0000:00:1c") and its pin there. */
  rootSlot: string;
  rootPin: IntxPinName;
  /** The GSI the routing table gives, or undefined when the table has no entry. */
  gsi: number | undefined;
}

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

/** The route of `fn`'s INTx#, or undefined when its Interrupt Pin register says it has none. */
export function intxRoute(fn: PciFunction, table: HostProfile['irqRouting']): IntxRoute | undefined {
  const own = fn.config.read(PCI_INTERRUPT_PIN, 1);
  if (own < 1 || own > 4) return undefined;
  let pin = own - 1;
  let at: PciFunction = fn;
  for (let hops = 0; at.bus?.parentBridge && hops < 32; hops++) {
    pin = (pin + at.bdf.device) % 4;
    at = at.bus.parentBridge;
  }
  const rootSlot = `${hex(at.bdf.segment, 4)}:${hex(at.bdf.bus, 2)}:${hex(at.bdf.device, 2)}`;
  const rootPin = PIN_NAMES[pin];
  return { pin: PIN_NAMES[own - 1], rootSlot, rootPin, gsi: table?.[rootSlot]?.[rootPin] };
}
