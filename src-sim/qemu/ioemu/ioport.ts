/**
 * qemu's I/O port dispatch (vl.c register_ioport_read / register_ioport_write /
 * isa_unassign_ioport, qemu 0.8 as in qemu-dm of 2007): emulated devices claim port ranges when
 * the guest maps their I/O BARs (the region's map callback), and qemu-dm's ioreq handler looks
 * the port up here. Remapping a BAR unassigns the old range first.
 */
export interface IoportHandler {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

interface Range {
  base: number;
  length: number;
  handler: IoportHandler;
}

export class IoportTable {
  private ranges: Range[] = [];

  /** register_ioport_read + _write for [base, base + length). */
  register(base: number, length: number, handler: IoportHandler): void {
    this.unassign(handler);
    this.ranges.push({ base, length, handler });
  }

  /** isa_unassign_ioport for every range `handler` holds. */
  unassign(handler: IoportHandler): void {
    this.ranges = this.ranges.filter((r) => r.handler !== handler);
  }

  lookup(port: number): { handler: IoportHandler; offset: number } | undefined {
    const r = this.ranges.find((x) => port >= x.base && port < x.base + x.length);
    return r && { handler: r.handler, offset: port - r.base };
  }
}
