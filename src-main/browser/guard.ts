/**
 * Who may talk to the browser-mode host. It listens on 127.0.0.1, where any page the user has
 * open could reach it, so every request must (1) name this host in `Host` (DNS rebinding sends a
 * foreign name), (2) carry no foreign `Origin` (cross-site WebSocket hijacking and fetches send
 * theirs), and (3) present the per-run token as the first path segment after `/t/`.
 */
import { timingSafeEqual } from 'node:crypto';

export interface GuardVerdict {
  ok: boolean;
  /** Why a request was refused, for the log line. */
  reason?: string;
  /** The path below the token prefix with its query, for allowed requests ("/", "/api/fs/list?dir=x"). */
  rest?: string;
  /** Where to send an allowed request for `/t/TOKEN` without its slash (the page's URLs are relative). */
  redirect?: string;
}

export class RequestGuard {
  constructor(
    private readonly token: string,
    private readonly port: number,
  ) {}

  get allowedHosts(): string[] {
    return [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
  }

  get allowedOrigins(): string[] {
    return this.allowedHosts.map((h) => `http://${h}`);
  }

  check(headers: { host?: string; origin?: string }, url: string | undefined): GuardVerdict {
    const host = headers.host?.toLowerCase();
    if (!host || !this.allowedHosts.includes(host)) return { ok: false, reason: `Host header ${JSON.stringify(headers.host ?? null)} is not this server` };
    const origin = headers.origin;
    if (origin !== undefined && !this.allowedOrigins.includes(origin.toLowerCase())) {
      return { ok: false, reason: `Origin ${JSON.stringify(origin)} is not this server` };
    }
    const full = url ?? '/';
    const q = full.indexOf('?');
    const [path, query] = q < 0 ? [full, ''] : [full.slice(0, q), full.slice(q)];
    const m = /^\/t\/([^/]*)(\/.*)?$/.exec(path);
    if (!m || !this.tokenMatches(m[1])) return { ok: false, reason: 'missing or wrong token in the path' };
    if (m[2] === undefined) return { ok: true, rest: '/', redirect: `${path}/${query}` };
    return { ok: true, rest: m[2] + query };
  }

  private tokenMatches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
