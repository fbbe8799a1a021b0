/**
 * The Xen host in the app: boot it from a grub.conf, `xm create`/`destroy` guests from hvm.conf
 * texts, read `xm list`/`pci-list` as data, and read the hypercall and event logs. A run that
 * fails (Xen panics, xm refuses, no packet arrives) is an answer, not a protocol error: the result
 * says what failed, at which stage and — when a config line is the cause — in which file and line.
 */
import * as v from 'valibot';
import { SimStatus } from '../common.ts';

const Int = v.pipe(v.number(), v.safeInteger());
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Line = v.pipe(v.string(), v.maxLength(2000));
const Lines = v.pipe(v.array(Line), v.maxLength(1000));

/** Frames one `peer.stream` may ask for (about 20 virtual seconds of full-size frames at 1 Gbit/s). */
export const MAX_STREAM_FRAMES = 2_000_000;
/** A normal Ethernet payload: 46 bytes (shorter is padded) to the 1500-byte MTU. */
export const MIN_STREAM_PAYLOAD = 46;
export const MAX_STREAM_PAYLOAD = 1500;

/** A config file as the editor holds it: its name (for messages) and its text. */
export const ConfigFile = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(500)),
  text: v.pipe(v.string(), v.maxLength(1_000_000)),
});

export const RunStage = v.picklist(['era', 'boot', 'create', 'assign', 'first-packet', 'destroy']);

/** What failed and where; `line`/`column` (1-based) when a config line is the cause. */
export const RunFailure = v.strictObject({
  stage: RunStage,
  message: v.pipe(v.string(), v.maxLength(4000)),
  file: v.optional(v.pipe(v.string(), v.maxLength(500))),
  line: v.optional(v.pipe(Int, v.minValue(1))),
  column: v.optional(v.pipe(Int, v.minValue(1))),
});
export type RunFailure = v.InferOutput<typeof RunFailure>;

/** One line of the event log: virtual time, who printed it, what. */
export const EventLine = v.strictObject({ t: Count, source: v.pipe(v.string(), v.maxLength(100)), text: Line });
export type EventLine = v.InferOutput<typeof EventLine>;

/** One hypercall as Xen's hypercall log holds it. */
export const HypercallEntry = v.strictObject({
  t: Count,
  caller: Count,
  hypercall: v.pipe(v.string(), v.maxLength(40)),
  op: v.pipe(v.string(), v.maxLength(100)),
  cmd: Int,
  domain: Count,
  args: v.record(v.pipe(v.string(), v.maxLength(100)), v.union([v.number(), v.pipe(v.string(), v.maxLength(500)), v.boolean()])),
  result: Int,
  errno: v.pipe(v.string(), v.maxLength(40)),
});
export type HypercallEntry = v.InferOutput<typeof HypercallEntry>;

export const XmDomain = v.strictObject({
  domid: Count,
  name: v.pipe(v.string(), v.maxLength(200)),
  memoryMiB: Count,
  vcpus: Count,
  state: v.picklist(['running', 'paused']),
  /** The PCI functions it was created with. */
  pci: v.pipe(v.array(v.pipe(v.string(), v.maxLength(40))), v.maxLength(64)),
});
export type XmDomain = v.InferOutput<typeof XmDomain>;

/** What a command printed on its terminal. */
const Terminal = { stdout: Lines, stderr: Lines, exitCode: Int };
const DomainRef = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const From = v.optional(Count);

export const xenMethods = {
  /** Powers the machine on afresh and boots Xen and dom0 from grub.conf's default entry. */
  'xen.boot': {
    params: v.strictObject({ grub: ConfigFile, era: v.pipe(v.string(), v.minLength(1), v.maxLength(20)) }),
    result: v.strictObject({ ok: v.boolean(), title: v.optional(v.pipe(v.string(), v.maxLength(500))), failure: v.optional(RunFailure), status: SimStatus }),
  },
  /** `xm create` of an hvm.conf text, then the guest runs until its assigned NICs got a first frame. */
  'xm.create': {
    params: v.strictObject({ hvm: ConfigFile }),
    result: v.strictObject({ ok: v.boolean(), domain: v.optional(XmDomain), firstPacket: v.boolean(), failure: v.optional(RunFailure), ...Terminal }),
  },
  'xm.destroy': {
    params: v.strictObject({ domain: DomainRef }),
    result: v.strictObject({ ok: v.boolean(), failure: v.optional(RunFailure), ...Terminal }),
  },
  'xm.list': { params: v.strictObject({}), result: v.strictObject({ booted: v.boolean(), domains: v.pipe(v.array(XmDomain), v.maxLength(256)) }) },
  'xm.pciList': {
    params: v.strictObject({ domain: DomainRef }),
    result: v.strictObject({ functions: v.pipe(v.array(v.strictObject({ vslot: Count, bdf: v.pipe(v.string(), v.maxLength(40)) })), v.maxLength(64)) }),
  },
  /** The hypercall log from record `from` on (at most 1000 a call; `total` says how many exist). */
  'xen.hypercalls': {
    params: v.strictObject({ from: From }),
    result: v.strictObject({ records: v.pipe(v.array(HypercallEntry), v.maxLength(1000)), total: Count }),
  },
  /** The event log from line `from` on (at most 1000 a call). */
  'xen.events': {
    params: v.strictObject({ from: From }),
    result: v.strictObject({ lines: v.pipe(v.array(EventLine), v.maxLength(1000)), total: Count }),
  },
  /**
   * The link partner of each NIC a guest holds (or of the one NIC named) streams numbered frames
   * to it back to back at line rate, as the seed's scp peer did; replaces a stream still running.
   */
  'peer.stream': {
    params: v.strictObject({
      count: v.pipe(Int, v.minValue(1), v.maxValue(MAX_STREAM_FRAMES)),
      /** Bytes after the Ethernet header: a normal frame's payload. */
      payloadBytes: v.pipe(Int, v.minValue(MIN_STREAM_PAYLOAD), v.maxValue(MAX_STREAM_PAYLOAD)),
      bdf: v.optional(v.pipe(v.string(), v.regex(/^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/, 'must be a PCI address like 0000:02:00.0'))),
    }),
    result: v.strictObject({
      streams: v.pipe(v.array(v.strictObject({ bdf: v.pipe(v.string(), v.maxLength(40)), peer: v.pipe(v.string(), v.maxLength(40)), count: Count, payloadBytes: Count })), v.maxLength(64)),
    }),
  },
} as const;
