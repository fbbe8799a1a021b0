export * from './version.ts';
export * from './common.ts';
export * from './messages.ts';
export { methods } from './methods/index.ts';
export { events, eventNames, MAX_TRACE_RECORDS_PER_EVENT, MAX_LOG_ENTRIES_PER_EVENT, type EventName, type EventData } from './events.ts';
export { SERIES, SERIES_NAMES, GSI_COLUMNS, NIC_SLOTS, nicSlotColumns, seriesColumns } from './series-catalogue.ts';
export { HostDevice } from './methods/host.ts';
export { ConfigFile, RunFailure, EventLine, HypercallEntry, XmDomain, MAX_STREAM_FRAMES, MIN_STREAM_PAYLOAD, MAX_STREAM_PAYLOAD } from './methods/xen.ts';
