/**
 * The protocol's nesting limit, where it is enforced without recursion: on JSON text before
 * JSON.parse (browser-mode host) and on structured values arriving at the simulator over a
 * MessagePort (Electron) or Node IPC (browser mode, tests).
 */
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_DEPTH, jsonTooDeep, valueTooDeep } from '../../../src-shared/protocol/limits.ts';
import { portConnection, type PortLike } from '../../../src-sim/host/transport.ts';

function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('the nesting limit of one message', () => {
  it('lets the limit through and refuses one level more, in text and in values', () => {
    expect(jsonTooDeep(JSON.stringify(nested(MAX_MESSAGE_DEPTH)))).toBe(false);
    expect(jsonTooDeep(JSON.stringify(nested(MAX_MESSAGE_DEPTH + 1)))).toBe(true);
    expect(valueTooDeep(nested(MAX_MESSAGE_DEPTH))).toBe(false);
    expect(valueTooDeep(nested(MAX_MESSAGE_DEPTH + 1))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ s: '['.repeat(1000) + '"' + '{'.repeat(1000) }))).toBe(false);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    expect(jsonTooDeep('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
    expect(valueTooDeep(nested(100_000))).toBe(true);
  });

  it('stays linear on a value that refers to itself (structured clone keeps cycles)', () => {
    const a: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) a[`k${i}`] = a;
    expect(valueTooDeep(a)).toBe(false);
  });
});

describe('the simulator side of a MessagePort', () => {
  it('answers a message nested too deep with a protocol error naming the limit, and passes the rest on', () => {
    const posted: unknown[] = [];
    let deliver: (e: { data: unknown }) => void = () => undefined;
    const port: PortLike = { postMessage: (m) => posted.push(m), on: (ev: string, cb: (e: { data: unknown }) => void) => void (ev === 'message' && (deliver = cb)), start: () => undefined } as PortLike;
    const seen: unknown[] = [];
    portConnection(port).onMessage((m) => seen.push(m));
    deliver({ data: nested(5000) });
    deliver({ data: { type: 'request', id: 1 } });
    expect(posted).toEqual([{ type: 'response', id: null, ok: false, error: { code: 'malformed', message: `message: nested deeper than the ${MAX_MESSAGE_DEPTH}-level limit for one message` } }]);
    expect(seen).toEqual([{ type: 'request', id: 1 }]);
  });
});
