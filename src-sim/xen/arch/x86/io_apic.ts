/**
 * The IO-APIC acknowledgement method (xen/arch/x86/io_apic.c): `ioapic_ack=old` masks a level
 * interrupt at the IO-APIC and EOIs the local APIC at once; `new` (the default) defers the local
 * EOI until every guest bound to the line has EOI'd it. 2007's acpi_dmar_init forces `old` (the
 * fake-vector variant) whenever remapping units are found.
 */
import type { XenConsole } from '../../common/console.ts';
import type { XenParam } from '../../common/kernel.ts';

export class IoApicAck {
  ackNew = true;

  constructor(private readonly con: XenConsole) {}

  /** custom_param("ioapic_ack", setup_ioapic_ack). */
  param(): XenParam {
    return {
      name: 'ioapic_ack',
      kind: 'custom',
      set: (v) => {
        if (v === 'old') this.ackNew = false;
        else if (v === 'new') this.ackNew = true;
        else this.con.printk('warning', `Unknown ioapic_ack value specified: '${String(v)}'`);
      },
    };
  }

  /** setup_IO_APIC's report line. */
  report(): void {
    this.con.printk('warning', ` -> Using ${this.ackNew ? 'new' : 'old'} ACK method`);
  }
}
