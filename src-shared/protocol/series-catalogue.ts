/**
 * The series catalogue: every stream a client may subscribe to, each with its own column
 * schema. A subscription names one series and its frames carry exactly that series' columns,
 * checked at both ends. Every series starts with wall time and virtual time, so any two can be
 * drawn on one axis.
 */
const TIME = ['wallMs', 'virtualNs'] as const;

/** GSIs of the PC's I/O APIC (0-23); per-GSI interrupt counts are one column each. */
export const GSI_COLUMNS = Array.from({ length: 24 }, (_, i) => `gsi${i}`);

export const SERIES = {
  heartbeat: {
    title: 'Simulator heartbeat',
    columns: [...TIME, 'eventsPerSecond', 'achievedSpeed'],
  },
  interrupts: {
    title: 'Interrupts per GSI (rising edges on each I/O APIC input, cumulative)',
    columns: [...TIME, ...GSI_COLUMNS],
  },
  nic: {
    title: 'E1000 frames and their octets on the wire (all NICs of the machine, cumulative)',
    columns: [...TIME, 'rxFrames', 'txFrames', 'rxDropped', 'rxBytes', 'txBytes'],
  },
  iotlb: {
    title: 'VT-d remapping units (all units, cumulative)',
    columns: [...TIME, 'iotlbHits', 'iotlbMisses', 'contextMisses', 'faults'],
  },
} as const satisfies Record<string, { title: string; columns: readonly string[] }>;

export type SeriesName = keyof typeof SERIES;
export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[];

/** The columns a frame of `series` carries, in catalogue order. */
export function seriesColumns(series: SeriesName): readonly string[] {
  return SERIES[series].columns;
}
