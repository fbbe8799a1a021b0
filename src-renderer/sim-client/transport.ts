/**
 * How the renderer reaches the simulator: a MessagePort brokered by Electron main (through the
 * preload bridge), or, in browser mode, a WebSocket to the Node host below the page's token
 * path. Both carry the same protocol objects; the client above does not know which it has.
 */
import type { VtdwBridge } from '../../src-preload/api';

export interface Transport {
  readonly kind: 'electron' | 'websocket';
  send(msg: unknown): void;
  close(): void;
}

export interface TransportEvents {
  onMessage(msg: unknown): void;
  /** The channel is gone; `reason` says why in words a user can act on. */
  onClose(reason: string): void;
}

export type Connector = (events: TransportEvents) => Promise<Transport>;

const CLOSE_SIM_EXITED = 4001;
const CONNECT_TIMEOUT_MS = 5000;

/** Browser mode: ws(s)://host/t/TOKEN/sim, relative to the page. */
export function websocketConnector(pageUrl: string = location.href): Connector {
  const url = new URL('sim', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return (events) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      let opened = false;
      const timer = setTimeout(() => ws.close(), CONNECT_TIMEOUT_MS);
      ws.onopen = () => {
        opened = true;
        clearTimeout(timer);
        resolve({ kind: 'websocket', send: (m) => ws.send(JSON.stringify(m)), close: () => ws.close(1000) });
      };
      ws.onmessage = (e) => {
        let msg: unknown;
        try {
          msg = JSON.parse(String(e.data));
        } catch {
          msg = { unparsable: String(e.data).slice(0, 200) };
        }
        events.onMessage(msg);
      };
      ws.onclose = (e) => {
        clearTimeout(timer);
        const reason = e.code === CLOSE_SIM_EXITED ? e.reason || 'the simulator exited' : e.reason || `connection closed (code ${e.code})`;
        if (!opened) reject(new Error(`cannot reach the simulator host: ${reason}`));
        else events.onClose(reason);
      };
    });
}

/** Electron: ask main for a port and take it from the window message tagged with our nonce. */
export function electronConnector(bridge: VtdwBridge): Connector {
  let exitReason: string | undefined;
  let current: { port: MessagePort; events: TransportEvents } | undefined;
  bridge.onSimExit((n) => {
    exitReason = n.restartInMs === null ? `${n.reason}; it was restarted too often and main gave up` : n.reason;
    const c = current;
    current = undefined;
    c?.port.close();
    c?.events.onClose(exitReason);
  });
  return (events) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        window.removeEventListener('message', onWindowMessage);
        reject(new Error(exitReason ?? 'the simulator did not answer'));
      }, CONNECT_TIMEOUT_MS);
      function onWindowMessage(e: MessageEvent): void {
        if (e.source !== window || e.data?.type !== 'vtdw:sim-port' || e.data?.nonce !== bridge.portNonce || !e.ports[0]) return;
        window.removeEventListener('message', onWindowMessage);
        clearTimeout(timer);
        const port = e.ports[0];
        port.onmessage = (m) => events.onMessage(m.data);
        port.start();
        current = { port, events };
        resolve({ kind: 'electron', send: (m) => port.postMessage(m), close: () => port.close() });
      }
      window.addEventListener('message', onWindowMessage);
      bridge.requestSimPort();
    });
}

export function defaultConnector(): Connector {
  return window.vtdw ? electronConnector(window.vtdw) : websocketConnector();
}
