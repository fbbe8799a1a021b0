/**
 * Where in the user's config a run's failure comes from: the config language's own diagnostics
 * when xm could not read the file, else the line of the option a toolstack or guest message is
 * about (xend's PCI refusals → `pci`, the PIC-only symptom → `apic`), else the grub.conf line Xen
 * was booted with. Lines and columns are 1-based, as the editor shows them.
 */
import { analyzeGrub, analyzeHvm } from '../../src-shared/config/index.ts';
import { defaultEntry } from '../../src-shared/config/grub-parser.ts';
import type { RunFailure } from '../../src-shared/protocol/index.ts';

type Where = Pick<RunFailure, 'line' | 'column'>;

/** Words in a message that name the option it is about, most specific first. */
const OPTION_HINTS: [RegExp, string][] = [
  [/\bapic\b|io-?apic/i, 'apic'],
  [/\bpci\b|pciback|vt-d domain|assign/i, 'pci'],
  [/kernel image|hvmloader/i, 'kernel'],
  [/device model|qemu-dm/i, 'device_model'],
  [/\bmemory\b|\bmem\b/i, 'memory'],
  [/\bvif\b|bridge/i, 'vif'],
  [/\bdisk\b/i, 'disk'],
  [/\bbuilder\b/i, 'builder'],
];

/** The hvm.conf line an xm/xend/guest message points at (`about`: the option known to be the cause). */
export function hvmWhere(text: string, message: string, about?: string): Where {
  const { model } = analyzeHvm(text);
  const diag = model.sink.list.find((d) => d.severity === 'error');
  if (!model.completed && diag) return { line: diag.range.startLine, column: diag.range.startColumn };
  const known = about ? model.settings.get(about) : undefined;
  if (known) return model.src.position(known.nameSpan.start);
  for (const [re, name] of OPTION_HINTS) {
    const s = re.test(message) ? model.settings.get(name) : undefined;
    if (s) return model.src.position(s.nameSpan.start);
  }
  for (const s of model.settings.values()) {
    if (new RegExp(`\\b${s.name}\\b`).test(message)) return model.src.position(s.nameSpan.start);
  }
  return {};
}

/** The grub.conf line Xen booted from: the default entry's `kernel` line, else its title. */
export function grubWhere(text: string): Where {
  const cfg = analyzeGrub(text);
  const entry = defaultEntry(cfg);
  if (!entry) return {};
  const kernel = entry.commands.find((c) => c.name === 'kernel' || c.name === 'multiboot' || c.name === 'multiboot2');
  return cfg.src.position(kernel?.start ?? entry.start);
}
