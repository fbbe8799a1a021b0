/**
 * The FC5 guest's own views of the machine, read from inside it: `lspci` through its config
 * cycles (qemu-dm's virtual bus: the emulated i440FX/PIIX3 devices and the assigned E1000 with its
 * virtualised header) and /proc/interrupts from the counts its interrupt entry kept, in the
 * 2.6.16 format — after the seed's first packet, as golden files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSeedHost, hvmWith, SEED_HVM } from './support/seed-host.ts';
import { expectGolden } from '../golden/golden.ts';
import { lspci } from '../../src-sim/guest/lspci/lspci.ts';
import { configAccess } from '../../src-sim/hw/pci/pci-access.ts';
import { showInterrupts } from '../../src-sim/guest/linux/fs/proc/interrupts.ts';
import { fixture } from '../fixtures/paths.ts';

function firstPacket(hvm = SEED_HVM) {
  const host = bootSeedHost();
  host.xm.create('/etc/xen/hvm.conf', hvm);
  host.pc.sim.engine.runFor(1_000_000);
  const guest = host.xend.byName('fc5-vtd')!.guest!;
  const nic = host.pc.nics[0];
  const receive = (count: number) => {
    nic.partner.startStream({ dst: nic.nic.macAddress, count, payloadBytes: 100 });
    host.pc.sim.engine.runFor(2_000_000);
  };
  receive(1);
  return { host, guest, nic, receive };
}

/** The eth0 row's count column, as a reader of /proc/interrupts would take it. */
function eth0Count(text: string): number {
  const row = text.split('\n').find((l) => l.endsWith('  eth0'));
  if (!row) throw new Error(`no eth0 row in:\n${text}`);
  return Number(row.split(/\s+/)[2]);
}

describe('the guest’s lspci (seed, 2007, after the first packet)', () => {
  it('shows qemu-dm’s bus, not the host’s: in every format', () => {
    const { guest } = firstPacket();
    expectGolden('xen/guest-fc5-lspci.txt', guest.lspci());
    expectGolden('xen/guest-fc5-lspci-nn.txt', guest.lspci({ numeric: 2 }));
    expectGolden('xen/guest-fc5-lspci-vvv.txt', guest.lspci({ verbose: 3 }));
    expectGolden('xen/guest-fc5-lspci-x.txt', guest.lspci({ hex: 1 }));
  });

  it('lists the i440FX host bridge and the PIIX3, and the E1000 with its guest BAR and guest interrupt line', () => {
    const { host, guest } = firstPacket();
    const text = guest.lspci({ numeric: 2 });
    expect(text).toMatch(/^00:00\.0 Host bridge \[0600\]: .*\[8086:1237\]/m);
    expect(text).toMatch(/^00:01\.0 ISA bridge \[0601\]: .*\[8086:7000\]/m);
    const e1000 = text.split('\n').find((l) => l.includes('[8086:10b9]'))!;
    expect(e1000).toMatch(/^00:03\.0 Ethernet controller \[0200\]: Intel Corporation 82572EI/);
    const block = guest.lspci({ verbose: 3 }).split('\n\n').find((b) => b.startsWith('00:03.0'))!;
    expect(block).toContain(`Interrupt: pin A routed to IRQ ${guest.nic!.irq}`);
    expect(block).toContain(`Region 0: Memory at ${guest.nic!.mmio.toString(16)} (32-bit, non-prefetchable)`);
    // The host's lspci of the same NIC (02:00.0) shows machine BARs and the machine's line: the guest sees neither.
    const hostBlock = lspci(configAccess(host.pc.pci), { verbose: 3 }).split('\n\n').find((b) => b.startsWith('02:00.0'))!;
    const region0 = (b: string) => /Region 0: Memory at ([0-9a-f]+)/.exec(b)![1];
    expect(region0(hostBlock)).not.toBe(region0(block));
    expect(hostBlock).not.toContain(`routed to IRQ ${guest.nic!.irq}\n`);
  });
});

describe('the guest’s /proc/interrupts (2.6.16, PIC mode)', () => {
  it('renders the XT-PIC rows and the trailer as that kernel prints them', () => {
    const { guest } = firstPacket();
    const text = guest.procInterrupts();
    expectGolden('xen/guest-fc5-proc-interrupts.txt', text);
    const lines = text.split('\n');
    expect(lines[0]).toBe('           CPU0       ');
    expect(lines[1]).toBe('  0:          0          XT-PIC  timer');
    expect(lines[2]).toBe('  2:          0          XT-PIC  cascade');
    expect(lines.slice(-5)).toEqual(['NMI:          0 ', 'LOC:          0 ', 'ERR:          0', 'MIS:          0', '']);
  });

  it('counts every interrupt the e1000 takes on its line, and only those', () => {
    const { guest, receive } = firstPacket();
    const before = eth0Count(guest.procInterrupts());
    expect(before).toBe(guest.interruptCount(guest.nic!.irq));
    expect(before).toBeGreaterThan(0);
    expect(before).toBe(guest.nic!.stats.interrupts + guest.nic!.stats.spurious);
    receive(5);
    const after = eth0Count(guest.procInterrupts());
    expect(after).toBeGreaterThan(before);
    expect(after).toBe(guest.nic!.stats.interrupts + guest.nic!.stats.spurious);
    receive(20);
    expect(eth0Count(guest.procInterrupts())).toBe(guest.nic!.stats.interrupts + guest.nic!.stats.spurious);
    expect(eth0Count(guest.procInterrupts())).toBeGreaterThan(after);
  });

  it('has the e1000 line at the IRQ qemu-dm’s header gives the guest', () => {
    const { guest } = firstPacket();
    const irq = guest.nic!.irq;
    const row = guest.procInterrupts().split('\n').find((l) => l.endsWith('  eth0'))!;
    expect(row.startsWith(`${String(irq).padStart(3, ' ')}:`)).toBe(true);
    expect(row).toContain('XT-PIC');
  });

  it('in IO-APIC mode (apic = 1 with the seed’s patch) shows IO-APIC chips, no cascade, and an eth0 count that never moves', () => {
    const host = bootSeedHost();
    host.xm.create('/etc/xen/hvm.conf', hvmWith({ acpi: '1', apic: '1' }));
    host.pc.sim.engine.runFor(1_000_000);
    const guest = host.xend.byName('fc5-vtd')!.guest!;
    const nic = host.pc.nics[0];
    nic.partner.startStream({ dst: nic.nic.macAddress, count: 3, payloadBytes: 100 });
    host.pc.sim.engine.runFor(5_000_000);
    const text = guest.procInterrupts();
    expect(text).not.toContain('cascade');
    expect(text).toContain('  0:          0    IO-APIC-edge  timer');
    expect(eth0Count(text)).toBe(0);
    expect(text).toMatch(/IO-APIC-level {2}eth0\n/);
  });
});

describe('the /proc/interrupts printer against a real capture', () => {
  it('re-renders the 2.4.19 noapic XT-PIC capture (same show_interrupts columns) from its own numbers', () => {
    const text = readFileSync(fixture('procfs', 'lkml-2002-2.4.19-noapic-xtpic-smp.txt'), 'utf8');
    const real = text.slice(text.indexOf('/proc/interrupts\n') + '/proc/interrupts\n'.length).trimEnd().split('\n');
    const nums = (l: string) => l.slice(4).trim().split(/\s+/).map(Number);
    const rows = real.slice(1, -4).map((l) => {
      const m = /^\s*(\d+):\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(l)!;
      return { irq: Number(m[1]), counts: [Number(m[2]), Number(m[3])], typename: m[4], actions: m[5].split(', ') };
    });
    const [nmi, loc, err, mis] = real.slice(-4);
    const ours = showInterrupts(2, rows, { nmi: nums(nmi), loc: nums(loc), err: nums(err)[0], mis: nums(mis)[0] });
    // The mail archive lost the trailing spaces the kernel prints; everything else is byte for byte.
    expect(ours.trimEnd().split('\n').map((l) => l.trimEnd())).toEqual(real.map((l) => l.trimEnd()));
  });

  it('lists shared actions comma-separated and refuses counts that do not match the CPUs', () => {
    const text = showInterrupts(1, [{ irq: 11, counts: [7], typename: 'XT-PIC', actions: ['uhci_hcd', 'eth0'] }], { nmi: [0], loc: [0], err: 0, mis: 0 });
    expect(text.split('\n')[1]).toBe(' 11:          7          XT-PIC  uhci_hcd, eth0');
    expect(() => showInterrupts(2, [{ irq: 5, counts: [1], typename: 'XT-PIC', actions: ['eth0'] }], { nmi: [0, 0], loc: [0, 0], err: 0, mis: 0 })).toThrow(
      /IRQ 5: 1 counts for 2 CPUs/,
    );
  });
});
