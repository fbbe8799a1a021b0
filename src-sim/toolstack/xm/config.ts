/**
 * `xm create`'s reading of an hvm.conf (tools/python/xen/xm/create.py): the file is executed as
 * Python by the config-language evaluator; the variables xm knows are taken with create.py's
 * defaults; `pci` strings go through the era's preprocess_pci — silently dropped when they do not
 * match (2007 to 3.4), an error from 4.0.
 */
import { analyzeHvm } from '../../../src-shared/config/index.ts';
import { parseXmPci } from '../../../src-shared/config/pci-spec.ts';
import type { Era } from '../../../src-shared/config/era.ts';
import type { Json } from '../../../src-shared/config/python-values.ts';
import type { XenEra } from '../../xen/common/version.ts';

export interface XmVif {
  type?: string;
  mac?: string;
  bridge?: string;
  model?: string;
}

export interface XmPci {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  /** The hex strings xm hands on ('0x0', '0x02', '0x00', '0x0'). */
  raw: [string, string, string, string];
}

export interface XmConfig {
  name: string;
  builder: string;
  kernel: string;
  memory: number;
  vcpus: number;
  acpi: number;
  apic: number;
  pae: number;
  deviceModel: string;
  boot: string;
  vnc: number;
  sdl: number;
  stdvga: number;
  usb: number;
  localtime: number;
  serial?: string;
  vif: XmVif[];
  disk: string[];
  pci: XmPci[];
  /** pci strings xm dropped without a word (2007-3.4). */
  droppedPci: string[];
}

export class XmError extends Error {}

const num = (v: Json | undefined, dflt: number) => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : dflt);
const text = (v: Json | undefined, dflt: string) => (typeof v === 'string' ? v : dflt);

export function readXmConfig(source: string, fileName: string, era: XenEra): XmConfig {
  const { model } = analyzeHvm(source);
  if (!model.completed) {
    const first = model.sink.list.find((d) => d.severity === 'error');
    throw new XmError(first ? first.message.replace(/ — xm would stop here and create no domain$/, '') : `could not read ${fileName}`);
  }
  const v = (name: string) => model.settings.get(name)?.value;
  const cfg: XmConfig = {
    name: text(v('name'), fileName.replace(/^.*\//, '')),
    builder: text(v('builder'), 'linux'),
    kernel: text(v('kernel'), ''),
    memory: num(v('memory'), 128),
    vcpus: num(v('vcpus'), 1),
    acpi: num(v('acpi'), 1),
    apic: num(v('apic'), 1),
    pae: num(v('pae'), 1),
    deviceModel: text(v('device_model'), ''),
    boot: text(v('boot'), 'c'),
    vnc: num(v('vnc'), 0),
    sdl: num(v('sdl'), 0),
    stdvga: num(v('stdvga'), 0),
    usb: num(v('usb'), 0),
    localtime: num(v('localtime'), 0),
    serial: typeof v('serial') === 'string' ? (v('serial') as string) : undefined,
    vif: listOf(v('vif')).map(parseVif),
    disk: listOf(v('disk')),
    pci: [],
    droppedPci: [],
  };
  for (const s of listOf(v('pci'))) {
    const p = parseXmPci(s, era as Era);
    if (p.outcome === 'rejected') throw new XmError(`Failed to parse pci device: ${s}`);
    if (!p.address) {
      cfg.droppedPci.push(s);
      continue;
    }
    const m = /^(?:([0-9a-fA-F]{1,4})[:,])?([0-9a-fA-F]{1,2})[:,]([0-9a-fA-F]{1,2})[.,]([0-9a-fA-F])/.exec(s)!;
    cfg.pci.push({ domain: p.address.domain, bus: p.address.bus, slot: p.address.slot, func: p.address.func, raw: [`0x${m[1] ?? '0'}`, `0x${m[2]}`, `0x${m[3]}`, `0x${m[4]}`] });
  }
  return cfg;
}

function listOf(v: Json | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function parseVif(s: string): XmVif {
  const out: XmVif = {};
  for (const part of s.split(',')) {
    const [k, val] = part.split('=').map((x) => x.trim());
    if (k === 'type' || k === 'mac' || k === 'bridge' || k === 'model') out[k] = val;
  }
  return out;
}
