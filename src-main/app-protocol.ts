/**
 * Serves the built renderer from app://workbench/ (not file://, where Monaco's workers cannot
 * start), with the CSP as a response header and every path confined to the renderer folder.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { rendererCsp } from '../src-shared/csp.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

export async function serveAppRequest(rendererDir: string, requestUrl: string): Promise<Response> {
  const url = new URL(requestUrl);
  let rel = decodeURIComponent(url.pathname);
  if (rel === '/' || rel === '') rel = '/index.html';
  const full = normalize(join(rendererDir, rel));
  if (!full.startsWith(rendererDir + sep)) return new Response('forbidden', { status: 403 });
  try {
    const body = await readFile(full);
    return new Response(body, {
      headers: {
        'Content-Type': TYPES[extname(full)] ?? 'application/octet-stream',
        'Content-Security-Policy': rendererCsp(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  } catch {
    return new Response('not found', { status: 404 });
  }
}
