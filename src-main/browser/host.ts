/**
 * Browser mode: the Node host that stands in for Electron main where no Electron binary exists.
 * It serves the built renderer on 127.0.0.1 behind a per-run token, and gives each page its own
 * simulator child over a WebSocket (see sim-bridge.ts). It never interprets simulation traffic.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import { rendererCsp } from '../../src-shared/csp.ts';
import { RequestGuard } from './guard.ts';
import { loadStatic } from './static.ts';
import { CLOSE_HOST_STOPPING, type SimLaunch } from './sim-bridge.ts';
import { SimPool } from './sim-pool.ts';
import { handleFilesApi } from './files-api.ts';
import { FileAccess } from '../files/file-access.ts';
import { StateStore, defaultStateDir } from '../files/state-store.ts';
import { WorkspaceRoot } from '../files/workspace-root.ts';
import { MAX_FRAME_BYTES } from '../../src-shared/protocol/limits.ts';

// ws is CommonJS. Imported as an ES module, Node first scans each of its files for export names
// (cjs-module-lexer): 40-200 ms of `vtdw serve`'s start on our 2-core machines. Required, it loads
// as it is.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof import('ws');

export interface BrowserHostOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
  rendererDir: string;
  sim: SimLaunch;
  log?: (line: string) => void;
  /** Recent files and backups live here (default: ~/.config/vtd-workbench). */
  stateDir?: string;
  /** The workspace root: the only folder the page's files API reaches (default: the current directory). */
  root?: string;
  /** At most this many simulator children (pages) at once; each costs about 49 MB. */
  maxSims?: number;
}

/** Enough for a handful of tabs; about 400 MB of simulators at most. */
export const DEFAULT_MAX_SIMS = 8;
/** "Try Again Later" (RFC 6455 7.4.1): the page's socket when the host runs its maximum of simulators. */
export const CLOSE_TOO_MANY_SIMS = 1013;

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** The workspace root, absolute. */
  root: string;
  /** Live simulator children, one per connected page (the spare waiting for the next is not one). */
  readonly sims: ReadonlySet<ChildProcess>;
  close(): Promise<void>;
}

/** The host could not start, for a reason the user can fix (printed as one line). */
export class HostStartError extends Error {}
export class PortInUseError extends HostStartError {}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`[vtdw] ${l}\n`));
  const token = randomBytes(18).toString('base64url');
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (err) => log(`WebSocket server error: ${err.message}`));
  const maxSims = opts.maxSims ?? DEFAULT_MAX_SIMS;
  const root = await WorkspaceRoot.open(opts.root ?? process.cwd()).catch((err: Error) => {
    throw new HostStartError(err.message, { cause: err });
  });
  const filesDeps = {
    files: new FileAccess({ root }),
    state: new StateStore(opts.stateDir ?? defaultStateDir(), log),
    root,
    now: () => Date.now(),
    log,
  };

  const port = await listen(server, opts.port ?? 0);
  // The first page's simulator builds its world now, while the browser is still loading the page.
  const pool = new SimPool(opts.sim, maxSims, log);
  const guard = new RequestGuard(token, port);
  const csp = rendererCsp({ websocketOrigins: guard.allowedHosts.map((h) => `ws://${h}`) });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serveRequest(req, res);
  });

  async function serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // On every answer, refusals included: no browser may guess a type other than the one sent.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const v = guard.check(req.headers, req.url);
    if (!v.ok) return refuse(res, req, v.reason!);
    if (v.redirect) {
      res.writeHead(308, { Location: v.redirect, 'Content-Type': 'text/plain; charset=utf-8' }).end(`moved to ${v.redirect}\n`);
      return;
    }
    try {
      if (await handleFilesApi(req, res, v.rest!, filesDeps)) return;
    } catch (err) {
      log(`API ${req.method} ${redact(req.url)} failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code: 'io', message: (err as Error).message }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = v.rest!.split('?')[0];
    const file = await loadStatic(opts.rendererDir, path);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
      // Hashed build assets never change under their name; the page itself is always fetched fresh.
      'Cache-Control': path.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function refuse(res: ServerResponse, req: IncomingMessage, reason: string): void {
    log(`403 ${req.method} ${redact(req.url)}: ${reason}`);
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`forbidden: ${reason}\n`);
  }

  function redact(url: string | undefined): string {
    // The token never goes to a log, and neither do control characters a client put in a URL.
    return (url ?? '').replace(/^\/t\/[^/?]+/, '/t/…').replace(/\p{Cc}/gu, '?').slice(0, 300);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not take the host down with an unhandled 'error'.
    socket.on('error', (err) => log(`WebSocket upgrade ${redact(req.url)}: ${err.message}`));
    const v = guard.check(req.headers, req.url);
    const reason = !v.ok ? v.reason! : v.rest!.split('?')[0] !== '/sim' ? `no WebSocket endpoint at ${redact(v.rest)}` : undefined;
    if (reason) {
      log(`403 WebSocket ${redact(req.url)}: ${reason}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nforbidden: ${reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (pool.take(ws)) return;
      const why = `this host runs at most ${maxSims} simulators (one per page); close a page or raise --max-sims`;
      log(`page refused: ${why}`);
      ws.on('error', () => undefined);
      ws.close(CLOSE_TOO_MANY_SIMS, why);
    });
  });

  return {
    url: `http://127.0.0.1:${port}/t/${token}/`,
    port,
    token,
    root: root.dir,
    sims: pool.pages,
    async close() {
      for (const ws of wss.clients) ws.close(CLOSE_HOST_STOPPING, 'host stopping');
      await pool.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(`port ${port} is already in use on 127.0.0.1; pick another with --port N, or leave --port out for a free one`));
      else if (err.code === 'EACCES') reject(new PortInUseError(`port ${port} needs privileges this user lacks; pick a port above 1023`));
      else reject(err);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
