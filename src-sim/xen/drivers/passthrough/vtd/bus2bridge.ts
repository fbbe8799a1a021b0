/**
 * Which context entries a conventional PCI function behind a bridge needs: the bus2bridge[]
 * table and the two answers Xen gave over the years.
 *
 * 2007 / 3.2 (arch/x86/hvm/vmx/vtd/intel-iommu.c domain_context_mapping): a bridge records
 * bus2bridge[secondary] the first time it is mapped (the dom0 scan). A PCI function off bus 0
 * takes the bridge's own BDF and **all 32×8 devfns of its bus**, stopping at the first error:
 * every function behind the bridge moves with it. The code logs an error exactly when it did
 * find the bridge (its test is inverted).
 *
 * 3.3 / 3.4 (drivers/passthrough/vtd/iommu.c, after Linux's pci_find_upstream_pcie_bridge):
 * a PCI bridge — no PCIe capability, or PCIe port type 7 — records every bus from its secondary
 * to its subordinate; PCIe root and switch ports record nothing. A PCI function maps its own
 * BDF (3.4; 3.3 does not), each bridge up the chain, and (secondary bus, devfn 0) of the
 * topmost one — the requester id a PCIe-to-PCI bridge gives the requests it forwards — unless
 * the function itself is devfn 0 there (3.4). 4.0's find_upstream_bridge maps the same ids for
 * one bridge level.
 */
import type { Bdf } from '../../../../../src-shared/units/bdf.ts';
import { checkVersion } from '../../../../engine/index.ts';
import { atLeast, type XenEra } from '../../../common/version.ts';

/** A PCI bridge as pdev_type sees it: 'pcie' = root or switch port, 'pci' = PCI-PCI or PCIe-to-PCI bridge. */
export type BridgeKind = 'pcie' | 'pci';

const bdfAt = (bus: number, device: number, fn: number): Bdf => ({ segment: 0, bus, device, fn });

export interface Bus2BridgeState {
  version: 1;
  /** Each bus a bridge was recorded for, in bus order. */
  entries: { bus: number; bridge: Bdf }[];
}

export class Bus2Bridge {
  private readonly map = new Map<number, Bdf>();

  constructor(private readonly era: XenEra) {}

  /** A bridge was met by domain_context_mapping (dom0's scan, or an assignment). */
  record(bridge: Bdf, kind: BridgeKind, secondary: number, subordinate: number): void {
    if (!atLeast(this.era, '3.3')) {
      // 2007 fills an entry whose bus is still 0 (unset, or a bridge on bus 0) — secondary only.
      if ((this.map.get(secondary)?.bus ?? 0) === 0) this.map.set(secondary, bridge);
      return;
    }
    if (kind === 'pcie') return;
    for (let bus = secondary; bus <= subordinate; bus++) this.map.set(bus, bridge);
  }

  save(): Bus2BridgeState {
    const entries = [...this.map].sort(([a], [b]) => a - b).map(([bus, bridge]) => ({ bus, bridge: { ...bridge } }));
    return { version: 1, entries };
  }

  restore(s: Bus2BridgeState): void {
    checkVersion('bus2bridge', s, 1);
    this.map.clear();
    for (const e of s.entries) this.map.set(e.bus, { ...e.bridge });
  }

  /** The 2007 bridge lookup for `bus` (unset: 00:00.0, as the zeroed C array reads). */
  bridgeOf2007(bus: number): { bridge: Bdf; found: boolean } {
    const bridge = this.map.get(bus);
    return { bridge: bridge ?? bdfAt(0, 0, 0), found: (bridge?.bus ?? 0) !== 0 };
  }

  /** The ids a conventional PCI function `b` off bus 0 needs, in the order the era maps them; each stops at the first error. */
  forFunction(b: Bdf, each: (x: Bdf) => number): number {
    return atLeast(this.era, '3.3') ? this.upstream(b, each) : this.wholeBus(b, each);
  }

  /** 2007 / 3.2: the bridge's BDF, then every devfn of the bus. */
  private wholeBus(b: Bdf, each: (x: Bdf) => number): number {
    let rc = each(this.bridgeOf2007(b.bus).bridge);
    for (let dev = 0; dev < 32; dev++) {
      for (let fn = 0; fn < 8; fn++) {
        rc = each(bdfAt(b.bus, dev, fn));
        if (rc) return rc;
      }
    }
    return rc;
  }

  /**
   * 3.3+: 3.4 maps the function, every bridge up to the topmost PCI bridge and, unless the
   * function is devfn 0 right below it, that bridge's (secondary bus, devfn 0). 3.3 maps only
   * the topmost bridge and its (secondary bus, devfn 0) — and nothing when no bridge is known.
   */
  private upstream(b: Bdf, each: (x: Bdf) => number): number {
    const v34 = atLeast(this.era, '3.4');
    let rc = v34 ? each(b) : 0;
    if (rc) return rc;
    let at: Bdf = b;
    let below: Bdf = b;
    for (let bridge = this.map.get(at.bus), hops = 0; bridge && hops < 256; bridge = this.map.get(at.bus), hops++) {
      below = at;
      at = bridge;
      if (!v34) continue;
      rc = each(bridge);
      if (rc) return rc;
    }
    if (at === b) return rc;
    if (!v34) rc = each(at);
    if (!v34 || below.device !== 0 || below.fn !== 0) rc = each(bdfAt(below.bus, 0, 0));
    return rc;
  }
}
