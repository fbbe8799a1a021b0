/**
 * Xen's VT-d glue as the seed lists it (2007 intel-iommu.c; 3.3+ drivers/passthrough/vtd/iommu.c):
 * iommu_setup, iommu_domain_init, assign_device / reassign_device_ownership,
 * domain_context_mapping (PCIe endpoint, conventional PCI, the bridge case), iommu_map_page,
 * iommu_page_mapping / iommu_page_unmapping, iommu_flush on p2m MMIO changes, iommu_set_pgd
 * (the guest's DMA table is its p2m) and return_devices_to_dom0 at destroy. Every effect on the
 * hardware goes through the units' registers and the tables in machine memory.
 */
import type { PhysicalMemory } from '../../../../hw/memory/phys-mem.ts';
import type { MmioSpace } from '../../../../hw/bus/mmio.ts';
import { sameBdf, type Bdf } from '../../../../../src-shared/units/bdf.ts';
import type { XenConsole } from '../../../common/console.ts';
import type { Domain } from '../../../common/domain.ts';
import type { FrameAllocator } from '../../../common/page_alloc.ts';
import { EINVAL, EIO, ENODEV, ENOMEM } from '../../../common/errno.ts';
import { atLeast, type XenEra } from '../../../common/version.ts';
import { PCI_CLASS_DEVICE, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS, type PciConf } from '../../../arch/x86/pci.ts';
import { DmarUnit, DmarUnitTimeout, FLUSH_DEVICE, FLUSH_DOMAIN, FLUSH_GLOBAL } from './dmar-unit.ts';
import { findDrhdUnit, type DmarInfo, type DrhdUnit } from './dmar.ts';
import { iommuPageFault, type LoggedFault } from './fault.ts';
import { DMA_PTE_READ, DMA_PTE_WRITE, dmaPteClear, dmaPteMap, fillLeafRun } from './dma-pte.ts';
import { Bus2Bridge, type BridgeKind } from './bus2bridge.ts';

const FILE = 'intel-iommu.c';
const DEFAULT_DOMAIN_ADDRESS_WIDTH = 48;
const PCI_CAP_ID_EXP = 0x10;
const PCI_EXP_FLAGS = 2;
const PCI_EXP_TYPE_PCI_BRIDGE = 7;
/** The vector Xen's first dynamic allocation hands the first unit's fault MSI (assign_irq_vector). */
const FIRST_DMA_MSI_VECTOR = 0x98;

type DevType = 'bridge' | 'pcie' | 'pci';

export interface VtdUnitRecord {
  drhd: DrhdUnit;
  hw: DmarUnit;
}

export interface VtdWorld {
  mem: PhysicalMemory;
  mmio: MmioSpace;
  pci: PciConf;
  con: XenConsole;
  heap: FrameAllocator;
  era: XenEra;
}

const hexBdf = (b: Bdf) => `${b.bus.toString(16)}:${b.device.toString(16)}:${b.fn.toString(16)}`;

export class VtdIommu {
  readonly units: VtdUnitRecord[];
  /** Every fault Xen's handler has logged, oldest first. */
  readonly faults: LoggedFault[] = [];
  /** bus2bridge[]: bus → the bridge in front of it (filled as bridges are mapped, i.e. by the dom0 scan). */
  readonly bus2bridge: Bus2Bridge;

  constructor(
    private readonly w: VtdWorld,
    readonly dmar: DmarInfo,
  ) {
    this.bus2bridge = new Bus2Bridge(w.era);
    // iommu_alloc: map each unit's registers and cache CAP/ECAP.
    this.units = dmar.drhds.map((drhd) => {
      const base = drhd.address;
      const window = { read: (off: number, size: 4) => w.mmio.read(base + off, size), write: (off: number, size: 4, v: number) => w.mmio.write(base + off, size, v) };
      return { drhd, hw: new DmarUnit(window, w.mem, w.heap, base) };
    });
  }

  unitFor(b: Bdf): DmarUnit | undefined {
    const drhd = findDrhdUnit(this.dmar.drhds, b);
    return this.units.find((u) => u.drhd === drhd)?.hw;
  }

  /** iommu_domain_init: AGAW from guest width 48 clamped to the (last) unit's MGAW, bumped to a supported SAGAW. */
  domainInit(d: Domain): number {
    d.iommu.pdevs = [];
    d.iommu.g2mIoports = [];
    const last = this.units[this.units.length - 1]?.hw;
    if (!last) return 0;
    const width = Math.min(DEFAULT_DOMAIN_ADDRESS_WIDTH, last.cap.mgawBits);
    const r = (width - 12) % 9;
    const adjusted = Math.min(64, r === 0 ? width : width + 9 - r);
    let agaw = Math.floor((adjusted - 30) / 9);
    if (!(last.cap.sagaw & (1 << agaw))) {
      this.w.con.gdprintk('error', { file: FILE, line: 973 }, 0, 'IOMMU: hardware doesn\'t support the agaw');
      while (agaw < 5 && !(last.cap.sagaw & (1 << agaw))) agaw++;
      if (agaw >= 5) return -ENODEV;
    }
    d.iommu.agaw = agaw;
    return 0;
  }

  levels(d: Domain): number {
    return d.iommu.agaw + 2;
  }

  /** iommu_set_pgd: an HVM domain's DMA table is its p2m (x86-64: L4 itself, or the L3 under L4[0]). */
  setPgd(d: Domain): void {
    if (!d.p2m) return;
    d.iommu.pgd = this.levels(d) === 4 ? d.p2m.root : d.p2m.l3;
  }

  /** flush_all: global context-cache and IOTLB invalidation on every unit. */
  flushAll(): void {
    for (const u of this.units) u.hw.flushAll();
  }

  /**
   * iommu_setup: flush, 1:1 map of every machine frame for dom0, root tables, every present
   * function context-mapped to dom0, RMRR identity maps, fault MSIs, translation on.
   */
  setup(dom0: Domain, maxPage: number): number {
    try {
      dom0.iommu.pdevs = [];
      this.flushAll();
      this.identityMapDom0(dom0, maxPage);
      for (const u of this.units) u.hw.setRootTable();
      this.setupDom0Devices(dom0);
      this.setupDom0Rmrr(dom0);
      this.units.forEach((u, i) => {
        u.hw.setupFaultEvent(FIRST_DMA_MSI_VECTOR + 8 * i, 0);
        this.clearFaultBit(u.hw);
        u.hw.enableTranslation();
      });
      if (atLeast(this.w.era, '3.2')) this.disablePmr();
      return 0;
    } catch (e) {
      if (!(e instanceof DmarUnitTimeout)) throw e;
      this.w.con.printk('warning', 'iommu_setup() failed');
      return -EIO;
    }
  }

  private identityMapDom0(dom0: Domain, maxPage: number): void {
    const first = this.units[0]?.hw;
    if (!first || first.ecap.pt) return;
    dom0.iommu.pgd = this.w.heap.allocPage();
    fillLeafRun(this.w.mem, this.w.heap, dom0.iommu.pgd, this.levels(dom0), 0, maxPage, 0, DMA_PTE_READ + DMA_PTE_WRITE);
  }

  /** setup_dom0_devices: brute-force scan of every bus/device/function through CF8/CFC. */
  private setupDom0Devices(dom0: Domain): void {
    for (let bus = 0; bus < 256; bus++) {
      for (let dev = 0; dev < 32; dev++) {
        for (let fn = 0; fn < 8; fn++) {
          if (!this.w.pci.present(bus, dev, fn)) continue;
          const b: Bdf = { segment: 0, bus, device: dev, fn };
          dom0.iommu.pdevs.push(b);
          const unit = this.unitFor(b);
          if (unit && this.contextMapping(dom0, unit, b) !== 0) this.w.con.gdprintk('error', { file: FILE, line: 1654 }, 0, 'domain_context_mapping failed');
        }
      }
    }
  }

  /** setup_dom0_rmrr / iommu_prepare_rmrr_dev: identity-map each RMRR for its devices. */
  private setupDom0Rmrr(d: Domain): void {
    if (this.prepareRmrr(d) !== 0) this.w.con.gdprintk('error', { file: FILE, line: 1731 }, 0, 'IOMMU: mapping reserved region failed');
  }

  private prepareRmrr(d: Domain): number {
    let rc = 0;
    for (const r of this.dmar.rmrrs) {
      for (const dev of r.devices) {
        rc = this.pageMapping(d, r.base, r.base, r.end + 1 - r.base, DMA_PTE_READ | DMA_PTE_WRITE);
        const unit = this.unitFor(dev);
        if (unit && !unit.readContext(sidOf(dev))) this.contextMapping(d, unit, dev);
      }
    }
    return rc;
  }

  /** clear_fault_bit: write back FRCD[0]'s high qword (clearing F) and PFO. */
  private clearFaultBit(u: DmarUnit): void {
    const at = u.cap.froOffset + 8;
    u.mmio.write(at + 4, 4, u.mmio.read(at + 4, 4));
    u.mmio.write(0x34, 4, 1);
  }

  /** disable_pmr (Oct 2007 on): clear PMEN.EPM if the protected regions are on. */
  private disablePmr(): void {
    for (const u of this.units) {
      if (!(u.hw.mmio.read(0x64, 4) & 1)) continue;
      u.hw.mmio.write(0x64, 4, 0);
      this.w.con.dprintk('info', { file: FILE }, 'Disabled protected memory registers');
    }
  }

  private devType(b: Bdf): DevType {
    const pci = this.w.pci;
    if (pci.read(b.bus, b.device, b.fn, PCI_CLASS_DEVICE, 2) === 0x0604) return 'bridge';
    return pci.findCap(b.bus, b.device, b.fn, PCI_CAP_ID_EXP) ? 'pcie' : 'pci';
  }

  /** pdev_type's bridge split (3.3+): a PCIe port, or a PCI bridge (no PCIe capability, or PCIe type 7). */
  private bridgeKind(b: Bdf): BridgeKind {
    const exp = this.w.pci.findCap(b.bus, b.device, b.fn, PCI_CAP_ID_EXP);
    if (!exp) return 'pci';
    return ((this.w.pci.read(b.bus, b.device, b.fn, exp + PCI_EXP_FLAGS, 2) >> 4) & 0xf) === PCI_EXP_TYPE_PCI_BRIDGE ? 'pci' : 'pcie';
  }

  /** domain_context_mapping: by device type; a conventional device off bus 0 takes its bridge (2007: and its whole bus) along. */
  contextMapping(d: Domain, unit: DmarUnit, b: Bdf): number {
    const type = this.devType(b);
    if (type === 'bridge') {
      this.recordBridge(b);
      return 0;
    }
    if (type === 'pcie' || b.bus === 0) return this.contextMappingOne(d, unit, b);
    if (!atLeast(this.w.era, '3.3') && this.bus2bridge.bridgeOf2007(b.bus).found) this.logBridgeFound(b.bus);
    return this.bus2bridge.forFunction(b, (x) => this.contextMappingOne(d, unit, x));
  }

  /** 2007 tests its lookup the wrong way round, printing an error exactly when the bridge was found; 3.2 words it as a warning. */
  private logBridgeFound(bus: number): void {
    if (atLeast(this.w.era, '3.2')) this.w.con.gdprintk('warning', { file: FILE, line: 1222 }, 0, `domain_context_mapping:bus2bridge[${bus}].bus != 0`);
    else this.w.con.gdprintk('error', { file: FILE, line: 1174 }, 0, 'domain_context_mapping:bus2bridge[pdev->bus].bus==0');
  }

  private recordBridge(b: Bdf): void {
    const sec = this.w.pci.read(b.bus, b.device, b.fn, PCI_SECONDARY_BUS, 1);
    const sub = this.w.pci.read(b.bus, b.device, b.fn, PCI_SUBORDINATE_BUS, 1);
    this.bus2bridge.record(b, this.bridgeKind(b), sec, sub);
    if (sec === sub || atLeast(this.w.era, '3.3')) return;
    const where = `bdf = ${hexBdf(b)} sec_bus = ${sec.toString(16)} sub_bus = ${sub.toString(16)}`;
    if (atLeast(this.w.era, '3.2')) {
      this.w.con.gdprintk('warning', { file: FILE, line: 1198 }, 0, `context_context_mapping: nested PCI bridge not supported: ${where}`);
      return;
    }
    this.w.con.dprintk('info', { file: FILE, line: 1141 }, 'context_mapping: nested PCI bridge not supported');
    this.w.con.dprintk('info', { file: FILE, line: 1143 }, `    ${where}`);
  }

  /** domain_context_unmap: the mirror of contextMapping. */
  contextUnmap(unit: DmarUnit, b: Bdf): number {
    const type = this.devType(b);
    if (type === 'bridge') return 0;
    if (type === 'pcie' || b.bus === 0) return this.contextUnmapOne(unit, b);
    return this.bus2bridge.forFunction(b, (x) => this.contextUnmapOne(unit, x));
  }

  /** domain_context_mapping_one: DID = domid, AW = AGAW, root = the domain's table; present entries are left alone. */
  private contextMappingOne(d: Domain, unit: DmarUnit, b: Bdf): number {
    const sid = sidOf(b);
    if (unit.readContext(sid)) return 0;
    const pt = unit.ecap.pt;
    unit.mapContext(sid, { did: d.domid, aw: d.iommu.agaw, asr: pt ? 0 : d.iommu.pgd, tt: pt ? 2 : 0 });
    // A not-present → present change: flushed only on caching-mode hardware, else the write buffer.
    if (unit.cap.cm) {
      unit.flushContext(FLUSH_DEVICE, 0, sid, 0);
      unit.flushIotlb(FLUSH_DOMAIN, 0);
    } else if (unit.cap.rwbf) unit.writeBufferFlush();
    return 0;
  }

  /** domain_context_unmap_one: clear, then global context-cache and IOTLB invalidation. */
  private contextUnmapOne(unit: DmarUnit, b: Bdf): number {
    if (!unit.readContext(sidOf(b))) return 0;
    unit.clearContext(sidOf(b));
    unit.flushContext(FLUSH_GLOBAL);
    unit.flushIotlb(FLUSH_GLOBAL);
    return 0;
  }

  /** reassign_device_ownership: silently nothing when `source` does not own the function. */
  reassignDeviceOwnership(source: Domain, target: Domain, b: Bdf, current: number): void {
    this.w.con.gdprintk('error', { file: FILE, line: 1336 }, current, `reassign_device-${hexBdf(b)}- source = ${source.domid} target = ${target.domid}`);
    const i = source.iommu.pdevs.findIndex((p) => sameBdf(p, b));
    if (i < 0) return;
    const unit = this.unitFor(b);
    if (!unit) return;
    this.contextUnmap(unit, b);
    const [pdev] = source.iommu.pdevs.splice(i, 1);
    target.iommu.pdevs.push(pdev);
    if (this.contextMapping(target, unit, b) !== 0) this.w.con.gdprintk('error', { file: FILE }, current, 'domain_context_mapping failed');
  }

  /** assign_device: take the function from dom0; RMRR maps for the domain's first device. */
  assignDevice(dom0: Domain, d: Domain, b: Bdf, current: number): number {
    if (!this.units.length) return 0;
    this.w.con.dprintk('info', { file: FILE }, `assign_device: bus = ${b.bus.toString(16)} dev = ${b.device.toString(16)} func = ${b.fn.toString(16)}`);
    const hadDevices = d.iommu.pdevs.length > 0;
    this.reassignDeviceOwnership(dom0, d, b, current);
    // 2007 tests the list after the move, so "first device" never holds: RMRRs are not mapped for guests.
    if (hadDevices || d.iommu.pdevs.length > 0) return 0;
    const rc = this.prepareRmrr(d);
    if (rc) this.w.con.gdprintk('error', { file: FILE }, current, 'IOMMU: mapping reserved region failed');
    return rc;
  }

  /** return_devices_to_dom0 (iommu_domain_teardown). */
  returnDevicesToDom0(d: Domain, dom0: Domain, current: number): void {
    while (d.iommu.pdevs.length) {
      const b = d.iommu.pdevs[0];
      this.w.con.dprintk('info', { file: FILE }, `return_devices_to_dom0: bdf = ${hexBdf(b)}`);
      const before = d.iommu.pdevs.length;
      this.reassignDeviceOwnership(d, dom0, b, current);
      if (d.iommu.pdevs.length === before) d.iommu.pdevs.shift();
    }
  }

  /** iommu_page_mapping: range map with `prot`, then the CM/RWBF flush per unit (2007 passes the byte size as the PSI page count). */
  pageMapping(d: Domain, iova: number, hpa: number, size: number, prot: number): number {
    if (!(prot & (DMA_PTE_READ | DMA_PTE_WRITE))) return -EINVAL;
    if (!d.iommu.pgd) d.iommu.pgd = this.w.heap.allocPage();
    const start = Math.floor(iova / 0x1000) * 0x1000;
    const first = Math.floor(hpa / 0x1000);
    const end = Math.ceil((hpa + size) / 0x1000);
    try {
      fillLeafRun(this.w.mem, this.w.heap, d.iommu.pgd, this.levels(d), start, end - first, first * 0x1000, prot);
    } catch {
      return -ENOMEM;
    }
    this.flushAfterMap(d, start, size);
    return 0;
  }

  /** iommu_page_unmapping: clear every leaf in the range (dma_pte_clear_one flushes each page). */
  pageUnmapping(d: Domain, iova: number, size: number): number {
    for (let a = Math.floor(iova / 0x1000) * 0x1000; a < iova + size; a += 0x1000) {
      if (dmaPteClear(this.w.mem, d.iommu.pgd, this.levels(d), a)) this.flushAfterMap(d, a, 1);
    }
    return 0;
  }

  /** iommu_map_page: one 4 KiB R|W leaf. */
  mapPage(d: Domain, gfn: number, mfn: number): number {
    if (!d.iommu.pgd) d.iommu.pgd = this.w.heap.allocPage();
    dmaPteMap(this.w.mem, this.w.heap, d.iommu.pgd, this.levels(d), gfn * 0x1000, mfn * 0x1000, DMA_PTE_READ | DMA_PTE_WRITE);
    return 0;
  }

  /** iommu_flush: after set_p2m_entry wrote an MMIO-direct entry of an HVM domain. */
  flush(d: Domain, gfn: number): void {
    this.flushAfterMap(d, gfn * 0x1000, 1);
  }

  private flushAfterMap(d: Domain, addr: number, pages: number): void {
    for (const u of this.units) {
      if (u.hw.cap.cm) u.hw.flushIotlbPages(d.domid, addr, pages);
      else if (u.hw.cap.rwbf) u.hw.writeBufferFlush();
    }
  }

  /** The fault-event MSI with `vector` arrived: run iommu_page_fault for the unit it belongs to. */
  faultInterrupt(vector: number): LoggedFault[] {
    const i = (vector - FIRST_DMA_MSI_VECTOR) / 8;
    const u = Number.isInteger(i) ? this.units[i] : undefined;
    if (!u) return [];
    const faults = iommuPageFault(u.hw, this.w.con);
    this.faults.push(...faults);
    return faults;
  }

  /** Who owns `b` in the VT-d lists (the domain whose pdev list holds it). */
  owner(domains: Iterable<Domain>, b: Bdf): Domain | undefined {
    for (const d of domains) if (d.iommu.pdevs.some((p) => sameBdf(p, b))) return d;
    return undefined;
  }
}

export function sidOf(b: Bdf): number {
  return (b.bus << 8) | (b.device << 3) | b.fn;
}
