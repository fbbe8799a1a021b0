/**
 * Where each series of the catalogue gets its numbers: one sampler per subscription, reading
 * the live world on wall-clock ticks. Columns are exactly the catalogue's (the protocol checks).
 */
import { GSI_COLUMNS, NIC_SLOTS, nicSlotColumns, type SeriesName } from '../../src-shared/protocol/index.ts';
import { requesterId } from '../../src-shared/units/bdf.ts';
import { HeartbeatSampler } from '../metrics/heartbeat.ts';
import type { World } from '../world/world.ts';

export type SeriesPoint = Record<string, number>;
export type SeriesSampler = (wallMs: number) => SeriesPoint | undefined;

function heartbeat(world: World): SeriesSampler {
  const s = new HeartbeatSampler(world.sim.engine);
  return (wallMs) => s.sample(wallMs) as SeriesPoint | undefined;
}

function interrupts(world: World): SeriesSampler {
  return (wallMs) => {
    const p: SeriesPoint = { wallMs, virtualNs: world.sim.engine.now };
    GSI_COLUMNS.forEach((c, gsi) => (p[c] = world.interrupts.count(gsi)));
    return p;
  };
}

function nic(world: World): SeriesSampler {
  return (wallMs) => {
    const p: SeriesPoint = { wallMs, virtualNs: world.sim.engine.now, rxFrames: 0, txFrames: 0, rxDropped: 0, rxBytes: 0, txBytes: 0 };
    for (const n of world.pc.nics) {
      const f = n.nic.frames;
      p.rxFrames += f.rx;
      p.txFrames += f.tx;
      p.rxDropped += f.rxDropped;
      p.rxBytes += f.rxBytes;
      p.txBytes += f.txBytes;
    }
    for (let k = 0; k < NIC_SLOTS; k++) {
      const n = world.pc.nics[k];
      const c = nicSlotColumns(k);
      p[c.bdf] = n ? n.bdf.segment * 0x10000 + requesterId(n.bdf) : -1;
      p[c.rxBytes] = n?.nic.frames.rxBytes ?? 0;
      p[c.txBytes] = n?.nic.frames.txBytes ?? 0;
    }
    return p;
  };
}

function iotlb(world: World): SeriesSampler {
  return (wallMs) => {
    const p = { wallMs, virtualNs: world.sim.engine.now, iotlbHits: 0, iotlbMisses: 0, contextMisses: 0, faults: 0 };
    for (const r of world.pc.remapping) {
      const s = r.unit.stats;
      p.iotlbHits += s.iotlbHits;
      p.iotlbMisses += s.iotlbMisses;
      p.contextMisses += s.contextMisses;
      p.faults += s.faults;
    }
    return p;
  };
}

export const SERIES_SOURCES: Record<SeriesName, (world: World) => SeriesSampler> = { heartbeat, interrupts, nic, iotlb };
