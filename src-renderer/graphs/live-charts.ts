/**
 * The Live area's charts, as data: which series each reads, its axes and lines. One chart
 * component draws them all (LiveChart.vue).
 */
import { GSI_COLUMNS, NIC_SLOTS, nicSlotColumns } from '../../src-shared/protocol/index.ts';
import { formatBdf, fromRequesterId } from '../../src-shared/units/bdf.ts';
import { formatSi } from '../../src-shared/units/time.ts';
import type { LineSpec, StreamSpec } from './stream-model.ts';
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

/** Throughput as network people read it: "0 Mbit/s", "0.84 Mbit/s", "812 Mbit/s". */
export const mbps = (v: number) => (v === 0 ? '0 Mbit/s' : `${Number(v.toPrecision(3))} Mbit/s`);

/** The NIC a slot of the `nic` series holds, from its BDF column (segment × 65536 + requester id). */
export function slotBdf(value: number): string | undefined {
  if (!(value >= 0)) return undefined;
  return formatBdf(fromRequesterId(value % 0x10000, Math.floor(value / 0x10000)));
}

const SLOTS = Array.from({ length: NIC_SLOTS }, (_, k) => nicSlotColumns(k));

/** Two lines per NIC the sample names: what it received (solid) and sent (dashed), by BDF. */
function nicLines(identity: Readonly<Record<string, number>>): LineSpec[] {
  return SLOTS.flatMap((c, k) => {
    const bdf = slotBdf(identity[c.bdf]);
    if (!bdf) return [];
    return [
      { label: `${bdf} received`, scale: 'mbps', format: mbps, columns: [2 * k] },
      { label: `${bdf} sent`, scale: 'mbps', format: mbps, dash: [6, 4], columns: [2 * k + 1] },
    ];
  });
}

/** Throughput per NIC: octets on the wire (as GORC/GOTC count them) × 8 per virtual second. */
export const NIC_MBPS: StreamSpec = {
  series: 'nic',
  view: 'mbps',
  title: 'E1000 throughput per NIC',
  inputs: SLOTS.flatMap((c) => [c.rxBytes, c.txBytes]),
  identity: SLOTS.map((c) => c.bdf),
  counters: true,
  rateFactor: 8 / 1e6,
  // Plain numbers: "1000" Mbit/s reads at once as the gigabit wire; "1.00 k" would not.
  axes: [{ scale: 'mbps', label: 'Mbit/s', side: 'left', tick: tidy }],
  lines: { from: nicLines, allLabel: 'all NICs', scale: 'mbps', format: mbps },
  flatText: 'No traffic yet: nothing has crossed the wire since the machine powered on.',
};
