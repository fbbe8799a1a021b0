/**
 * The typed shape of what the preload exposes on `window.vtdw` (Electron only; in browser mode
 * it is absent and the renderer uses a WebSocket). Deliberately small: the simulator traffic
 * itself never passes through main or preload, only the port that carries it.
 */
export interface SimPortNotice {
  /** Increments each time main (re)starts the simulator. */
  generation: number;
}

export interface SimExitNotice {
  generation: number;
  reason: string;
  /** Milliseconds until main tries to start it again, or null when it gave up. */
  restartInMs: number | null;
}

export interface VtdwBridge {
  readonly apiVersion: 1;
  /** Asks main for a fresh MessagePort to the simulator; it arrives as a window message. */
  requestSimPort(): void;
  /** The nonce that window messages carrying the port are tagged with. */
  readonly portNonce: string;
  onSimExit(cb: (n: SimExitNotice) => void): void;
  onSimRestart(cb: (n: SimPortNotice) => void): void;
  /** The OS colour scheme as Electron's nativeTheme reports it. */
  prefersDark(): boolean;
}

declare global {
  interface Window {
    vtdw?: VtdwBridge;
  }
}
