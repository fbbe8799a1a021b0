/**
 * /proc/interrupts of the 32-bit guest kernel. The format followed is show_interrupts() in
 * arch/i386/kernel/irq.c of Linux 2.6.16 (unchanged in layout through 2.6.18, where the field
 * moved from `handler->typename` to `chip->typename`; 2.6.19 appended handler names such as
 * "XT-PIC-XT", so later captures differ):
 *   header   11 spaces, then "CPU%d       " per online CPU;
 *   a row    only for an IRQ with an action: "%3d: ", "%10u " per CPU, " %14s" the chip's
 *            typename ("XT-PIC" for the 8259A, "IO-APIC-edge"/"IO-APIC-level"), "  %s" the
 *            first action's name, ", %s" each shared one;
 *   trailer  "NMI: " and "LOC: " with "%10u " per CPU (LOC because FC5's i686 kernel is built
 *            with CONFIG_X86_LOCAL_APIC; with no local APIC it stays 0), "ERR: %10u",
 *            "MIS: %10u" (CONFIG_X86_IO_APIC).
 * The same columns as the 2.4.19 `noapic` capture in test/fixtures/procfs, which keeps the
 * trailing space after each count as the kernel prints it.
 */

export interface IrqRow {
  irq: number;
  /** kstat per online CPU. */
  counts: number[];
  /** irq_desc[irq].handler->typename. */
  typename: string;
  /** The action chain's names, first registered first. */
  actions: string[];
}

export interface IrqTrailer {
  nmi: number[];
  loc: number[];
  err: number;
  mis: number;
}

const u10 = (n: number): string => String(n >>> 0).padStart(10, ' ');

export function showInterrupts(cpus: number, rows: IrqRow[], trailer: IrqTrailer): string {
  const out: string[] = [];
  out.push(' '.repeat(11) + Array.from({ length: cpus }, (_, j) => `CPU${j}`.padEnd(11, ' ')).join(''));
  for (const r of [...rows].sort((a, b) => a.irq - b.irq)) {
    if (!r.actions.length) continue;
    if (r.counts.length !== cpus) throw new Error(`/proc/interrupts: IRQ ${r.irq}: ${r.counts.length} counts for ${cpus} CPUs`);
    const counts = r.counts.map((c) => `${u10(c)} `).join('');
    out.push(`${String(r.irq).padStart(3, ' ')}: ${counts} ${r.typename.padStart(14, ' ')}  ${r.actions.join(', ')}`);
  }
  out.push(`NMI: ${trailer.nmi.map((c) => `${u10(c)} `).join('')}`);
  out.push(`LOC: ${trailer.loc.map((c) => `${u10(c)} `).join('')}`);
  out.push(`ERR: ${u10(trailer.err)}`);
  out.push(`MIS: ${u10(trailer.mis)}`);
  return out.join('\n') + '\n';
}
