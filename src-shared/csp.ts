/**
 * The renderer's Content-Security-Policy, one definition for Electron (sent by the app://
 * protocol handler) and browser mode (sent by the Node host). Monaco needs inline styles and
 * bundled workers; nothing here allows remote code, eval, or connections beyond the sim socket.
 */
export function rendererCsp(opts: { websocketOrigins?: string[] } = {}): string {
  const connect = ["'self'", ...(opts.websocketOrigins ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
