/** The simulated machine: which host profile is powered on, and what is in it. */
import * as v from 'valibot';
import { SimStatus } from '../common.ts';

const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Text = v.pipe(v.string(), v.maxLength(300));

/** One PCI function of the live machine, as the Host panel lists it. */
export const HostDevice = v.strictObject({
  bdf: v.pipe(v.string(), v.regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/)),
  /** 24-bit class code as 6 hex digits, and its name. */
  classCode: v.pipe(v.string(), v.regex(/^[0-9a-f]{6}$/)),
  className: Text,
  vendorId: v.pipe(v.string(), v.regex(/^[0-9a-f]{4}$/)),
  deviceId: v.pipe(v.string(), v.regex(/^[0-9a-f]{4}$/)),
  vendorName: Text,
  deviceName: Text,
  /** What answers its config cycles and BARs: a device model, or the profile's bytes only. */
  driver: Text,
  /** Who owns it: "host" until the toolstack assigns it to a domain. */
  owner: Text,
  /** The remapping unit whose scope covers it ("dmar0"), or null (no VT-d, or not covered). */
  remappingUnit: v.nullable(Text),
  /** INTx# pin and the GSI it is routed to (null: no pin, or no route). */
  irq: v.strictObject({ pin: v.nullable(v.picklist(['A', 'B', 'C', 'D'])), gsi: v.nullable(v.pipe(v.number(), v.safeInteger(), v.minValue(0))) }),
  isBridge: v.boolean(),
});
export type HostDevice = v.InferOutput<typeof HostDevice>;

export const hostMethods = {
  /** Powers on a shipped host profile in place of the running machine (no-op if it is running). */
  'host.powerOn': { params: v.strictObject({ host: Name }), result: SimStatus },
  'host.list': { params: v.strictObject({}), result: v.strictObject({ hosts: v.array(Name), current: Name }) },
  'host.devices': { params: v.strictObject({}), result: v.strictObject({ host: Name, devices: v.pipe(v.array(HostDevice), v.maxLength(1024)) }) },
} as const;
