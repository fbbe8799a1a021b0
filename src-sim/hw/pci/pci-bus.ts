/**
 * A PCI bus segment: 32 device slots of 8 functions, reached either directly by the host
 * bridge (a root bus) or through a bridge whose secondary/subordinate registers claim its
 * number (Linux's struct pci_bus; QEMU's PCIBus). Config routing reads the bridges' bus-number
 * registers at each cycle, so software that renumbers buses is obeyed as hardware would be.
 */
import type { PciFunction } from './pci-function.ts';

export class PciBus {
  private readonly slots = new Map<number, PciFunction>();
  /** The plugged functions by devfn, kept sorted at plug time: routing walks it on every config cycle. */
  private readonly sorted: PciFunction[] = [];

  constructor(
    readonly segment: number,
    /** The bridge whose secondary side this is; undefined for a root bus. */
    readonly parentBridge?: PciFunction,
    /** A root bus's fixed number (the host bridge decodes it); ignored behind a bridge. */
    private readonly rootNumber = 0,
  ) {}

  /** The number config cycles use for this bus now. */
  get number(): number {
    return this.parentBridge ? this.parentBridge.secondaryNumber : this.rootNumber;
  }

  get isRoot(): boolean {
    return !this.parentBridge;
  }

  plug(fn: PciFunction): void {
    if (this.slots.has(fn.devfn)) throw new Error(`${fn.id}: slot already occupied`);
    this.slots.set(fn.devfn, fn);
    this.sorted.push(fn);
    this.sorted.sort((a, b) => a.devfn - b.devfn);
    fn.bus = this;
  }

  at(devfn: number): PciFunction | undefined {
    return this.slots.get(devfn);
  }

  get functions(): PciFunction[] {
    return [...this.sorted];
  }

  /**
   * The bus numbered `target` at or below this one, following bridges whose
   * [secondary, subordinate] range contains it (type-1 forwarding); undefined = master abort.
   */
  route(target: number, depth = 0): PciBus | undefined {
    if (this.number === target) return this;
    if (depth > 32) return undefined;
    for (const fn of this.sorted) {
      if (fn.secondaryBus && fn.forwardsBus(target)) return fn.secondaryBus.route(target, depth + 1);
    }
    return undefined;
  }
}
