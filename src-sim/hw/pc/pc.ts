/**
 * The physical PC a host profile describes (QEMU's hw/i386/pc.c + pc_q35.c, for the 2007
 * Core 2 / Q35 desktop of the seed and its siblings): RAM, the I/O-port and MMIO decoders, the
 * PCI hierarchy with the device models the profile names (the E1000 at 02:00.0), the 8259A
 * pair and the I/O APIC on 24 GSI wires, and one VT-d remapping unit per DRHD of its DMAR,
 * each translating the DMA of the devices its scope covers.
 *
 * Everything here is wiring; behaviour lives in the devices. The hypervisor (next layer)
 * programs this machine only through its ports, MMIO and memory.
 */
import { Simulation } from '../../engine/simulation.ts';
import { checkVersion, defineTrace, type EngineState, type RandomStreamState } from '../../engine/index.ts';
import { formatBdf, requesterId, type Bdf } from '../../../src-shared/units/bdf.ts';
import { IoPortSpace } from '../bus/ioport.ts';
import { MmioSpace } from '../bus/mmio.ts';
import { PhysicalMemory, type PhysicalMemoryState } from '../memory/phys-mem.ts';
import { DirectDmaPort, RemappedDmaPort, type DmaPort } from '../memory/dma.ts';
import { IrqLine } from '../intc/wire.ts';
import { I8259Pair, I8259_PORTS, type I8259State } from '../intc/i8259.ts';
import { IoApic, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, type ApicMessage, type IoApicState } from '../intc/io_apic.ts';
import { buildPciHost, configBytes, deviceModelProblems, functionBdf, HostProfileError, type HostProfile } from '../host-profile.ts';
import type { PciHost, PciHostState } from '../pci/pci-host.ts';
import { plugModel } from '../pci/plug.ts';
import type { BridgeLookup } from '../acpi/dmar-scope.ts';
import { createRemappingUnits, remappingUnitFor, type RemappingUnit } from '../vtd/drhd.ts';
import type { IntelIommuState } from '../vtd/iommu.ts';
import { E1000 } from '../net/e1000/e1000.ts';
import type { E1000VariantName } from '../net/e1000/e1000_pci.ts';
import { EthernetWire, type EthernetWireState } from '../net/ethernet_wire.ts';
import { LinkPartner, type LinkPartnerState } from '../net/link_partner.ts';
import { replayFirmwareHeader } from './firmware.ts';

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
  seed?: number;
  iotlbEntries?: number;
  contextCacheEntries?: number;
}

export interface PcState {
  version: 1;
  profile: string;
  engine: EngineState;
  rng: RandomStreamState[];
  mem: PhysicalMemoryState;
  pci: PciHostState;
  pic: I8259State;
  ioapic: IoApicState;
  remapping: Record<string, IntelIommuState>;
  links: Record<string, { wire: EthernetWireState; partner: LinkPartnerState }>;
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
  readonly remapping: RemappingUnit[];
  readonly nics: PcNic[] = [];
  private readonly messageListeners = new Set<(m: InterruptMessage) => void>();

  constructor(
    readonly profile: HostProfile,
    opts: PcOptions = {},
  ) {
    this.sim = new Simulation(opts.seed);
    const { tracer } = this.sim;
    this.mem = new PhysicalMemory((profile.ramMiB || DEFAULT_RAM_MIB) * 1024 * 1024);
    this.gsi = Array.from({ length: GSI_COUNT }, (_, i) => new IrqLine(`gsi${i}`));

    this.pic = new I8259Pair(tracer);
    for (const p of I8259_PORTS) this.io.map(`i8259.${p.region}`, p.base, p.length, this.pic.region(p.region));
    for (let irq = 0; irq < 16; irq++) if (irq !== 2) this.pic.connect(irq, this.gsi[irq]);

    this.ioapic = new IoApic(tracer, 'ioapic', { pins: GSI_COUNT });
    this.mmio.map('ioapic', IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, this.ioapic);
    for (let pin = 0; pin < GSI_COUNT; pin++) this.ioapic.connect(pin, this.gsi[pin]);
    this.ioapic.sink = (message) => this.deliver({ from: 'ioapic', message });

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
    for (const r of this.remapping) this.mmio.map(r.unit.unit, r.registerBase, VTD_REGISTER_PAGE, r.unit);
    this.plugModels();
  }

  /** The remapping unit whose scope covers `bdf`, or undefined (no VT-d, or not covered). */
  unitFor(bdf: Bdf): RemappingUnit | undefined {
    return this.profile.dmar ? remappingUnitFor(this.remapping, this.profile.dmar, bdf, this.bridgeLookup) : undefined;
  }

  /** Interrupt messages reach the CPUs' local APICs; Xen listens here. */
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

  private dmaPortFor(bdf: Bdf): DmaPort {
    const unit = this.unitFor(bdf);
    return unit ? new RemappedDmaPort(this.mem, unit.unit, requesterId(bdf)) : new DirectDmaPort(this.mem);
  }

  /** Plugs the device models the profile names, where firmware left their functions. */
  private plugModels(): void {
    const { engine, tracer, rng } = this.sim;
    // The same check and error as profile validation (a profile object built in code skips it).
    const unknownModels = deviceModelProblems(this.profile);
    if (unknownModels.length) throw new HostProfileError(unknownModels);
    for (const f of this.profile.pci) {
      if (!f.model) continue;
      const bdf = functionBdf(f);
      const variant = f.model.split(':')[1];
      const image = configBytes(f);
      const line = image[0x3c];
      const nic = new E1000({ variant: variant as E1000VariantName });
      const id = `pci.${formatBdf(bdf)}`;
      const intx = (line < GSI_COUNT ? this.gsi[line] : new IrqLine(`${id}.unrouted`)).pin(id);
      plugModel(this.pci, bdf, nic, { engine, tracer, rng, dma: this.dmaPortFor(bdf), intx });
      replayFirmwareHeader(this.pci, bdf, image);
      const n = this.nics.length;
      const wire = new EthernetWire(engine, tracer, `cable${n}`);
      nic.connect(wire.a);
      const partner = new LinkPartner(engine, tracer, `peer${n}`, `00:1b:21:00:00:${(2 + n).toString(16).padStart(2, '0')}`, wire.b);
      this.nics.push({ bdf, nic, wire, partner });
    }
  }

  save(): PcState {
    const remapping: PcState['remapping'] = {};
    for (const r of this.remapping) remapping[r.unit.unit] = r.unit.save();
    const links: PcState['links'] = {};
    for (const n of this.nics) links[n.wire.id] = { wire: n.wire.save(), partner: n.partner.save() };
    return {
      version: 1,
      profile: this.profile.name,
      engine: this.sim.engine.save(),
      rng: this.sim.rng.save(),
      mem: this.mem.save(),
      pci: this.pci.save(),
      pic: this.pic.save(),
      ioapic: this.ioapic.save(),
      remapping,
      links,
    };
  }

  /** Restores into a machine built from the same profile; the engine's timers come last. */
  restore(s: PcState): void {
    checkVersion('pc', s, 1);
    if (s.profile !== this.profile.name) throw new Error(`snapshot is of host "${s.profile}", this machine is "${this.profile.name}"`);
    this.sim.rng.restore(s.rng);
    this.mem.restore(s.mem);
    this.pci.restore(s.pci);
    this.pic.restore(s.pic);
    this.ioapic.restore(s.ioapic);
    for (const r of this.remapping) {
      const st = s.remapping[r.unit.unit];
      if (!st) throw new Error(`snapshot has no state for remapping unit ${r.unit.unit}`);
      r.unit.restore(st);
    }
    for (const n of this.nics) {
      const st = s.links[n.wire.id];
      if (!st) throw new Error(`snapshot has no state for ${n.wire.id}`);
      n.wire.restore(st.wire);
      n.partner.restore(st.partner);
    }
    this.sim.engine.restore(s.engine);
  }
}
