/**
 * Checks of an HVM guest config (xm hvm.conf or xl.cfg) against the option catalogue, the era's
 * toolstack and, when given, the host: what xm/xend or xl would do with each setting, said at the
 * setting, with the fix when one is obvious. The PCI assignment checks follow xen.md §10 (the
 * outcome matrix of user mistakes) row by row.
 */
import { didYouMean, type Fix } from './diagnostic.ts';
import { eraSpan, inEra, type Era } from './era.ts';
import { literalText, type GuestModel, type Setting } from './guest-model.ts';
import type { HostFacts } from './host-facts.ts';
import { allowedIn, XL_BY_NAME, XM_BY_NAME, XM_VIF_KEYS, type OptionDef } from './hvm-options.ts';
import { toolstackEra } from './toolstack-era.ts';
import { checkPciEntries } from './pci-check.ts';
import type { Span } from './python-ast.ts';
import { pyRepr, typeName } from './python-values.ts';
import type { Json } from './python-values.ts';
import type { TextEdit } from './source.ts';

export interface GuestCheckContext {
  era: Era;
  host?: HostFacts;
  /** Functions pciback (or xl pci-assignable) owns, canonical `0000:02:00.0` spelling. */
  hidden?: Set<string>;
  /** Functions other guests already take: canonical BDF → the other guest. */
  takenBy?: Map<string, string>;
  /** Edits of the boot config that hide a function from dom0 (cross-file quick fix), when known. */
  hideEdits?: (bdf: string) => TextEdit[] | undefined;
}

/** Types xm takes from the file (opts.py `Opts.load`); everything else is silently dropped. */
const XM_TAKES = new Set(['str', 'list', 'int', 'float']);

export function checkGuest(m: GuestModel, ctx: GuestCheckContext): void {
  const era = m.dialect === 'xl' && !inEra(ctx.era, '4.1') ? '4.19' : ctx.era;
  const catalogue = m.dialect === 'xl' ? XL_BY_NAME : XM_BY_NAME;
  // An xm file in an era without xm: one diagnostic says so; per-option era notes would be noise.
  const xmGone = m.dialect === 'xm' && toolstackEra(m, era);
  for (const s of m.settings.values()) {
    const opt = catalogue.get(s.name);
    if (!opt) {
      unknownOption(m, s, catalogue);
      continue;
    }
    if (m.dialect === 'xm' && s.value === undefined && s.py && ['unknown', 'list', 'tuple', 'dict'].includes(s.py.t)) {
      notEvaluated(m, s);
      continue;
    }
    if (m.dialect === 'xm' && s.py && !XM_TAKES.has(s.py.t === 'str' && s.py.u ? 'unicode' : s.py.t) && s.py.t !== 'unknown') {
      ignoredType(m, s, opt);
      continue;
    }
    if (!xmGone) eraCheck(m, s, opt, era);
    if (s.value !== undefined) typeCheck(m, s, opt, era);
  }
  guestKind(m, era);
  checkPciEntries(m, { ...ctx, era });
  seedPicMode(m, era);
  listItems(m);
}

function unknownOption(m: GuestModel, s: Setting, catalogue: Map<string, OptionDef>): void {
  if (m.referenced.has(s.name) || s.name.startsWith('_')) return;
  // `import re`, a `def`, a None or a bool: xm takes only data of its four types, so a name bound
  // to anything else is the file's own business, not a misspelt option.
  if (m.dialect === 'xm' && s.py && s.py.t !== 'unknown' && !XM_TAKES.has(s.py.t)) return;
  const tool = m.dialect === 'xm' ? 'xm' : 'xl';
  const near = didYouMean(s.name, catalogue.keys());
  if (near) {
    m.sink.add('unknown-option', 'warning', `'${s.name}' is not an ${tool} option, so ${tool} ignores it; did you mean '${near}'?`, s.nameSpan.start, s.nameSpan.end, [
      m.sink.replace(`Rename to '${near}'`, s.nameSpan.start, s.nameSpan.end, near),
    ]);
  } else if (m.dialect === 'xm' && s.py?.t !== 'unknown') {
    // (A name set by a loop or block the editor did not run is a helper such as a loop variable.)
    m.sink.add('unknown-option', 'info', `'${s.name}' is not an xm option and nothing here reads it: xm ignores it`, s.nameSpan.start, s.nameSpan.end);
  } else {
    m.sink.add('unknown-option', 'warning', `'${s.name}' is not an xl.cfg option: xl ignores it`, s.nameSpan.start, s.nameSpan.end);
  }
}

/** A setting the editor could not evaluate: say that its checks did not run, rather than pass silently. */
function notEvaluated(m: GuestModel, s: Setting): void {
  const what = s.name === 'pci' ? 'its devices are not checked' : 'its value is not checked';
  m.sink.add('not-evaluated', 'info', `${s.name} could not be evaluated by the editor (xm would compute it); ${what}`, s.nameSpan.start, s.nameSpan.end);
}

function ignoredType(m: GuestModel, s: Setting, opt: OptionDef): void {
  const py = s.py!;
  const span = s.valueSpan ?? s.nameSpan;
  const fixes: Fix[] = [];
  const written = m.src.text.slice(span.start, span.end);
  if (py.t === 'bool' && /^(True|False)$/.test(written)) fixes.push(m.sink.replace(`Write ${py.v ? 1 : 0}`, span.start, span.end, py.v ? '1' : '0'));
  if (py.t === 'tuple' && written.startsWith('(') && written.endsWith(')')) {
    const inner = written.slice(1, -1).replace(/,\s*$/, '');
    fixes.push(m.sink.replace('Make it a list [ … ]', span.start, span.end, `[${inner}]`));
  }
  if (py.t === 'str' && py.u && /^[uU]['"]/.test(written)) fixes.push(m.sink.replace("Drop the u'' prefix", span.start, span.start + 1, ''));
  const dflt = opt.default !== undefined ? ` (default ${opt.default})` : '';
  m.sink.add('xm-ignored-type', 'warning', `xm takes only str, int, float and list values from the file; this ${typeName(py)} is silently ignored and ${s.name} keeps its default${dflt}`, span.start, span.end, fixes);
}

function eraCheck(m: GuestModel, s: Setting, opt: OptionDef, era: Era): void {
  if (inEra(era, opt.since, opt.until)) return;
  const tool = m.dialect === 'xm' ? 'xm' : 'xl';
  const when = opt.since && !inEra(era, opt.since) ? `arrived in ${opt.since === '2007' ? 'the 2007 VT-d patches' : 'Xen ' + opt.since}` : `was dropped in Xen ${opt.until} (it belongs to ${eraSpan(opt.since, opt.until)})`;
  m.sink.add('option-era', 'warning', `'${s.name}' ${when}; ${tool} of the selected era (${era}) ignores it`, s.nameSpan.start, s.nameSpan.end);
}

/**
 * Switches xend's image.py reads leniently (parseDeviceModelArgs of 3.1+: `int(v)` in a try,
 * "if we can't convert it to a sane type, ignore it"); every other number xend converts with a
 * bare int() (XendConfig's `'memory': int`, image.py's `int(vmConfig['platform'].get('pae'))`).
 */
const XEND_LENIENT = new Set(['localtime', 'stdvga', 'isa', 'usb']);

/** Python 2 int() of a str: optional sign, digits, surrounding blanks. */
const PY_INT_STRING = /^\s*[-+]?\d+\s*$/;

function typeCheck(m: GuestModel, s: Setting, opt: OptionDef, era: Era): void {
  const v = s.value!;
  const span = s.valueSpan ?? s.nameSpan;
  const isInt = (x: Json) => typeof x === 'number' && Number.isInteger(x) && (m.dialect === 'xl' || s.py?.t !== 'float');
  const numericString = typeof v === 'string' && /^\s*\d+\s*$/.test(v);
  const tool = m.dialect;
  const wantsList = opt.type === 'list';
  if (wantsList && !Array.isArray(v)) {
    const fixes = typeof v === 'string' ? [m.sink.replace('Make it a one-item list', span.start, span.end, `[ ${m.src.text.slice(span.start, span.end)} ]`)] : [];
    const why = tool === 'xm' && typeof v === 'string' ? `: xm walks a string character by character, so each character becomes an entry` : tool === 'xl' ? `: xl warns "parameter \`${s.name}' is a single value but should be a list"` : '';
    m.sink.add('option-type', 'error', `${s.name} must be a list${why}`, span.start, span.end, fixes);
    return;
  }
  if (!wantsList && Array.isArray(v) && !opt.type.includes('list')) {
    m.sink.add('option-type', 'error', `${s.name} must be a single ${opt.type === 'str' ? 'string' : 'number'}, not a list`, span.start, span.end);
    return;
  }
  if (tool === 'xm' && opt.xendInt && typeof v === 'string') {
    // xm hands every value to xend as SXP text, and xend converts it with int(): '512' is 512.
    if (PY_INT_STRING.test(v)) return numberAllowed(m, s, opt, Number(v.trim()), span, era);
    // 3.0's image.py converted the same switches with a bare int() (RELEASE-3.0.0 parseDeviceModelArgs).
    const lenient = XEND_LENIENT.has(s.name) && inEra(era, '3.1');
    m.sink.add('option-type', lenient ? 'warning' : 'error', lenient
      ? `${s.name} = ${pyRepr(s.py!)} is not a number: xend's int() fails and it ignores ${s.name} (the default applies)`
      : `${s.name} = ${pyRepr(s.py!)} is not a number: xend's int() fails with "ValueError: invalid literal for int() with base 10: ${pyRepr(s.py!)}" and creates no domain`, span.start, span.end);
    return;
  }
  if ((opt.type === 'int' || opt.type === 'switch') && !isInt(v) && !(tool === 'xl' && numericString)) {
    const fixes = numericString ? [m.sink.replace(`Write the number ${String(v).trim()}`, span.start, span.end, String(v).trim())] : [];
    const got = s.py ? typeName(s.py) : typeof v;
    m.sink.add('option-type', 'error', `${s.name} takes an integer, not ${got} ${s.py ? pyRepr(s.py) : JSON.stringify(v)}`, span.start, span.end, fixes);
    return;
  }
  if (opt.type === 'str' && typeof v !== 'string' && !(tool === 'xl' && typeof v === 'number')) {
    const fixes = typeof v === 'number' ? [m.sink.replace('Quote it', span.start, span.end, `'${m.src.text.slice(span.start, span.end)}'`)] : [];
    m.sink.add('option-type', 'error', `${s.name} takes a string, not ${s.py ? typeName(s.py) : typeof v}`, span.start, span.end, fixes);
    return;
  }
  if (typeof v === 'string' || typeof v === 'number') numberAllowed(m, s, opt, v, span, era);
}

function numberAllowed(m: GuestModel, s: Setting, opt: OptionDef, v: string | number, span: Span, era: Era): void {
  const allowed = allowedIn(opt, era);
  if (allowed && !allowed.includes(String(v))) allowedValues(m, s, opt, allowed, String(v), span, era);
}

function allowedValues(m: GuestModel, s: Setting, opt: OptionDef, allowed: readonly string[], v: string, span: Span, era: Era): void {
  const gone = opt.valueEras?.[v];
  if (gone) {
    const fix = opt.name === 'builder' && v === 'vmx' ? 'hvm' : undefined;
    const lit = literalText(m.src, span);
    const when = gone.until && !inEra(era, undefined, gone.until) ? `belongs to Xen ${eraSpan(gone.since, gone.until)}` : `arrived in Xen ${gone.since}`;
    const what = opt.name === 'builder' ? `xend of ${era} fails with "VmError: unknown image type: ${v}"` : `${m.dialect} of ${era} refuses it`;
    m.sink.add('option-value', 'error', `${s.name} = '${v}' ${when}: ${what}`, span.start, span.end, fix && lit ? [m.sink.replace(`Use '${fix}'`, lit.inner.start, lit.inner.end, fix)] : []);
    return;
  }
  const near = didYouMean(v, allowed) ?? (allowed.includes(v.toLowerCase()) ? v.toLowerCase() : undefined);
  const lit = literalText(m.src, span);
  const fixes: Fix[] = [];
  if (near && lit) fixes.push(m.sink.replace(`Use '${near}'`, lit.inner.start, lit.inner.end, near));
  else if (near && opt.type === 'switch') fixes.push(m.sink.replace(`Use ${near}`, span.start, span.end, near));
  const severity = opt.type === 'switch' ? 'warning' : 'error';
  const list = allowed.map((a) => (opt.type === 'switch' ? a : `'${a}'`)).join(', ');
  m.sink.add('option-value', severity, `${s.name} = ${JSON.stringify(s.value)} is not one of ${list}${near ? `; did you mean ${opt.type === 'switch' ? near : `'${near}'`}?` : ''}`, span.start, span.end, fixes);
}

/** True when the config builds an HVM guest (xm builder 'hvm', or 'vmx' of 3.0.0/3.0.1; xl type/builder). */
export function isHvmGuest(m: GuestModel): boolean {
  const type = m.settings.get(m.dialect === 'xl' && m.settings.has('type') ? 'type' : 'builder');
  return type?.value === 'hvm' || (m.dialect === 'xm' && type?.value === 'vmx');
}

/**
 * pci= means PV pass-through (pciback/pcifront, since 2005) for a PV guest, and VT-d assignment
 * for an HVM guest from the 2007 patches on (xen.md §10 rows 15-16).
 */
function guestKind(m: GuestModel, era: Era): void {
  const pci = m.settings.get('pci');
  if (!pci || !Array.isArray(pci.value) || pci.value.length === 0) return;
  const type = m.settings.get(m.dialect === 'xl' && m.settings.has('type') ? 'type' : 'builder');
  if (!isHvmGuest(m) && type?.value !== undefined) return; // a PV builder said so, or a wrong value the value check reports
  if (!type) {
    const at = pci.stmt;
    const line = m.src.position(at.end).line;
    const eol = m.src.lineEndOffset(line);
    const key = m.dialect === 'xl' ? 'type' : 'builder';
    // xen.md §10 row 15: from 3.4 xend also asks Xen to put a PV guest's device in the IOMMU.
    const pv34 = m.dialect === 'xm' && inEra(era, '3.4') ? "; from 3.4 xend also assigns it to the IOMMU, which needs iommu=pv on the xen.gz line, else 'Failed to assign device to IOMMU'" : '';
    m.sink.add('guest-pv-pci', 'info', `No ${key} = 'hvm': a PV guest, which gets the device from pciback through pcifront (PV pass-through, no VT-d protection)${pv34}; for VT-d assignment to an HVM guest add ${key} = 'hvm'`, pci.nameSpan.start, pci.nameSpan.end, [
      m.sink.replace(`Add ${key} = 'hvm' (VT-d assignment to an HVM guest)`, eol, eol, `\n${key} = 'hvm'`, false),
    ]);
    return;
  }
  if (m.dialect === 'xm' && !inEra(era, '2007')) {
    m.sink.add('hvm-pci-before-vtd', 'warning', `Xen ${era} has no device assignment to HVM guests (VT-d arrived with the 2007 patches, released in 3.2): xend sets the device up for pcifront, which an HVM guest does not run, so the guest never sees it`, pci.nameSpan.start, pci.nameSpan.end);
    return;
  }
  if (m.dialect === 'xm') {
    const kernel = m.settings.get('kernel');
    if (kernel && typeof kernel.value === 'string' && !/hvmloader$/.test(kernel.value)) {
      const span = kernel.valueSpan ?? kernel.nameSpan;
      m.sink.add('hvm-kernel', 'error', `An HVM guest boots hvmloader, not '${kernel.value}': xc_hvm_build would fail`, span.start, span.end, [
        m.sink.replace('Use /usr/lib/xen/boot/hvmloader', span.start, span.end, "'/usr/lib/xen/boot/hvmloader'"),
      ]);
    }
    if (!m.settings.has('device_model')) {
      const line = m.src.position(type.stmt.end).line;
      const eol = m.src.lineEndOffset(line);
      m.sink.add('hvm-device-model', 'error', "No device_model: xend fails with 'hvm: missing device model' and qemu-dm, which owns the assigned device's config space, never starts", type.nameSpan.start, type.nameSpan.end, [
        m.sink.replace("Add device_model = '/usr/lib/xen/bin/qemu-dm'", eol, eol, "\ndevice_model = '/usr/lib/xen/bin/qemu-dm'"),
      ]);
    }
  }
}

/** Seed patch (April 2007): "set acpi and apic to 0 in hvm.conf as current patch only works with PIC". */
function seedPicMode(m: GuestModel, era: Era): void {
  if (era !== '2007' || m.dialect !== 'xm' || !isHvmGuest(m)) return;
  const pci = m.settings.get('pci');
  if (!pci || !Array.isArray(pci.value) || pci.value.length === 0) return;
  const missing: string[] = [];
  for (const name of ['acpi', 'apic']) {
    const s = m.settings.get(name);
    if (!s) {
      missing.push(name);
      continue;
    }
    if (s.value === 0 || s.value === undefined) continue;
    const span = s.valueSpan ?? s.nameSpan;
    m.sink.add('seed-pic-mode', 'error', `${name} = ${JSON.stringify(s.value)}: the 2007 VT-d patch delivers device interrupts only in PIC mode, so the assigned NIC would never interrupt; set ${name} = 0`, span.start, span.end, [
      m.sink.replace(`Set ${name} = 0`, span.start, span.end, '0'),
    ]);
  }
  if (missing.length) {
    const eol = m.src.lineEndOffset(m.src.position(pci.stmt.end).line);
    m.sink.add('seed-pic-mode', 'error', `${missing.join(' and ')} default${missing.length === 1 ? 's' : ''} to 1, but the 2007 VT-d patch delivers device interrupts only in PIC mode: add ${missing.map((n) => `${n} = 0`).join(', ')}`, pci.nameSpan.start, pci.nameSpan.end, [
      m.sink.replace(`Add ${missing.map((n) => `${n} = 0`).join(' and ')}`, eol, eol, missing.map((n) => `\n${n} = 0`).join('')),
    ]);
  }
}

/** vif keys and disk specifiers, as xm's create.py splits them. */
function listItems(m: GuestModel): void {
  if (m.dialect !== 'xm') return;
  const vif = m.settings.get('vif');
  if (vif && Array.isArray(vif.value)) {
    vif.value.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') return;
      const lit = literalText(m.src, vif.elements?.[i]);
      let offset = 0;
      for (const part of item.split(',')) {
        const key = part.split('=')[0].trim();
        const keyAt = offset + part.indexOf(key);
        offset += part.length + 1;
        if (!part.includes('=')) {
          if (lit) m.sink.add('vif-syntax', 'error', `vif entry '${part.trim()}' is not key=value: xm fails unpacking it`, lit.inner.start + keyAt, lit.inner.start + keyAt + key.length);
          continue;
        }
        if ((XM_VIF_KEYS as readonly string[]).includes(key)) continue;
        const near = didYouMean(key, XM_VIF_KEYS);
        const span = lit ? { start: lit.inner.start + keyAt, end: lit.inner.start + keyAt + key.length } : (vif.elements?.[i] ?? vif.nameSpan);
        m.sink.add('vif-key', 'error', `xm: Invalid vif option: ${key}${near ? ` (did you mean '${near}'?)` : ''}`, span.start, span.end, near && lit ? [m.sink.replace(`Use '${near}'`, span.start, span.end, near)] : []);
      }
    });
  }
  const disk = m.settings.get('disk');
  if (disk && Array.isArray(disk.value)) {
    disk.value.forEach((item, i) => {
      if (typeof item !== 'string') return;
      const n = item.split(',').length;
      const span = disk.elements?.[i] ?? disk.valueSpan ?? disk.nameSpan;
      if (n !== 3 && n !== 4) m.sink.add('disk-syntax', 'error', `xm: Invalid disk specifier: ${item} (expected TYPE:PATH,VDEV,MODE)`, span.start, span.end);
      else if (!/^(r|w|w!)$/.test(item.split(',')[2].trim())) m.sink.add('disk-syntax', 'error', `disk mode '${item.split(',')[2].trim()}' is not r, w or w!`, span.start, span.end);
    });
  }
}
