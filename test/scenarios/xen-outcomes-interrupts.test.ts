/**
 * The interrupt rows of xen.md's outcome matrix (§10 rows 7, 8, 9), table-driven: each mistake,
 * in each era, gives the real system's symptom.
 *
 * - Row 7, `acpi = 1, apic = 1`: the seed's patch delivered device interrupts through the
 *   virtual PIC only, so the guest never hears its NIC; from the merged code on (3.2, 3.4, 4.0
 *   here) the vIOAPIC path works and `vtdw run --until first-packet` succeeds.
 * - Rows 8 and 9, a machine line shared by dom0 and the guest: dom0's own second E1000
 *   (04:00.0) signals on GSI 16 like the assigned one. The guest has unloaded its driver (its
 *   8259s masked), so it never EOIs what Xen hands it. In 2007 Xen holds the line at the
 *   IO-APIC (ioapic_ack=old, or `new` overridden by acpi_dmar_init) until the guest is
 *   destroyed: dom0's NIC stops interrupting. From 3.2 the default `new` defers the local APIC
 *   EOI instead — the vector stays in service, lower priorities wait — and the 8 ms timeout
 *   releases it, so dom0's NIC keeps working, late.
 * - Row 11, two NICs on that line assigned to two guests: every interrupt goes to both; the
 *   other guest's driver finds nothing in its ICR (IRQ_NONE). If one guest never EOIs, 2007
 *   holds the line for good and the other guest loses its NIC; 3.2 frees it every 8 ms.
 */
import { describe, expect, it } from 'vitest';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import { RTE_MASKED, RTE_REMOTE_IRR } from '../../src-sim/hw/intc/io_apic.ts';
import { runVtd } from '../../src-sim/toolstack/run.ts';
import type { XenEra } from '../../src-sim/xen/common/version.ts';
import { grubWith, hvmWith, SEED_HVM } from './support/seed-host.ts';
import { bootSharedGsiHost } from './support/shared-gsi-host.ts';
import { hostProfile } from './support/xen-host.ts';

const XEN_LINE: Partial<Record<XenEra, string>> = { '2007': 'vtd=1 ioapic_ack=old dom0_mem=1024M', '3.2': 'vtd=1 dom0_mem=1024M', '3.4': 'iommu=1 dom0_mem=1024M', '4.0': 'dom0_mem=1024M' };
/** The vector Xen gives GSI 16 (FIRST_DYNAMIC_VECTOR + 8 × 16). */
const GSI16_VECTOR = 0xa0;

describe('row 7: acpi = 1, apic = 1', () => {
  const rows: { era: XenEra; result: 'ok' | 'failed'; failure?: RegExp }[] = [
    { era: '2007', result: 'failed', failure: /^fc5-vtd: no frame reached the guest's e1000 driver within 10 ms \(0 interrupts, 0 spurious\)$/ },
    { era: '3.2', result: 'ok' },
    { era: '3.4', result: 'ok' },
    { era: '4.0', result: 'ok' },
  ];

  it.each(rows)('in $era: vtdw run --until first-packet is $result', ({ era, result, failure }) => {
    const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 2007 });
    const r = runVtd({ sim: pc.sim, pc }, { era, grub: { name: 'grub.conf', text: grubWith(XEN_LINE[era]!) }, hvm: [{ name: 'hvm.conf', text: hvmWith({ acpi: '1', apic: '1' }) }], until: 'first-packet' });
    expect(r.result).toBe(result);
    if (failure) expect(r.failure?.message).toMatch(failure);
    // Either way the guest ran in IO-APIC mode and found its NIC on GSI 28.
    expect(r.events.some((e) => e.endsWith('ACPI: PCI Interrupt 0000:00:03.0[A] -> GSI 28 (level, low) -> IRQ 28'))).toBe(true);
    if (result === 'ok') expect(r.events.some((e) => e.endsWith('eth0: first frame received (114 bytes)'))).toBe(true);
  });
});

interface SharedRow {
  row: string;
  era: XenEra;
  xen: string;
  /** dom0's NIC while the guest sits on the shared interrupt. */
  dom0: 'stalls until the guest is destroyed' | 'keeps working';
  /** How Xen holds the line meanwhile. */
  held: 'masked at the IO-APIC' | 'in service at the local APIC';
}

const shared: SharedRow[] = [
  { row: '8', era: '2007', xen: 'vtd=1 ioapic_ack=old dom0_mem=1024M', dom0: 'stalls until the guest is destroyed', held: 'masked at the IO-APIC' },
  { row: '9', era: '2007', xen: 'vtd=1 ioapic_ack=new dom0_mem=1024M', dom0: 'stalls until the guest is destroyed', held: 'masked at the IO-APIC' },
  { row: '8', era: '3.2', xen: 'vtd=1 dom0_mem=1024M', dom0: 'keeps working', held: 'in service at the local APIC' },
  { row: '8', era: '3.4', xen: 'iommu=1 dom0_mem=1024M', dom0: 'keeps working', held: 'in service at the local APIC' },
];

/** The shared-line host with the guest created and its driver unloaded (all its 8259 inputs masked). */
function sharedLine(era: XenEra, xen: string) {
  const host = bootSharedGsiHost(era, xen);
  expect(host.xm.create('/etc/xen/hvm.conf', SEED_HVM).exitCode).toBe(0);
  host.pc.sim.engine.runFor(1_000_000);
  const d = host.xen.domain(host.xend.byName('fc5-vtd')!.domid)!;
  // rmmod e1000 in the guest: free_irq masks IRQ 5 at its 8259.
  d.hvmIo!.portWrite(0x21, 1, 0xff);
  const dom0Nic = host.pc.nics.find((n) => n.bdf.bus === 4)!;
  const eth0 = host.dom0.nics.get('eth0')!;
  /** The link partner sends dom0 `count` frames, 1 ms apart; `ms` of virtual time pass. */
  const traffic = (count: number, ms: number) => {
    dom0Nic.partner.startStream({ dst: dom0Nic.nic.macAddress, count, payloadBytes: 100, framesPerSecond: 1000 });
    host.pc.sim.engine.runFor(ms * 1_000_000);
  };
  return { host, d, eth0, traffic };
}

describe('rows 8 and 9: one machine line shared by dom0 and the guest', () => {
  it.each(shared)('row $row, $era with "$xen": dom0’s NIC $dom0, the line $held', ({ era, xen, dom0, held }) => {
    const s = sharedLine(era, xen);
    s.traffic(1, 2);
    expect(s.eth0.stats.rxFrames).toBe(1);
    expect(s.d.dpci.injected).toBe(1);
    const lo = s.host.pc.ioapic.lo(16);
    if (held === 'masked at the IO-APIC') {
      expect(lo & RTE_MASKED).toBe(RTE_MASKED);
      expect(s.host.pc.lapic.inService(GSI16_VECTOR)).toBe(false);
    } else {
      expect(lo & (RTE_MASKED | RTE_REMOTE_IRR)).toBe(RTE_REMOTE_IRR);
      expect(s.host.pc.lapic.inService(GSI16_VECTOR)).toBe(true);
    }
    s.traffic(20, 40);
    const interrupts = s.host.dom0.pirq!.count(16);
    if (dom0 === 'keeps working') {
      expect(s.eth0.stats.rxFrames).toBe(21);
      // Each interrupt the guest never EOIs holds the line until the 8 ms timeout: frames arrive in batches.
      expect(interrupts).toBeLessThan(21);
      expect(s.d.dpci.timeouts).toBeGreaterThan(1);
    } else {
      expect(s.eth0.stats.rxFrames).toBe(1);
      expect(interrupts).toBe(1);
      s.host.xm.destroy('fc5-vtd');
      s.host.pc.sim.engine.runFor(1_000_000);
      expect(s.eth0.stats.rxFrames).toBe(21);
      expect(s.host.pc.ioapic.lo(16) & RTE_MASKED).toBe(0);
    }
  });

  it('with `new` (3.2), a lower-priority interrupt on that CPU — dom0’s IDE disk on IRQ 14 — waits in the local APIC until the line is released', () => {
    const s = sharedLine('3.2', 'vtd=1 dom0_mem=1024M');
    let disk = 0;
    expect(s.host.dom0.pirq!.requestIrq(14, 'ide0', () => (disk++, true))).toBe(0);
    s.traffic(1, 1);
    s.host.pc.gsi[14].pin('ide0').pulse();
    s.host.pc.sim.engine.runFor(1_000_000);
    expect(s.host.pc.lapic.requested(0x20 + 8 * 14)).toBe(true);
    expect(disk).toBe(0);
    s.host.pc.sim.engine.runFor(8_000_000);
    expect(disk).toBe(1);
  });

  it('with `old` (2007), the same disk interrupt goes through at once: only the shared line is held', () => {
    const s = sharedLine('2007', 'vtd=1 ioapic_ack=old dom0_mem=1024M');
    let disk = 0;
    s.host.dom0.pirq!.requestIrq(14, 'ide0', () => (disk++, true));
    s.traffic(1, 1);
    s.host.pc.gsi[14].pin('ide0').pulse();
    s.host.pc.sim.engine.runFor(1_000);
    expect(disk).toBe(1);
  });
});

describe('row 11: two guests with devices on one machine line', () => {
  /** Guest "a" has 02:00.0, guest "b" 04:00.0, both on GSI 16; frames go to a's NIC. */
  function twoGuests(era: XenEra, xen: string) {
    const host = bootSharedGsiHost(era, xen, '(02:00.0)(04:00.0)');
    expect(host.xm.create('/etc/xen/a.conf', hvmWith({ name: '"a"' })).exitCode).toBe(0);
    expect(host.xm.create('/etc/xen/b.conf', hvmWith({ name: '"b"', pci: "[ '04:00.0' ]" })).exitCode).toBe(0);
    host.pc.sim.engine.runFor(1_000_000);
    const [a, b] = [host.xend.byName('a')!, host.xend.byName('b')!];
    const nicA = host.pc.nics.find((n) => n.bdf.bus === 2)!;
    const traffic = (count: number, ms: number) => {
      nicA.partner.startStream({ dst: nicA.nic.macAddress, count, payloadBytes: 100, framesPerSecond: 1000 });
      host.pc.sim.engine.runFor(ms * 1_000_000);
    };
    /** rmmod e1000 in guest b: its IRQ 5 masked at its 8259, it never EOIs again. */
    const unloadB = () => host.xen.domain(b.domid)!.hvmIo!.portWrite(0x21, 1, 0xff);
    return { host, a: a.guest!.nic!, b: b.guest!.nic!, traffic, unloadB };
  }

  it('each interrupt reaches both guests; the other guest’s e1000 finds its ICR empty (IRQ_NONE)', () => {
    const t = twoGuests('2007', XEN_LINE['2007']!);
    t.traffic(3, 5);
    expect(t.a.stats).toMatchObject({ rxFrames: 3, interrupts: 3 });
    expect(t.b.stats).toMatchObject({ rxFrames: 0, interrupts: 0, spurious: 3 });
  });

  it.each([
    { era: '2007' as XenEra, frames: 1, what: 'loses its NIC: the line is held for the guest that never EOIs' },
    { era: '3.2' as XenEra, frames: 10, what: 'keeps receiving: the 8 ms timeout frees the line each time' },
  ])('in $era, when the other guest never EOIs, the first $what', ({ era, frames }) => {
    const t = twoGuests(era, XEN_LINE[era]!);
    t.unloadB();
    t.traffic(10, 30);
    expect(t.a.stats.rxFrames).toBe(frames);
  });
});

/**
 * Row 19: the assigned device's line is one Xen's own serial driver holds — a UART configured
 * on IRQ 16 (`com1=115200,8n1,0x3f8,16`, as for a PCI serial card on the same INTx line).
 * ns16550_init_postirq takes the line at boot; pirq_guest_bind then refuses the guest with
 * -EBUSY, a message shown only at loglvl=all. 2007 and 3.2 ignore the result: the guest boots
 * and never hears its NIC. 3.4 and 4.0 propagate it: qemu-dm says the binding failed and
 * turns the device's INTx off.
 */
describe('row 19: the device’s IRQ is Xen’s own serial console’s', () => {
  const rows: { era: XenEra; qemu?: string }[] = [{ era: '2007' }, { era: '3.2' }, { era: '3.4', qemu: 'Error: Binding of interrupt failed! rc=-1' }, { era: '4.0', qemu: 'Error: Binding of interrupt failed! rc=-1' }];

  it.each(rows)('in $era: the guest gets no interrupt from its NIC', ({ era, qemu }) => {
    const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 2007 });
    const xen = `${XEN_LINE[era]!} com1=115200,8n1,0x3f8,16 console=com1,vga loglvl=all guest_loglvl=all`;
    const r = runVtd({ sim: pc.sim, pc }, { era, grub: { name: 'grub.conf', text: grubWith(xen) }, hvm: [{ name: 'hvm.conf', text: SEED_HVM }], until: 'first-packet' });
    expect(r.result).toBe('failed');
    expect(r.failure?.message).toMatch(/no frame reached the guest's e1000 driver within 10 ms \(0 interrupts/);
    expect(r.events.some((e) => e.includes("Cannot bind IRQ 16 to guest. In use by 'ns16550'."))).toBe(true);
    expect(r.events.some((e) => e.includes('Binding of interrupt failed'))).toBe(qemu !== undefined);
  });

  it('the same UART left on its default IRQ 4 leaves GSI 16 to the guest', () => {
    const pc = new Pc(hostProfile('seed-core2-q35'), { seed: 2007 });
    const r = runVtd({ sim: pc.sim, pc }, { era: '2007', grub: { name: 'grub.conf', text: grubWith(`${XEN_LINE['2007']!} com1=115200,8n1 console=com1,vga`) }, hvm: [{ name: 'hvm.conf', text: SEED_HVM }], until: 'first-packet' });
    expect(r.result).toBe('ok');
  });
});
