/**
 * The device models this build has, keyed by the names host profiles use in a function's
 * `model` field ("e1000:82572EI-desktop"), QEMU's -device type registry in small. A profile
 * names a model; the platform asks here for a fresh instance and learns what kind of thing it
 * is (a NIC gets a cable), never hard-coding a device class.
 */
import type { PciFunctionModel } from './pci/function-model.ts';
import { E1000 } from './net/e1000/e1000.ts';
import { E1000_VARIANTS, type E1000VariantName } from './net/e1000/e1000_pci.ts';

/** A network card: the platform plugs a cable into it. */
export interface NicModelEntry {
  kind: 'nic';
  create(): E1000;
}

export type DeviceModelEntry = NicModelEntry;

function e1000Entries(): Record<string, DeviceModelEntry> {
  const out: Record<string, DeviceModelEntry> = {};
  for (const variant of Object.keys(E1000_VARIANTS) as E1000VariantName[]) {
    out[`e1000:${variant}`] = { kind: 'nic', create: () => new E1000({ variant }) };
  }
  return out;
}

export const DEVICE_MODEL_REGISTRY: Readonly<Record<string, DeviceModelEntry>> = Object.freeze({ ...e1000Entries() });

/** The model names a profile may use, in registry order. */
export const DEVICE_MODELS: readonly string[] = Object.keys(DEVICE_MODEL_REGISTRY);

export function deviceModel(name: string): DeviceModelEntry {
  const e = DEVICE_MODEL_REGISTRY[name];
  if (!e) throw new Error(`"${name}" is not a device model this build has (known: ${DEVICE_MODELS.join(', ')})`);
  return e;
}

export type { PciFunctionModel };
