/**
 * XenBus as a split driver sees it (drivers/xen/xenbus, include/xen/xenbus.h): reads, writes and
 * watches on the xenstore tree, and the connection states both ends step through.
 */
export const XenbusStateUnknown = 0;
export const XenbusStateInitialising = 1;
export const XenbusStateInitWait = 2;
export const XenbusStateInitialised = 3;
export const XenbusStateConnected = 4;
export const XenbusStateClosing = 5;
export const XenbusStateClosed = 6;

export interface Xenbus {
  read(path: string): string | undefined;
  write(path: string, value: string): void;
  /** The names of a node's children (xenbus_directory). */
  directory(path: string): string[];
  /** Calls `cb` with the written path whenever a node at or below `path` changes; returns the unwatch. */
  watch(path: string, cb: (path: string) => void): () => void;
}

/** xenbus_switch_state. */
export function xenbusSwitchState(bus: Xenbus, nodename: string, state: number): void {
  bus.write(`${nodename}/state`, String(state));
}

/** The state an end last published. */
export function xenbusReadState(bus: Xenbus, nodename: string): number {
  return Number(bus.read(`${nodename}/state`) ?? XenbusStateUnknown);
}
