import { describe, expect, it } from 'vitest';
import { methodNames, parseRequest, parseSimMessage, PROTOCOL_VERSION, type MethodName } from '../../../src-shared/protocol/index.ts';

const status = { state: 'running', virtualNs: 1_000_000, speed: 1, seed: 2007, eventsDispatched: 42, host: 'seed-core2-q35' } as const;

/** One valid request and one valid response per method: the table must cover every method. */
const valid: Record<MethodName, { params: unknown; result: unknown }> = {
  hello: { params: { protocolVersion: PROTOCOL_VERSION, client: 'test' }, result: { protocolVersion: PROTOCOL_VERSION, simVersion: '0.1.0', status } },
  'sim.status': { params: {}, result: status },
  'sim.setSpeed': { params: { speed: 'max' }, result: { ...status, speed: 'max' } },
  'sim.pause': { params: {}, result: { ...status, state: 'paused' } },
  'sim.resume': { params: {}, result: status },
  'series.subscribe': { params: { series: 'heartbeat', maxRateHz: 30 }, result: { subscription: 1 } },
  'series.unsubscribe': { params: { subscription: 1 }, result: {} },
  'sim.runFor': { params: { ns: 1_000_000 }, result: { ...status, state: 'paused' } },
  'trace.follow': { params: { follow: true }, result: { following: true } },
  'host.powerOn': { params: { host: 'server-2drhd-5520' }, result: { ...status, host: 'server-2drhd-5520' } },
  'host.list': { params: {}, result: { hosts: ['seed-core2-q35'], current: 'seed-core2-q35' } },
  'host.devices': {
    params: {},
    result: {
      host: 'seed-core2-q35',
      devices: [
        {
          bdf: '0000:02:00.0', classCode: '020000', className: 'Ethernet controller', vendorId: '8086', deviceId: '10b9', vendorName: 'Intel Corporation',
          deviceName: '82572EI Gigabit Ethernet Controller (Copper)', driver: 'model e1000:82572EI-desktop', owner: 'host', remappingUnit: 'dmar0', irq: { pin: 'A', gsi: 16 }, isBridge: false,
        },
      ],
    },
  },
  'xen.boot': { params: { grub: { name: 'grub.conf', text: 'title Xen\n' }, era: '2007' }, result: { ok: false, failure: { stage: 'boot', message: 'no module', file: 'grub.conf', line: 1, column: 1 }, status } },
  'xm.create': {
    params: { hvm: { name: 'hvm.conf', text: "pci = [ '02:00.0' ]\n" } },
    result: { ok: true, firstPacket: true, domain: { domid: 1, name: 'fc5-vtd', memoryMiB: 512, vcpus: 1, state: 'running', pci: ['0000:02:00.0'] }, stdout: ['Started domain fc5-vtd'], stderr: [], exitCode: 0 },
  },
  'xm.destroy': { params: { domain: 'fc5-vtd' }, result: { ok: true, stdout: [], stderr: [], exitCode: 0 } },
  'xm.list': { params: {}, result: { booted: true, domains: [] } },
  'xm.pciList': { params: { domain: '1' }, result: { functions: [{ vslot: 4, bdf: '02:00.0' }] } },
  'peer.stream': { params: { count: 100_000, payloadBytes: 1500 }, result: { streams: [{ bdf: '0000:02:00.0', peer: 'peer0', count: 100_000, payloadBytes: 1500 }] } },
  'xen.hypercalls': {
    params: { from: 0 },
    result: { records: [{ t: 5, caller: 0, hypercall: 'domctl', op: 'XEN_DOMCTL_assign_device', cmd: 37, domain: 1, args: { machine_bdf: '0x00020000' }, result: 0, errno: '0' }], total: 1 },
  },
  'xen.events': { params: {}, result: { lines: [{ t: 5, source: 'xen', text: '(XEN) Intel VT-d has been enabled' }], total: 1 } },
};

const heartbeatColumns = { wallMs: [1, 2], virtualNs: [3, 4], eventsPerSecond: [5, 6], achievedSpeed: [1, 1] };

describe('the protocol', () => {
  it('has a valid example for every method it declares', () => {
    expect(Object.keys(valid).sort()).toEqual([...methodNames].sort());
  });

  it.each(methodNames)('accepts a valid %s request and its response', (method) => {
    const req = parseRequest({ type: 'request', id: 7, method, params: valid[method].params });
    expect(req).toMatchObject({ ok: true });
    const res = parseSimMessage({ type: 'response', id: 7, method, ok: true, result: valid[method].result });
    expect(res).toMatchObject({ ok: true });
  });

  it('accepts status events, series frames and error responses', () => {
    expect(parseSimMessage({ type: 'event', event: 'status', data: status }).ok).toBe(true);
    expect(parseSimMessage({ type: 'series', subscription: 1, series: 'heartbeat', columns: heartbeatColumns }).ok).toBe(true);
    expect(parseSimMessage({ type: 'event', event: 'machine-changed', data: { host: 'server-2drhd-5520', status } }).ok).toBe(true);
    expect(parseSimMessage({ type: 'event', event: 'events', data: { first: 0, lines: [{ t: 5, source: 'xm', text: 'Using config file "hvm.conf".' }] } }).ok).toBe(true);
    expect(parseSimMessage({ type: 'event', event: 'hypercalls', data: { first: 3, records: [] } }).ok).toBe(true);
    expect(parseSimMessage({ type: 'event', event: 'ownership', data: { host: 'seed-core2-q35', devices: [] } }).ok).toBe(true);
    expect(parseSimMessage({ type: 'event', event: 'events', data: { first: 0, lines: [{ t: -1, source: 'xm', text: '' }] } })).toMatchObject({ ok: false });
    expect(parseSimMessage({ type: 'event', event: 'trace', data: { records: [{ t: 5, source: 'pci.0000:02:00.0', name: 'e1000.irq', text: 'x' }], dropped: 0 } }).ok).toBe(true);
  });

  it('checks a series frame against the catalogue: exactly that series\' columns', () => {
    const missing = parseSimMessage({ type: 'series', subscription: 1, series: 'heartbeat', columns: { wallMs: [1], virtualNs: [2] } });
    expect(missing).toMatchObject({ ok: false, error: { message: expect.stringContaining('exactly the columns the series catalogue gives') } });
    const foreign = parseSimMessage({ type: 'series', subscription: 1, series: 'iotlb', columns: heartbeatColumns });
    expect(foreign.ok).toBe(false);
    const unknown = parseSimMessage({ type: 'series', subscription: 1, series: 'cpu', columns: {} });
    expect(unknown).toMatchObject({ ok: false, error: { message: expect.stringContaining('unknown series cpu') } });
  });

  it('refuses an event the table does not declare, naming the known ones', () => {
    const r = parseSimMessage({ type: 'event', event: 'explode', data: {} });
    expect(r).toMatchObject({ ok: false, error: { path: 'event', message: expect.stringContaining('known: status, machine-changed, trace, events, hypercalls, ownership') } });
    expect(parseSimMessage({ type: 'response', id: null, ok: false, error: { code: 'malformed', message: 'x', path: 'type' } }).ok).toBe(true);
  });

  const rejects: [string, unknown, RegExp, string | undefined][] = [
    ['a non-object', 'hello', /message: expected an object/, 'message'],
    ['a missing type', { id: 1, method: 'hello', params: {} }, /type: expected "request"/, 'type'],
    ['a non-string method', { type: 'request', id: 1, method: 5, params: {} }, /method: expected a string/, 'method'],
    ['a negative id', { type: 'request', id: -1, method: 'sim.status', params: {} }, /^id: /, 'id'],
    ['a fractional speed factor of zero', { type: 'request', id: 1, method: 'sim.setSpeed', params: { speed: 0 } }, /params\.speed/, 'params.speed'],
    ['a speed given as text', { type: 'request', id: 1, method: 'sim.setSpeed', params: { speed: 'fast' } }, /params\.speed/, 'params.speed'],
    ['an unknown series', { type: 'request', id: 1, method: 'series.subscribe', params: { series: 'nope' } }, /params\.series/, 'params.series'],
    ['a rate above 60 Hz', { type: 'request', id: 1, method: 'series.subscribe', params: { series: 'heartbeat', maxRateHz: 1000 } }, /params\.maxRateHz/, 'params.maxRateHz'],
    ['an extra params field', { type: 'request', id: 1, method: 'sim.pause', params: { now: true } }, /params\.now/, 'params.now'],
    ['missing params', { type: 'request', id: 1, method: 'sim.pause' }, /params/, 'params'],
    ['an hvm.conf without its text', { type: 'request', id: 1, method: 'xm.create', params: { hvm: { name: 'hvm.conf' } } }, /params\.hvm\.text/, 'params.hvm.text'],
    ['a grub.conf with an empty name', { type: 'request', id: 1, method: 'xen.boot', params: { grub: { name: '', text: '' }, era: '2007' } }, /params\.grub\.name/, 'params.grub.name'],
    ['a boot without an era', { type: 'request', id: 1, method: 'xen.boot', params: { grub: { name: 'g', text: '' } } }, /params\.era/, 'params.era'],
    ['an empty domain name to destroy', { type: 'request', id: 1, method: 'xm.destroy', params: { domain: '' } }, /params\.domain/, 'params.domain'],
    ['a negative hypercall index', { type: 'request', id: 1, method: 'xen.hypercalls', params: { from: -1 } }, /params\.from/, 'params.from'],
  ];

  it.each(rejects)('rejects %s and names the field', (_what, raw, message, path) => {
    const r = parseRequest(raw);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(message);
    expect(r.error.path).toBe(path);
  });

  it('reports an unknown method as such, keeping the request id for the reply', () => {
    const r = parseRequest({ type: 'request', id: 9, method: 'sim.explode', params: {} });
    expect(r).toEqual({ ok: false, id: 9, error: { code: 'unknown-method', message: 'method: unknown method "sim.explode"', path: 'method' } });
  });

  it('rejects sim messages with a wrong result shape or ragged columns, naming the field', () => {
    const bad = parseSimMessage({ type: 'response', id: 1, method: 'sim.status', ok: true, result: { ...status, virtualNs: -5 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.path).toBe('result.virtualNs');
    const ragged = parseSimMessage({ type: 'series', subscription: 1, series: 'heartbeat', columns: { ...heartbeatColumns, wallMs: [1] } });
    expect(ragged.ok).toBe(false);
    if (!ragged.ok) expect(ragged.error.message).toMatch(/same length/);
    const unknown = parseSimMessage({ type: 'gossip' });
    expect(unknown.ok).toBe(false);
  });

  it('never throws, whatever arrives', () => {
    const junk: unknown[] = [null, undefined, 0, [], [1, 2], { type: 'request' }, { type: 'response' }, { type: 'series', columns: null }, { type: 'request', id: 1, method: '__proto__', params: {} }, { type: 'request', id: 1, method: 'constructor', params: {} }];
    for (const j of junk) {
      expect(() => parseRequest(j)).not.toThrow();
      expect(() => parseSimMessage(j)).not.toThrow();
    }
    expect(parseRequest({ type: 'request', id: 1, method: 'constructor', params: {} })).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });
});
