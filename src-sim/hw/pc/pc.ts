/**
 * The physical PC a host profile describes (QEMU's hw/i386/pc.c + pc_q35.c, for the 2007
 * Core 2 / Q35 desktop of the seed and its siblings): RAM, the I/O-port and MMIO decoders, the
 * PCI hierarchy with the device models the profile names (the E1000 at 02:00.0), the 8259A
 * pair and the I/O APIC on 24 GSI wires, CPU 0's local APIC that its messages reach, and one
 * VT-d remapping unit per DRHD of its DMAR, each translating the DMA of the devices its scope
 * covers.
 *
 * Everything here is wiring; behaviour lives in the devices. The hypervisor (next layer)
 * programs this machine only through its ports, MMIO and memory.
 */
import { Simulation, type SimulationSnapshot } from '../../engine/simulation.ts';
import { defineTrace, versioned } from '../../engine/index.ts';
import { formatBdf, type Bdf } from '../../../src-shared/units/bdf.ts';
import { IoPortSpace } from '../bus/ioport.ts';
import { MmioSpace } from '../bus/mmio.ts';
import { PhysicalMemory } from '../memory/phys-mem.ts';
import { DirectDmaPort, RemappedDmaPort, type DmaPort } from '../memory/dma.ts';
import { IrqLine } from '../intc/wire.ts';
import { I8259Pair, I8259_PORTS } from '../intc/i8259.ts';
import { IoApic, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, type ApicMessage } from '../intc/io_apic.ts';
import { APIC_DEFAULT_BASE, APIC_MMIO_SIZE, LocalApic } from '../intc/local_apic.ts';
import { buildPciHost, configBytes, deviceModelProblems, functionBdf, HostProfileError, type HostProfile } from '../host-profile.ts';
import type { PciHost } from '../pci/pci-host.ts';
import type { PciFunction } from '../pci/pci-function.ts';
import { plugModel } from '../pci/plug.ts';
import { dmaRequesterId } from '../pci/requester-id.ts';
import type { BridgeLookup } from '../acpi/dmar-scope.ts';
import { createRemappingUnits, remappingUnitFor, type RemappingUnit } from '../vtd/drhd.ts';
import type { E1000 } from '../net/e1000/e1000.ts';
import { deviceModel } from '../device-models.ts';
import { EthernetWire } from '../net/ethernet_wire.ts';
import { LinkPartner } from '../net/link_partner.ts';
import { replayFirmwareHeader } from './firmware.ts';
import { intxRoute, type IntxRoute } from './intx-routing.ts';

/** GSIs the I/O APIC has; 0-15 are also the 8259 inputs (IRQ 2 is the cascade). */
export const GSI_COUNT = 24;
const DEFAULT_RAM_MIB = 512;
const VTD_REGISTER_PAGE = 0x1000;

export const pcInterruptMessageTrace = defineTrace<{ from: string; address: string; data: string }>(
  'pc.interrupt_message',
  (f) => `interrupt message from ${f.from}: write 0x${f.data} to ${f.address}`,
);

/** An interrupt message on the front-side bus: an I/O APIC delivery or a VT-d fault event. */
export type InterruptMessage = { from: 'ioapic'; message: ApicMessage } | { from: 'vtd'; address: number; data: number };

export interface PcNic {
  bdf: Bdf;
  nic: E1000;
  wire: EthernetWire;
  /** The machine at the other end of the cable (an scp peer, a traffic generator). */
  partner: LinkPartner;
}

export interface PcOptions {
  /**
   * The world this machine lives in: the runtime's one Simulation. Without it the PC builds its
   * own (a test's stand-alone machine); with it, `seed` must be absent or agree.
   */
  sim?: Simulation;
  seed?: number;
  iotlbEntries?: number;
  contextCacheEntries?: number;
}

/** A PC snapshot: the whole world's components, tagged with the profile it was built from. */
export interface PcState {
  version: 2;
  profile: string;
  world: SimulationSnapshot;
}

export class Pc {
  readonly sim: Simulation;
  readonly mem: PhysicalMemory;
  readonly io = new IoPortSpace();
  readonly mmio = new MmioSpace();
  readonly pci: PciHost;
  readonly gsi: IrqLine[];
  readonly pic: I8259Pair;
  readonly ioapic: IoApic;
  /** CPU 0's local APIC: I/O APIC messages wait in its IRR until their priority lets them in. */
  readonly lapic: LocalApic;
  readonly remapping: RemappingUnit[];
  readonly nics: PcNic[] = [];
  /** Each modelled function's INTx# route, by BDF text ("0000:02:00.0"). */
  readonly intxRoutes = new Map<string, IntxRoute>();
  private readonly messageListeners = new Set<(m: InterruptMessage) => void>();

  constructor(
    readonly profile: HostProfile,
    opts: PcOptions = {},
  ) {
    if (opts.sim && opts.seed !== undefined && opts.seed !== opts.sim.seed) throw new Error(`pc: seed ${opts.seed} disagrees with the world's seed ${opts.sim.seed}`);
    this.sim = opts.sim ?? new Simulation(opts.seed);
    const { tracer, snapshots } = this.sim;
    this.mem = new PhysicalMemory((profile.ramMiB || DEFAULT_RAM_MIB) * 1024 * 1024);
    snapshots.register('mem', versioned(1, this.mem));
    this.gsi = Array.from({ length: GSI_COUNT }, (_, i) => new IrqLine(`gsi${i}`));

    this.pic = new I8259Pair(this.sim.scope('i8259'));
    snapshots.register(this.pic.id, versioned(1, this.pic));
    for (const p of I8259_PORTS) this.io.map(`i8259.${p.region}`, p.base, p.length, this.pic.region(p.region));
    for (let irq = 0; irq < 16; irq++) if (irq !== 2) this.pic.connect(irq, this.gsi[irq]);

    this.ioapic = new IoApic(this.sim.scope('ioapic'), { pins: GSI_COUNT });
    snapshots.register(this.ioapic.id, versioned(1, this.ioapic));
    this.mmio.map('ioapic', IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, this.ioapic);
    for (let pin = 0; pin < GSI_COUNT; pin++) this.ioapic.connect(pin, this.gsi[pin]);
    this.lapic = new LocalApic(this.sim.scope('lapic'), 0);
    snapshots.register(this.lapic.id, versioned(1, this.lapic));
    this.mmio.map('lapic', APIC_DEFAULT_BASE, APIC_MMIO_SIZE, this.lapic);
    // The local APIC's EOI of a level vector is broadcast to the I/O APIC (Remote IRR).
    this.lapic.onLevelEoi = (vector) => this.ioapic.eoi(vector);
    this.ioapic.sink = (message) => {
      this.deliver({ from: 'ioapic', message });
      this.lapic.accept(message.vector, message.level);
    };

    this.pci = buildPciHost(profile, { io: this.io, mmio: this.mmio, tracer }, { skipModels: true });
    this.remapping = profile.dmar
      ? createRemappingUnits(profile.dmar, {
          mem: this.mem,
          tracer,
          iotlbEntries: opts.iotlbEntries,
          contextCacheEntries: opts.contextCacheEntries,
          faultEventSink: (address, data) => this.deliver({ from: 'vtd', address, data }),
        })
      : [];
    for (const r of this.remapping) {
      this.mmio.map(r.unit.unit, r.registerBase, VTD_REGISTER_PAGE, r.unit);
      snapshots.register(r.unit.unit, versioned(1, r.unit));
    }
    this.plugModels();
    // Config spaces and the models behind them, as one component: decoders are rebuilt after all.
    snapshots.register('pci', versioned(1, this.pci));
  }

  /** The remapping unit whose scope covers `bdf`, or undefined (no VT-d, or not covered). */
  unitFor(bdf: Bdf): RemappingUnit | undefined {
    return this.profile.dmar ? remappingUnitFor(this.remapping, this.profile.dmar, bdf, this.bridgeLookup) : undefined;
  }

  /**
   * Interrupt messages on the bus, as a bus analyser sees them. An I/O APIC message then waits in
   * the local APIC (`lapic`), whose INTR the CPU takes; a VT-d fault-event message is handed on
   * here directly (simplified: its vector is not booked in the local APIC).
   */
  onInterruptMessage(l: (m: InterruptMessage) => void): () => void {
    this.messageListeners.add(l);
    return () => this.messageListeners.delete(l);
  }

  private deliver(m: InterruptMessage): void {
    const [address, data] = m.from === 'ioapic' ? [m.message.dest, m.message.vector] : [m.address, m.data];
    // For an I/O APIC delivery the "address" shown is its destination APIC id and the data its vector.
    this.sim.tracer.emit(pcInterruptMessageTrace, { from: m.from, address: '0x' + address.toString(16), data: data.toString(16) });
    for (const l of this.messageListeners) l(m);
  }

  private readonly bridgeLookup: BridgeLookup = (segment, bus, device, fn) => {
    const f = this.pci.find({ segment, bus, device, fn });
    return f?.isBridge ? f.busRange : undefined;
  };

  /** The device's DMA path; behind a PCIe-to-PCI bridge it carries the bridge's requester id. */
  private dmaPortFor(bdf: Bdf): DmaPort {
    const unit = this.unitFor(bdf);
    return unit ? new RemappedDmaPort(this.mem, unit.unit, dmaRequesterId(this.pci, bdf)) : new DirectDmaPort(this.mem);
  }

  /** Plugs the device models the profile names, where firmware left their functions. */
  private plugModels(): void {
    // The same check and error as profile validation (a profile object built in code skips it).
    const unknownModels = deviceModelProblems(this.profile);
    if (unknownModels.length) throw new HostProfileError(unknownModels);
    for (const f of this.profile.pci) {
      if (!f.model) continue;
      const bdf = functionBdf(f);
      const entry = deviceModel(f.model);
      const model = entry.create();
      const id = `pci.${formatBdf(bdf)}`;
      // The function's INTx# output is its own wire; routing connects it to a GSI below.
      const intx = new IrqLine(`${id}.intx`);
      const fn = plugModel(this.pci, bdf, model, { world: this.sim, dma: this.dmaPortFor(bdf), intx: intx.pin(id), registerSnapshot: true });
      this.wireIntx(fn, intx);
      replayFirmwareHeader(this.pci, bdf, configBytes(f));
      if (entry.kind === 'nic') this.cable(bdf, model);
    }
  }

  /** Connects a function's INTx# wire to the GSI its route reaches; unrouted, nothing listens. */
  private wireIntx(fn: PciFunction, intx: IrqLine): void {
    const route = intxRoute(fn, this.profile.irqRouting);
    if (!route) return;
    this.intxRoutes.set(formatBdf(fn.bdf), route);
    if (route.gsi === undefined || route.gsi >= GSI_COUNT) return;
    const shared = this.gsi[route.gsi].pin(fn.id);
    intx.connect((level) => shared.set(level));
  }

  private cable(bdf: Bdf, nic: E1000): void {
    const { engine, tracer, snapshots } = this.sim;
    const n = this.nics.length;
    const wire = new EthernetWire(engine, tracer, `cable${n}`);
    nic.connect(wire.a);
    const partner = new LinkPartner(engine, tracer, `peer${n}`, `00:1b:21:00:00:${(2 + n).toString(16).padStart(2, '0')}`, wire.b);
    snapshots.register(wire.id, versioned(1, wire));
    snapshots.register(partner.id, versioned(1, partner));
    this.nics.push({ bdf, nic, wire, partner });
  }

  /** The whole world, tagged with this machine's profile. */
  save(): PcState {
    return { version: 2, profile: this.profile.name, world: this.sim.save() };
  }

  /** Restores into a machine built from the same profile (and so the same components). */
  restore(s: PcState): void {
    if (s.version !== 2) throw new Error(`pc: snapshot version ${s.version}, this build reads version 2`);
    if (s.profile !== this.profile.name) throw new Error(`snapshot is of host "${s.profile}", this machine is "${this.profile.name}"`);
    this.sim.restore(s.world);
  }
}
