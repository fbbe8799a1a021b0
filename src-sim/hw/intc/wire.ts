/**
 * Interrupt lines are wires. Each driver (a device's INTx pin) gets its own pin on the line; the
 * line's level is the OR of its pins, as on a shared, wire-ORed PCI INTx line. Listeners (an
 * 8259 or I/O APIC input, Xen's physical-IRQ path) see level changes only, every one of them.
 */
export type LevelListener = (level: boolean) => void;

export class IrqPin {
  private levelNow = false;

  constructor(
    readonly name: string,
    private readonly line: IrqLine,
  ) {}

  get level(): boolean {
    return this.levelNow;
  }

  set(level: boolean): void {
    if (level === this.levelNow) return;
    this.levelNow = level;
    this.line.recompute();
  }

  /** An edge-triggered source: raise then lower (ISA devices, the PIT). */
  pulse(): void {
    this.set(true);
    this.set(false);
  }
}

export class IrqLine {
  private readonly pins: IrqPin[] = [];
  private readonly listeners: LevelListener[] = [];
  private levelNow = false;

  constructor(readonly name: string) {}

  get level(): boolean {
    return this.levelNow;
  }

  get drivers(): readonly IrqPin[] {
    return this.pins;
  }

  /** A new driver on this line (several make it a shared line). */
  pin(driverName: string): IrqPin {
    const p = new IrqPin(driverName, this);
    this.pins.push(p);
    return p;
  }

  connect(listener: LevelListener): void {
    this.listeners.push(listener);
  }

  /**
   * Called by pins; the level is derived, never stored by anyone else. A listener may change a
   * pin synchronously (a handler that reads the device's ICR and so lowers its line, a virtual
   * PIC behind do_IRQ_guest that EOIs at once). Such a nested change is queued, not delivered
   * inside the outer pass: every listener sees every edge, in the order the edges happened,
   * and none is told a level out of order.
   */
  recompute(): void {
    const level = this.pins.some((p) => p.level);
    if (level === this.levelNow) return;
    this.levelNow = level;
    if (this.delivering) {
      this.edges.push(level);
      return;
    }
    this.delivering = true;
    try {
      this.tell(level);
      // Edges raised by listeners meanwhile, in order (nearly always none).
      for (let i = 0; i < this.edges.length; i++) this.tell(this.edges[i]);
    } finally {
      this.edges.length = 0;
      this.delivering = false;
    }
  }

  private tell(level: boolean): void {
    for (const l of this.listeners) l(level);
  }

  private readonly edges: boolean[] = [];
  private delivering = false;
}
