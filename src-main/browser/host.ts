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
import { WebSocketServer } from 'ws';
import { rendererCsp } from '../../src-shared/csp.ts';
import { RequestGuard } from './guard.ts';
import { loadStatic } from './static.ts';
import { bridgePage, CLOSE_HOST_STOPPING, type SimLaunch } from './sim-bridge.ts';
import { handleFilesApi } from './files-api.ts';
import { FileAccess } from '../files/file-access.ts';
import { StateStore, defaultStateDir } from '../files/state-store.ts';

export interface BrowserHostOptions {
  /** 0 or undefined picks a free port. */
  port?: number;
  rendererDir: string;
  sim: SimLaunch;
  log?: (line: string) => void;
  /** Recent files and backups live here (default: ~/.config/vtd-workbench). */
  stateDir?: string;
  /** Where the page's file picker starts (default: the current directory). */
  startDir?: string;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** Live simulator children, one per connected page. */
  readonly sims: ReadonlySet<ChildProcess>;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`[vtdw] ${l}\n`));
  const token = randomBytes(18).toString('base64url');
  const sims = new Set<ChildProcess>();
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const filesDeps = {
    files: new FileAccess(),
    state: new StateStore(opts.stateDir ?? defaultStateDir(), log),
    startDir: opts.startDir ?? process.cwd(),
    now: () => Date.now(),
  };

  const port = await listen(server, opts.port ?? 0);
  const guard = new RequestGuard(token, port);
  const csp = rendererCsp({ websocketOrigins: guard.allowedHosts.map((h) => `ws://${h}`) });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void serveRequest(req, res);
  });

  async function serveRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const v = guard.check(req.headers, req.url);
    if (!v.ok) return refuse(res, req, v.reason!);
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
    const file = await loadStatic(opts.rendererDir, v.rest!);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': file.body.length,
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      // Hashed build assets never change under their name; the page itself is always fetched fresh.
      'Cache-Control': v.rest!.startsWith('/assets/') ? 'max-age=31536000, immutable' : 'no-store',
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
    return (url ?? '').replace(/^\/t\/[^/]+/, '/t/…');
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const v = guard.check(req.headers, req.url);
    const reason = !v.ok ? v.reason! : v.rest !== '/sim' ? `no WebSocket endpoint at ${v.rest}` : undefined;
    if (reason) {
      log(`403 WebSocket ${redact(req.url)}: ${reason}`);
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nforbidden: ${reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      bridgePage(ws, opts.sim, log, (child, alive) => (alive ? sims.add(child) : sims.delete(child)));
    });
  });

  return {
    url: `http://127.0.0.1:${port}/t/${token}/`,
    port,
    token,
    sims,
    async close() {
      for (const ws of wss.clients) ws.close(CLOSE_HOST_STOPPING, 'host stopping');
      const exits = [...sims].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))));
      for (const c of sims) c.kill('SIGTERM');
      await Promise.all(exits);
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
