/**
 * Which toolstack an era has, and what an xm config needs there. xl arrived in Xen 4.1 and became
 * the default in 4.2 (xend deprecated); xm/xend were removed in 4.5 (tools/python/xen/xm is gone
 * from RELEASE-4.5.0). An xm Python config under an era without xm gets one diagnostic saying so,
 * with a conversion to xl.cfg when it is mechanical: every setting evaluated to a string, number
 * or list of strings, so xl.cfg can say the same thing with its atoms and lists.
 */
import type { Fix } from './diagnostic.ts';
import { inEra, type Era } from './era.ts';
import type { GuestModel } from './guest-model.ts';
import { XL_BY_NAME } from './hvm-options.ts';
import type { Json } from './python-values.ts';

/** The first era without xm (the ERAS entry after the last with it). */
export const XM_GONE: Era = '4.10';

/** The toolstack a user of the era types: xm until 4.1, xl or xm in 4.1–4.4, xl only from 4.5. */
export function toolstackOf(era: Era): string {
  if (inEra(era, XM_GONE)) return 'xl only (xm and xend were removed in Xen 4.5)';
  if (inEra(era, '4.2')) return 'xl by default (xend deprecated in 4.2; xm still ships until 4.4)';
  if (inEra(era, '4.1')) return 'xm, with xl new and optional';
  return 'xm (xend)';
}

/** xm settings with no xl meaning, dropped by the conversion (xl reads kernel= of an HVM guest as a direct-boot kernel). */
const XL_DROPS = new Set(['kernel', 'device_model']);

/** Says it when an xm config meets an era without xm; true when it did. */
export function toolstackEra(m: GuestModel, era: Era): boolean {
  if (m.dialect !== 'xm' || !inEra(era, XM_GONE)) return false;
  const conv = toXlCfg(m, era);
  const firstEnd = m.src.lineEndOffset(1);
  const why = conv.ok ? 'the conversion is mechanical and offered as a fix' : `convert it by hand (${conv.why})`;
  const fixes: Fix[] = conv.ok ? [{ title: `Convert to xl.cfg (xl of Xen ${era})`, edits: [{ range: m.src.range(0, m.src.text.length), text: conv.text }], preferred: true }] : [];
  m.sink.add('toolstack-era', 'error', `This is an xm Python config, but Xen ${era} has ${toolstackOf(era)}: xl reads xl.cfg (name = value, strings, numbers and lists; no Python) — ${why}`, 0, Math.max(firstEnd, Math.min(1, m.src.text.length)), fixes);
  return true;
}

function xlAtom(v: Json): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && !/["\\\n]/.test(v)) return `"${v}"`;
  return undefined;
}

/** The xl.cfg text of an evaluated xm config, or why it is not mechanical. */
export function toXlCfg(m: GuestModel, era: Era): { ok: true; text: string } | { ok: false; why: string } {
  if (!m.completed) return { ok: false, why: 'the file does not run to the end' };
  const lines = [`# Converted from an xm config for xl of Xen ${era} (xl.cfg(5)).`];
  for (const s of m.settings.values()) {
    if (s.value === undefined) return { ok: false, why: `${s.name} is computed in a way the editor cannot evaluate` };
    if (s.py && !['str', 'int', 'list'].includes(s.py.t)) continue; // xm itself ignores other types
    if (XL_DROPS.has(s.name)) {
      lines.push(`# ${s.name} dropped: xl finds hvmloader and qemu itself`);
      continue;
    }
    let name = s.name;
    let value = s.value;
    if (name === 'builder') {
      name = inEra(era, '4.10') ? 'type' : 'builder';
      if (value === 'linux') value = 'pv';
    }
    if (name === 'vif' && Array.isArray(value)) value = value.map((v) => (typeof v === 'string' ? v.split(',').map((p) => p.trim()).filter((p) => p !== 'type=ioemu').join(',') : v));
    if (!XL_BY_NAME.has(name)) {
      lines.push(`# ${name} dropped: no xl.cfg option of that name`);
      continue;
    }
    const text = Array.isArray(value) ? listText(value) : xlAtom(value);
    if (text === undefined) return { ok: false, why: `${s.name}'s value has no xl.cfg spelling` };
    lines.push(`${name} = ${text}`);
  }
  return { ok: true, text: lines.join('\n') + '\n' };
}

function listText(items: Json[]): string | undefined {
  const atoms = items.map(xlAtom);
  return atoms.every((a) => a !== undefined) ? `[ ${atoms.join(', ')} ]` : undefined;
}
