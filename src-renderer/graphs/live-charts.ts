/**
 * The Live area's charts, as data: which series each reads, its axes and lines. One chart
 * component draws them all (LiveChart.vue).
 */
import { GSI_COLUMNS } from '../../src-shared/protocol/index.ts';
import { formatSi } from '../../src-shared/units/time.ts';
import type { StreamSpec } from './stream-model.ts';
import { tidy } from './live-charts-shared.ts';


/** A rate as people read it: "0 /s" rather than "0.00 /s" while nothing moves. */
const perSecond = (v: number) => (v === 0 ? '0 /s' : formatSi(v, '/s'));
/** Ticks: plain below a thousand (0, 0.5, 1), SI prefixes above (1.50 k). */
const rateTick = (v: number) => (Math.abs(v) < 1000 ? tidy(v) : formatSi(v));

export const HEARTBEAT: StreamSpec = {
  series: 'heartbeat',
  title: 'Simulator heartbeat',
  inputs: ['eventsPerSecond', 'achievedSpeed'],
  counters: false,
  axes: [
    { scale: 'rate', label: 'events / wall s', side: 'left', tick: rateTick },
    { scale: 'speed', label: 'virtual s per wall s', side: 'right', tick: (v) => `${rateTick(v)}×`, headroom: 1.6 },
  ],
  lines: [
    { label: 'events/s', scale: 'rate', format: (v) => `${formatSi(v)} events/s`, columns: [0] },
    { label: 'achieved speed', scale: 'speed', format: (v) => `${v.toFixed(3)}×`, dash: [6, 4], columns: [1] },
  ],
  flatText: 'No events dispatched: the run is idle.',
};

export const INTERRUPTS: StreamSpec = {
  series: 'interrupts',
  title: 'Interrupts per GSI',
  inputs: GSI_COLUMNS,
  counters: true,
  axes: [{ scale: 'rate', label: 'interrupts / s', side: 'left', tick: rateTick }],
  lines: { top: 6, label: (c) => c.replace('gsi', 'GSI '), allLabel: 'all GSIs', scale: 'rate', format: perSecond },
  flatText: 'No interrupts yet: every GSI stays flat until a driver runs.',
};

export const NIC: StreamSpec = {
  series: 'nic',
  title: 'E1000 frames',
  inputs: ['rxFrames', 'txFrames', 'rxDropped'],
  counters: true,
  axes: [{ scale: 'rate', label: 'frames / s', side: 'left', tick: rateTick }],
  lines: [
    { label: 'received', scale: 'rate', format: perSecond, columns: [0] },
    { label: 'sent', scale: 'rate', format: perSecond, dash: [6, 4], columns: [1] },
    { label: 'dropped', scale: 'rate', format: perSecond, dash: [2, 3], columns: [2] },
  ],
  flatText: 'No frames yet: the NIC is idle until a driver runs.',
};

export const IOTLB: StreamSpec = {
  series: 'iotlb',
  title: 'VT-d IOTLB',
  inputs: ['iotlbHits', 'iotlbMisses', 'contextMisses', 'faults'],
  counters: true,
  axes: [{ scale: 'rate', label: 'lookups / s', side: 'left', tick: rateTick }],
  lines: [
    { label: 'IOTLB hits', scale: 'rate', format: perSecond, columns: [0] },
    { label: 'IOTLB misses', scale: 'rate', format: perSecond, dash: [6, 4], columns: [1] },
    { label: 'context misses', scale: 'rate', format: perSecond, dash: [2, 3], columns: [2] },
    { label: 'DMA faults', scale: 'rate', format: perSecond, dash: [10, 3, 2, 3], columns: [3] },
  ],
  flatText: 'No DMA remapped yet: the units stay idle until a device does DMA.',
};
