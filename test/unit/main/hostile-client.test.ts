/**
 * A hostile page talks to the browser-mode host with raw bytes, not through a well-behaved
 * WebSocket client: frames that break RFC 6455, a 50 MB message, JSON nested 5000 deep. Each
 * closes only its own socket with the code the RFC names (or gets a protocol error naming the
 * limit), with a log line; the host, and a second page connected meanwhile, carry on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../src-main/browser/host.ts';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH } from '../../../src-shared/protocol/limits.ts';
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';

const simEntry = fileURLToPath(new URL('../../../src-sim/host/utility-entry.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'vtdw-hostile-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');

let host: BrowserHost;
const log: string[] = [];
let page2: WebSocket;
const page2Inbox: { id?: number; ok?: boolean }[] = [];

/** A client-to-server frame: FIN set, the given opcode, masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, opts: { masked?: boolean; claimedLength?: number } = {}): Buffer {
  const masked = opts.masked ?? true;
  const len = opts.claimedLength ?? payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head.writeUInt8(0x80 | opcode, 0);
    head.writeUInt8((masked ? 0x80 : 0) | 126, 1);
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head.writeUInt8(0x80 | opcode, 0);
    head.writeUInt8((masked ? 0x80 : 0) | 127, 1);
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!masked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  return Buffer.concat([head, key, Buffer.from(payload.map((b, i) => b ^ key[i % 4]))]);
}

/** Server-to-client frames as they arrive: opcode and payload (the server never masks). */
function parseFrames(buf: Buffer): { opcode: number; payload: Buffer }[] {
  const out = [];
  let at = 0;
  while (at + 2 <= buf.length) {
    let len = buf[at + 1] & 0x7f;
    let p = at + 2;
    if (len === 126) [len, p] = [buf.readUInt16BE(at + 2), at + 4];
    else if (len === 127) [len, p] = [Number(buf.readBigUInt64BE(at + 2)), at + 10];
    if (p + len > buf.length) break;
    out.push({ opcode: buf[at] & 0x0f, payload: buf.subarray(p, p + len) });
    at = p + len;
  }
  return out;
}

interface RawPage {
  socket: Socket;
  /** Everything the server sent after its 101 response. */
  received(): Buffer;
  ended: Promise<void>;
}

/** Opens /t/TOKEN/sim by hand: an HTTP upgrade request written to a plain TCP socket. */
function rawPage(): Promise<RawPage> {
  return new Promise((resolve, reject) => {
    const socket = connect(host.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let upgraded = -1;
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined); // the server may reset us; that is its right
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (upgraded < 0) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!data.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return reject(new Error(data.toString()));
        upgraded = end + 4;
        resolve({ socket, received: () => data.subarray(upgraded), ended });
      }
    });
    socket.write(
      [
        `GET /t/${host.token}/sim HTTP/1.1`,
        `Host: 127.0.0.1:${host.port}`,
        `Origin: http://127.0.0.1:${host.port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** The status code of the close frame the server sent before hanging up. */
async function closeCode(p: RawPage): Promise<number> {
  await p.ended;
  const close = parseFrames(p.received()).find((f) => f.opcode === 0x8);
  if (!close) throw new Error('the server hung up without a close frame');
  return close.payload.readUInt16BE(0);
}

const hello = (id: number) => JSON.stringify({ type: 'request', id, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'test' } });

/** The second page, still answering: a request gets its response. */
async function secondPageAnswers(id: number): Promise<void> {
  page2.send(hello(id));
  await expect.poll(() => page2Inbox.find((m) => m.id === id), { timeout: 15_000 }).toMatchObject({ ok: true });
}

beforeAll(async () => {
  host = await startBrowserHost({ rendererDir: root, root, stateDir: mkdtempSync(join(tmpdir(), 'vtdw-state-')), maxSims: 32, sim: { entry: simEntry, execArgv: ['--import', 'tsx'], args: ['--paused'] }, log: (l) => log.push(l) });
  page2 = new WebSocket(`ws://127.0.0.1:${host.port}/t/${host.token}/sim`, { origin: `http://127.0.0.1:${host.port}` });
  page2.on('message', (d) => page2Inbox.push(JSON.parse(String(d))));
  await new Promise((r) => page2.once('open', r));
  page2.send(hello(1));
  while (!page2Inbox.some((m) => m.id === 1)) await new Promise((r) => setTimeout(r, 50));
}, 30_000);

afterAll(async () => {
  page2?.close();
  await host?.close();
});

describe('a hostile page on the browser-mode host', () => {
  it('sending a text frame that is not UTF-8 gets its socket closed with 1007, and a log line', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(await closeCode(p)).toBe(1007);
    expect(log.some((l) => /^page socket closed with 1007: /.test(l))).toBe(true);
    await secondPageAnswers(2);
  });

  it('sending a frame with a reserved opcode gets 1002', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x3, Buffer.from('x')));
    expect(await closeCode(p)).toBe(1002);
    await secondPageAnswers(3);
  });

  it('sending an unmasked frame gets 1002', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.from(hello(9)), { masked: false }));
    expect(await closeCode(p)).toBe(1002);
    await secondPageAnswers(4);
  });

  it('closing with code 999 (not a valid close code) gets 1002', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x8, Buffer.from([0x03, 0xe7])));
    expect(await closeCode(p)).toBe(1002);
    await secondPageAnswers(5);
  });

  it('announcing a 50 MB message gets 1009 at once, without the host buffering it, and the log names the limit', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.from('['), { claimedLength: 50 * 1024 * 1024 }));
    expect(await closeCode(p)).toBe(1009);
    expect(log.some((l) => l.startsWith('page socket closed with 1009') && l.includes(`${MAX_FRAME_BYTES} bytes`))).toBe(true);
    await secondPageAnswers(6);
  });

  it('a message one byte over the frame limit gets 1009 too', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20)));
    expect(await closeCode(p)).toBe(1009);
    await secondPageAnswers(7);
  });

  it('a message one byte over the protocol size limit gets a protocol error naming the limit, and the socket stays usable', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20)));
    const texts = () => parseFrames(p.received()).filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString()));
    await expect.poll(() => texts().find((m) => m.id === null), { timeout: 15_000 }).toMatchObject({ ok: false, error: { code: 'malformed', message: `message: ${MAX_MESSAGE_BYTES + 1} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit for one message` } });
    p.socket.write(frame(0x1, Buffer.from(hello(72))));
    await expect.poll(() => texts().find((m) => m.id === 72), { timeout: 15_000 }).toMatchObject({ ok: true });
    p.socket.destroy();
  });

  it('JSON nested 5000 deep (10 KB) gets a protocol error naming the nesting limit, and the socket stays usable', async () => {
    const p = await rawPage();
    p.socket.write(frame(0x1, Buffer.from('['.repeat(5000) + ']'.repeat(5000))));
    const texts = () => parseFrames(p.received()).filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString()));
    await expect.poll(() => texts().find((m) => m.id === null), { timeout: 15_000 }).toMatchObject({ ok: false, error: { code: 'malformed', message: expect.stringContaining(`${MAX_MESSAGE_DEPTH}-level limit`) } });
    p.socket.write(frame(0x1, Buffer.from(hello(70))));
    await expect.poll(() => texts().find((m) => m.id === 70), { timeout: 15_000 }).toMatchObject({ ok: true });
    p.socket.destroy();
    await secondPageAnswers(8);
  });

  it('nesting brackets inside strings do not count', async () => {
    const p = await rawPage();
    const deepString = JSON.stringify({ type: 'request', id: 71, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: '['.repeat(500) } });
    p.socket.write(frame(0x1, Buffer.from(deepString)));
    const texts = () => parseFrames(p.received()).filter((f) => f.opcode === 0x1).map((f) => JSON.parse(f.payload.toString()));
    await expect.poll(() => texts().find((m) => m.id === 71), { timeout: 15_000 }).toBeDefined();
    expect(texts().find((m) => m.id === 71).error?.message ?? '').not.toMatch(/nested deeper/);
    p.socket.destroy();
  });

  it('after all of that the host still serves new pages and the second page is still connected', async () => {
    expect(page2.readyState).toBe(WebSocket.OPEN);
    const again = await rawPage();
    again.socket.destroy();
    await secondPageAnswers(9);
  });
});
