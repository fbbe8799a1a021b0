/**
 * The protocol's nesting limit, where it is enforced without recursion: on JSON text before
 * JSON.parse (browser-mode host) and on structured values arriving at the simulator over a
 * MessagePort (Electron) or Node IPC (browser mode, tests); and the byte budget of messages a
 * page may have on their way to its simulator.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH, jsonTooDeep, valueOverLimits } from '../../../src-shared/protocol/limits.ts';
import { portConnection, type PortLike } from '../../../src-sim/host/transport.ts';
import { MAX_PENDING_BYTES, SimOutbox } from '../../../src-main/browser/sim-bridge.ts';

function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('the nesting limit of one message', () => {
  it('lets the limit through and refuses one level more, in text and in values', () => {
    expect(jsonTooDeep(JSON.stringify(nested(MAX_MESSAGE_DEPTH)))).toBe(false);
    expect(jsonTooDeep(JSON.stringify(nested(MAX_MESSAGE_DEPTH + 1)))).toBe(true);
    expect(valueOverLimits(nested(MAX_MESSAGE_DEPTH))).toBeUndefined();
    expect(valueOverLimits(nested(MAX_MESSAGE_DEPTH + 1))).toBe(`message: nested deeper than the ${MAX_MESSAGE_DEPTH}-level limit for one message`);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ s: '['.repeat(1000) + '"' + '{'.repeat(1000) }))).toBe(false);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    expect(jsonTooDeep('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
    expect(valueOverLimits(nested(100_000))).toMatch(/nested deeper/);
  });

  it('stays linear on a value that refers to itself (structured clone keeps cycles)', () => {
    const a: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) a[`k${i}`] = a;
    expect(valueOverLimits(a)).toBeUndefined();
  });

  it('refuses a structured value larger than the size limit as JSON, by strings or by count', () => {
    expect(valueOverLimits({ text: 'x'.repeat(MAX_MESSAGE_BYTES) })).toBe(`message: more than the ${MAX_MESSAGE_BYTES}-byte limit for one message`);
    expect(valueOverLimits(new Array(MAX_MESSAGE_BYTES + 1).fill(0))).toMatch(/more than the/);
    expect(valueOverLimits({ text: 'x'.repeat(MAX_MESSAGE_BYTES / 2) })).toBeUndefined();
  });
});

describe('the simulator side of a MessagePort', () => {
  it('answers a message nested too deep with a protocol error naming the limit, and passes the rest on', () => {
    // The Electron path: the renderer's structured objects arrive without a text form to measure.
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

describe("a page's messages on their way to its simulator", () => {
  /** A child whose IPC takes messages only when the test says so. */
  function slowChild() {
    const sent: unknown[] = [];
    const callbacks: ((err: Error | null) => void)[] = [];
    return { sent, take: () => callbacks.splice(0).forEach((cb) => cb(null)), connected: true, send: (m: object, cb: (err: Error | null) => void) => (sent.push(m), callbacks.push(cb), true) };
  }

  it('are held until the child first speaks, then sent in order', () => {
    const child = slowChild();
    const box = new SimOutbox(child, () => undefined);
    box.push({ n: 1 }, 10);
    box.push({ n: 2 }, 10);
    expect(child.sent).toEqual([]);
    box.listening();
    expect(child.sent).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('are refused past the byte budget while the child has not taken them, and accepted again once it has', () => {
    const child = slowChild();
    const box = new SimOutbox(child, () => undefined);
    box.listening();
    const mib = MAX_PENDING_BYTES / 4;
    for (let i = 0; i < 4; i++) expect(box.push({ i }, mib)).toBeUndefined();
    expect(box.push({ i: 4 }, 1)).toBe(`message: the simulator has not yet taken ${MAX_PENDING_BYTES} bytes of earlier messages (the limit is ${MAX_PENDING_BYTES}); wait for its answers`);
    child.take();
    expect(box.push({ i: 5 }, mib)).toBeUndefined();
    expect(child.sent).toHaveLength(5);
  });
});
