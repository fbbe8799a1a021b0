/**
 * The series catalogue: every stream a client may subscribe to, each with its own column
 * schema. A subscription names one series and its frames carry exactly that series' columns,
 * checked at both ends. Every series starts with wall time and virtual time, so any two can be
 * drawn on one axis.
 */
const TIME = ['wallMs', 'virtualNs'] as const;

/** GSIs of the PC's I/O APIC (0-23); per-GSI interrupt counts are one column each. */
export const GSI_COLUMNS = Array.from({ length: 24 }, (_, i) => `gsi${i}`);

/**
 * NICs the `nic` series tells apart (in the machine's NIC order); the totals count every NIC.
 * Each slot is three columns: the NIC's BDF as a number (segment × 65536 + the requester id, -1
 * for an empty slot, so a sample says itself which NIC a slot is) and its octet counters.
 */
export const NIC_SLOTS = 4;
export const nicSlotColumns = (k: number) => ({ bdf: `nic${k}Bdf`, rxBytes: `nic${k}RxBytes`, txBytes: `nic${k}TxBytes` }) as const;
export const NIC_SLOT_COLUMNS = Array.from({ length: NIC_SLOTS }, (_, k) => Object.values(nicSlotColumns(k))).flat();

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
    title: 'E1000 frames and their octets on the wire (all NICs of the machine, and per NIC; cumulative)',
    columns: [...TIME, 'rxFrames', 'txFrames', 'rxDropped', 'rxBytes', 'txBytes', ...NIC_SLOT_COLUMNS],
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
