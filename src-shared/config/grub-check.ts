/**
 * Checks of a boot loader config for a Xen VT-d host: GRUB's own grammar (unknown commands,
 * `default` past the last entry, GRUB 2 spellings in a legacy file and back), the hypervisor line
 * against the era's VT-d switch and the seed's `ioapic_ack=old`, options on the wrong line, and
 * dom0's `pciback.hide=(…)` — the seed's `pciback.hid` typo first among them.
 */
import { didYouMean, type Fix } from './diagnostic.ts';
import type { TextEdit } from './source.ts';
import { inEra, type Era } from './era.ts';
import { defaultEntry, xenBoot, type GrubConfig, type GrubEntry, type XenBoot } from './grub-parser.ts';
import type { HostFacts } from './host-facts.ts';
import { canonicalBdf, parseHideList, shortBdf } from './pci-spec.ts';
import { PCIBACK_PARAMS, XEN_BY_NAME, vtdSwitch, type CmdOption } from './xen-cmdline.ts';

export interface GrubCheckContext {
  era: Era;
  host?: HostFacts;
}

const LEGACY_COMMANDS = [
  'default', 'timeout', 'fallback', 'hiddenmenu', 'splashimage', 'foreground', 'background', 'password', 'color', 'serial', 'terminal', 'gfxmenu',
  'root', 'rootnoverify', 'kernel', 'module', 'modulenounzip', 'initrd', 'chainloader', 'makeactive', 'boot', 'savedefault', 'lock', 'map', 'hide',
  'unhide', 'setkey', 'pause', 'uppermem', 'configfile', 'find', 'lock', 'partnew', 'parttype', 'quiet', 'title',
];
const GRUB2_COMMANDS = [
  'menuentry', 'submenu', 'set', 'insmod', 'search', 'multiboot', 'multiboot2', 'module', 'module2', 'linux', 'linux16', 'initrd', 'initrd16', 'echo',
  'load_video', 'load_env', 'save_env', 'if', 'then', 'else', 'elif', 'fi', 'for', 'do', 'done', 'function', 'export', 'terminal_output',
  'terminal_input', 'serial', 'gfxmode', 'gfxpayload', 'chainloader', 'configfile', 'source', 'true', 'false', 'test', '[', 'recordfail',
  'savedefault', 'font', 'loadfont', 'background_image', 'reboot', 'halt', 'boot', 'xen_hypervisor', 'xen_module', 'play', 'probe', 'sleep',
];

export function checkGrub(cfg: GrubConfig, ctx: GrubCheckContext): void {
  grammar(cfg);
  if (cfg.entries.length === 0) {
    const end = cfg.src.text.length;
    cfg.sink.add('grub-no-entry', 'error', `No boot entry (${cfg.flavor === 'legacy' ? 'title' : 'menuentry'}): GRUB has nothing to boot`, 0, Math.min(end, cfg.src.lineEndOffset(1)));
    return;
  }
  const boot = defaultEntry(cfg);
  for (const e of cfg.entries) {
    const xen = xenBoot(e);
    if (!xen) continue;
    checkXenEntry(cfg, e, xen, ctx, e === boot);
  }
  if (boot && !xenBoot(boot)) {
    cfg.sink.add('grub-default-not-xen', 'warning', `The entry GRUB boots by default ('${boot.title}') does not load a Xen hypervisor`, boot.titleStart, boot.titleEnd);
  }
}

function grammar(cfg: GrubConfig): void {
  const known = cfg.flavor === 'legacy' ? LEGACY_COMMANDS : GRUB2_COMMANDS;
  const all = [...cfg.globals, ...cfg.entries.flatMap((e) => e.commands)];
  for (const c of all) {
    // A command word from a variable GRUB sets at boot ($linux_loader …) is not the editor's to judge.
    if (c.dynamic) continue;
    if (cfg.flavor === 'grub2' && c.name === 'root' && c.args[0] && /^\(hd\d+,\d+\)$/.test(c.args[0].text)) {
      const m = /^\(hd(\d+),(\d+)\)$/.exec(c.args[0].text)!;
      cfg.sink.add('grub-legacy-in-grub2', 'error', "GRUB 2 has no 'root (hdD,P)' command; partitions are set with set root='hdD,msdosN' and count from 1", c.start, c.end, [
        cfg.sink.replace(`Write set root='hd${m[1]},msdos${Number(m[2]) + 1}'`, c.start, c.end, `set root='hd${m[1]},msdos${Number(m[2]) + 1}'`),
      ]);
      continue;
    }
    if (cfg.flavor === 'grub2' && c.name === 'kernel' && c.args.some((a) => /xen/.test(a.text))) {
      cfg.sink.add('grub-legacy-in-grub2', 'error', "GRUB 2 loads xen.gz with 'multiboot' (or 'multiboot2'), not 'kernel'", c.nameStart, c.nameEnd, [cfg.sink.replace("Use 'multiboot'", c.nameStart, c.nameEnd, 'multiboot')]);
      continue;
    }
    if (cfg.flavor === 'legacy' && (c.name === 'multiboot' || c.name === 'menuentry')) {
      cfg.sink.add('grub-grub2-in-legacy', 'error', `'${c.name}' is GRUB 2 syntax; GRUB legacy stops with "Error 27: Unrecognized command"`, c.nameStart, c.nameEnd, c.name === 'multiboot' ? [cfg.sink.replace("Use 'kernel'", c.nameStart, c.nameEnd, 'kernel')] : []);
      continue;
    }
    if (known.includes(c.name) || (cfg.flavor === 'grub2' && /^[\w.]+=/.test(c.name))) continue;
    const near = didYouMean(c.name, known);
    const what = cfg.flavor === 'legacy' ? 'GRUB legacy stops the entry with "Error 27: Unrecognized command"' : `GRUB 2 reports "can't find command \`${c.name}'"`;
    cfg.sink.add('grub-unknown-command', 'error', `Unknown command '${c.name}': ${what}${near ? `; did you mean '${near}'?` : ''}`, c.nameStart, c.nameEnd, near ? [cfg.sink.replace(`Use '${near}'`, c.nameStart, c.nameEnd, near)] : []);
  }
  if (cfg.flavor === 'legacy') {
    for (const g of cfg.globals) {
      const v = g.args[0];
      if (g.name === 'default' && v && /^\d+$/.test(v.text) && Number(v.text) >= cfg.entries.length && cfg.entries.length > 0) {
        cfg.sink.add('grub-default-range', 'error', `default=${v.text} but entries count from 0 and there ${cfg.entries.length === 1 ? 'is 1 entry' : `are ${cfg.entries.length} entries`}: GRUB falls back to the first`, v.start, v.end, [
          cfg.sink.replace('Boot the last entry', v.start, v.end, String(cfg.entries.length - 1)),
        ]);
      }
      if ((g.name === 'default' || g.name === 'timeout') && v && !/^(\d+|saved)$/.test(v.text)) {
        cfg.sink.add('grub-syntax', 'error', `${g.name} takes a number, not '${v.text}'`, v.start, v.end);
      }
      if (['kernel', 'module', 'root', 'initrd'].includes(g.name)) {
        cfg.sink.add('grub-outside-entry', 'error', `'${g.name}' before the first 'title' belongs to no entry`, g.nameStart, g.nameEnd);
      }
    }
  }
}

function checkXenEntry(cfg: GrubConfig, e: GrubEntry, x: XenBoot, ctx: GrubCheckContext, isDefault: boolean): void {
  const era = ctx.era;
  const sink = cfg.sink;
  const xenEnd = x.loader.end;
  const append = (cmdEnd: number, text: string, title: string): Fix => sink.replace(title, cmdEnd, cmdEnd, ' ' + text);
  if (!x.dom0) {
    sink.add('grub-no-dom0', 'error', 'No module after the hypervisor: Xen has no dom0 kernel to start', x.loader.start, x.loader.end);
  }
  if (x.loader.name === 'multiboot2' && x.modules.some((m) => m.name === 'module')) {
    const m = x.modules.find((mm) => mm.name === 'module')!;
    sink.add('grub-module-mismatch', 'error', "'module' after 'multiboot2': Multiboot2 modules are loaded with 'module2'", m.nameStart, m.nameEnd, [sink.replace("Use 'module2'", m.nameStart, m.nameEnd, 'module2')]);
  }
  // Options on the wrong line: a Xen option on dom0's line is ignored by Linux, and vice versa.
  for (const o of x.dom0Options) {
    if ((o.name === 'ioapic_ack' || o.name === 'vtd' || o.name === 'iommu' || o.name === 'dom0_mem' || o.name === 'loglvl') && x.dom0) {
      sink.add('boot-option-wrong-line', 'warning', `${o.name} is a Xen option: on the dom0 kernel line Linux ignores it`, o.start, o.end, [moveWord(cfg, o, xenEnd, `Move ${o.name} to the xen.gz line`)]);
    }
  }
  for (const o of x.xenOptions) {
    if (/^(xen-)?pciback\./.test(o.name) && x.dom0) {
      sink.add('boot-option-wrong-line', 'error', `${o.name} is a dom0 kernel option: on the xen.gz line Xen ignores it and pciback hides nothing`, o.start, o.end, [moveWord(cfg, o, x.dom0.end, `Move ${o.name} to the dom0 kernel line`)]);
    }
  }
  xenLine(cfg, x, era, isDefault, append);
  if (x.dom0) dom0Line(cfg, x, ctx);
}

function moveWord(cfg: GrubConfig, o: CmdOption, to: number, title: string): Fix {
  const text = cfg.src.text;
  let from = o.start;
  while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  return { title, preferred: true, edits: [{ range: cfg.src.range(from, o.end), text: '' }, { range: cfg.src.range(to, to), text: ' ' + text.slice(o.start, o.end) }] };
}

function xenLine(cfg: GrubConfig, x: XenBoot, era: Era, isDefault: boolean, append: (end: number, t: string, title: string) => Fix): void {
  const sink = cfg.sink;
  const at = (e: Era) => inEra(era, e);
  const sw = vtdSwitch(x.xenOptions, era, at);
  const vtd = x.xenOptions.find((o) => o.name === 'vtd');
  const iommu = x.xenOptions.find((o) => o.name === 'iommu');
  const pathSpan = x.hypervisorPath;
  if (!at('2007')) {
    // Xen 3.0 and 3.1 had no VT-d code: nothing to switch on, and both spellings are unknown options.
    for (const o of [vtd, iommu]) {
      if (o) sink.add('xen-vtd-too-new', 'warning', `Xen ${era} has no IOMMU support (VT-d arrived with the 2007 xen-unstable patches, released in 3.2): it ignores '${o.name}='`, o.start, o.end);
    }
  } else if (at('3.3') && vtd) {
    sink.add('xen-vtd-renamed', 'error', `Xen ${era} has no 'vtd' option (renamed iommu= in 3.3): this ignores it and VT-d stays ${at('4.0') ? 'at its default' : 'off'}`, vtd.start, vtd.end, [sink.replace('Write iommu=1', vtd.start, vtd.end, 'iommu=1')]);
  } else if (!at('3.3') && iommu) {
    sink.add('xen-iommu-too-new', 'error', `'iommu=' arrived in Xen 3.3; ${era === '2007' ? 'xen-unstable of 2007' : 'Xen ' + era} ignores it and VT-d stays off — use vtd=1`, iommu.start, iommu.end, [sink.replace('Write vtd=1', iommu.start, iommu.end, 'vtd=1')]);
  } else if (!sw.on && isDefault) {
    const want = at('3.3') ? 'iommu=1' : 'vtd=1';
    const by = sw.by;
    if (by) sink.add('xen-vtd-off', 'error', `${by.name}=${by.value ?? ''} turns VT-d off: device assignment will fail or run unprotected`, by.start, by.end, [sink.replace(`Write ${want}`, by.start, by.end, want)]);
    else {
      const why = at('3.3') ? 'Xen 3.3 and 3.4 leave the IOMMU off unless iommu=1 is given' : 'the merged 2007 VT-d code (and 3.2) probes the DMAR table only with vtd=1';
      sink.add('xen-vtd-off', 'error', `VT-d stays off: ${why}`, pathSpan.start, pathSpan.end, [append(x.loader.end, want, `Add ${want}`)]);
    }
  }
  const ack = x.xenOptions.find((o) => o.name === 'ioapic_ack');
  if (ack && ack.value !== 'old' && ack.value !== 'new') {
    const near = didYouMean(ack.value ?? '', ['old', 'new']);
    const fixes = near && ack.valueStart !== undefined ? [sink.replace(`Write ioapic_ack=${near}`, ack.valueStart, ack.end, near)] : [];
    sink.add('xen-ioapic-ack', 'error', `Xen prints "Unknown ioapic_ack value specified: '${ack.value ?? ''}'" and keeps the default (new)`, ack.start, ack.end, fixes);
  } else if (!ack && era === '2007' && isDefault) {
    sink.add('xen-ioapic-ack', 'warning', 'The seed asks for ioapic_ack=old: with the default (new) an interrupt line shared by dom0 and the guest holds back every lower-priority vector on that CPU until the guest EOIs', pathSpan.start, pathSpan.end, [
      append(x.loader.end, 'ioapic_ack=old', 'Add ioapic_ack=old'),
    ]);
  } else if (ack?.value === 'new' && era === '2007') {
    sink.add('xen-ioapic-ack', 'warning', 'ioapic_ack=new in the seed era: a line shared with dom0 can stall lower-priority interrupts while the guest has not EOI\'d', ack.start, ack.end, ack.valueStart !== undefined ? [sink.replace('Write ioapic_ack=old', ack.valueStart, ack.end, 'old')] : []);
  }
  for (const o of x.xenOptions) {
    const def = XEN_BY_NAME.get(o.name);
    if (!def) {
      const near = didYouMean(o.name, XEN_BY_NAME.keys());
      if (near && near !== o.name) sink.add('xen-unknown-option', 'warning', `Xen does not know '${o.name}' and ignores it; did you mean '${near}'?`, o.start, o.nameEnd, [sink.replace(`Write ${near}`, o.start, o.nameEnd, near)]);
      continue;
    }
    if (o.name === 'dom0_mem' && o.value !== undefined && !/^((min:|max:)?\d+[kKmMgGtT]?,?)+$/.test(o.value)) {
      sink.add('xen-option-value', 'error', `dom0_mem=${o.value} is not a size such as 1024M`, o.start, o.end);
    }
    if ((o.name === 'loglvl' || o.name === 'guest_loglvl') && o.value !== undefined && !o.value.split('/').every((p) => def.allowed!.includes(p))) {
      sink.add('xen-option-value', 'warning', `${o.name}=${o.value}: levels are ${def.allowed!.join(', ')} (optionally LEVEL/RATELIMIT-LEVEL)`, o.start, o.end);
    }
  }
}

function dom0Line(cfg: GrubConfig, x: XenBoot, ctx: GrubCheckContext): void {
  const sink = cfg.sink;
  const legacyKernel = !inEra(ctx.era, '4.1');
  for (const o of x.dom0Options) {
    const dot = o.name.indexOf('.');
    if (dot > 0) {
      const [mod, param] = [o.name.slice(0, dot), o.name.slice(dot + 1)];
      if ((mod === 'pciback' || mod === 'xen-pciback') && !(PCIBACK_PARAMS as readonly string[]).includes(param)) {
        const near = didYouMean(param, PCIBACK_PARAMS) ?? (param.startsWith('hid') ? 'hide' : undefined);
        const fixed = `${mod}.${near}`;
        const head = `${mod} has no parameter '${param}'${near ? ` (did you mean ${fixed}?)` : ''}: Linux prints "Unknown boot option \`${cfgWord(cfg, o)}': ignoring"`;
        // Only a misspelt hide= loses the hiding; any other misspelt parameter just has no effect.
        const hideLost = near === 'hide' && !x.dom0Options.some((d) => d.name === `${mod}.hide`);
        const msg = hideLost
          ? `${head}, nothing is hidden, dom0's driver keeps the device and xm create fails with "PCI Backend does not own device"`
          : `${head}; the parameter has no effect${near && near !== 'hide' ? ` (${fixed} keeps its default)` : ''}`;
        sink.add('pciback-unknown-param', hideLost ? 'error' : 'warning', msg, o.start, o.nameEnd, near ? [sink.replace(`Write ${fixed}`, o.start, o.nameEnd, fixed)] : []);
        continue;
      }
    }
    if (o.name === 'xen-pciback.hide' && legacyKernel) {
      sink.add('pciback-name', 'warning', "The 2.6.18-xen dom0 kernels of this era call the driver 'pciback'; 'xen-pciback.hide' is the pvops (2.6.32+) name", o.start, o.nameEnd, [sink.replace('Write pciback.hide', o.start, o.nameEnd, 'pciback.hide')]);
    }
    if (o.name === 'pciback.hide' || o.name === 'xen-pciback.hide') hideValue(cfg, o, ctx);
  }
}

function cfgWord(cfg: GrubConfig, o: CmdOption): string {
  return cfg.src.text.slice(o.start, o.end);
}

function hideValue(cfg: GrubConfig, o: CmdOption, ctx: GrubCheckContext): void {
  const sink = cfg.sink;
  const value = o.value ?? '';
  const base = o.valueStart;
  if (value === '') {
    sink.add('pciback-hide-syntax', 'error', `${o.name}= is empty: pciback hides nothing`, o.start, o.end);
    return;
  }
  const parsed = parseHideList(value);
  if (parsed.errorAt !== undefined) {
    const rest = value.slice(parsed.errorAt);
    const fixed = fixHideList(value);
    const span = base !== undefined ? { start: base + parsed.errorAt, end: base + value.length } : { start: o.start, end: o.end };
    const kept = parsed.groups.length ? ` (only ${parsed.groups.map((g) => '(' + shortBdf(g.address) + ')').join('')} is hidden)` : ' (nothing is hidden)';
    sink.add('pciback-hide-syntax', 'error', `pciback: Error parsing pci_devs_to_hide at "${rest}"${kept}; write groups as (BB:DD.F)(BB:DD.F) with nothing between them`, span.start, span.end,
      fixed && base !== undefined ? [sink.replace(`Write ${o.name}=${fixed}`, base, base + value.length, fixed)] : []);
  }
  for (const g of parsed.groups) {
    const span = base !== undefined ? { start: base + g.start, end: base + g.end } : { start: o.start, end: o.end };
    if (g.truncated) sink.add('pciback-hide-range', 'warning', `(${value.slice(g.start + 1, g.end - 1)}) is out of range; Linux keeps the low bits and hides ${canonicalBdf(g.address)}`, span.start, span.end);
    if (ctx.host && !ctx.host.devices.some((d) => d.bdf === canonicalBdf(g.address))) {
      sink.add('pciback-hide-absent', 'warning', `The host (${ctx.host.name}) has no PCI function ${canonicalBdf(g.address)}: hiding it does nothing`, span.start, span.end);
    }
  }
}

/** `(02:00.0),(03:00.0)` → `(02:00.0)(03:00.0)`; `02:00.0` → `(02:00.0)`. */
export function fixHideList(value: string): string | undefined {
  const ids = value.match(/(?:[0-9a-fA-F]{1,4}:)?[0-9a-fA-F]{1,2}:[0-9a-fA-F]{1,2}\.[0-7]/g);
  if (!ids) return undefined;
  const fixed = ids.map((id) => `(${id})`).join('');
  return fixed !== value && parseHideList(fixed).errorAt === undefined ? fixed : undefined;
}

/**
 * Edits that make pciback hide `short` (BB:DD.F) with this boot config: a group appended inside
 * the default entry's pciback.hide=, or a new pciback.hide= on its dom0 module line. Undefined
 * when there is no dom0 line, the hide value is quoted or broken, or a misspelt hide parameter is
 * there (its own fix comes first). `file` names the boot config for the other file's diagnostic.
 */
export function hideEdits(cfg: GrubConfig, short: string, era: Era, file: string): TextEdit[] | undefined {
  const boot = defaultEntry(cfg);
  const x = boot && xenBoot(boot);
  if (!x || !x.dom0) return undefined;
  if (x.dom0Options.some((o) => /^(xen-)?pciback\.hid/.test(o.name) && !/\.hide$/.test(o.name))) return undefined;
  const hide = [...x.dom0Options].reverse().find((o) => o.name === 'pciback.hide' || o.name === 'xen-pciback.hide');
  const at = (offset: number, text: string): TextEdit[] => [{ range: cfg.src.range(offset, offset), text, file }];
  if (!hide) return at(x.dom0.end, ` ${inEra(era, '4.1') ? 'xen-pciback.hide' : 'pciback.hide'}=(${short})`);
  if (hide.valueStart === undefined || parseHideList(hide.value ?? '').errorAt !== undefined) return undefined;
  return at(hide.end, `(${short})`);
}

/** Canonical BDFs pciback owns with this boot config (the default entry's dom0 line). */
export function hiddenByGrub(cfg: GrubConfig): Set<string> | undefined {
  const boot = defaultEntry(cfg);
  const x = boot && xenBoot(boot);
  if (!x || !x.dom0) return undefined;
  const out = new Set<string>();
  for (const o of x.dom0Options) {
    if (o.name !== 'pciback.hide' && o.name !== 'xen-pciback.hide') continue;
    for (const g of parseHideList(o.value ?? '').groups) out.add(canonicalBdf(g.address));
  }
  return out;
}
