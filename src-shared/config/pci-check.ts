/**
 * The `pci = [...]` entries of a guest config, checked as the era's toolstack parses them and,
 * given host facts, as xend and Xen would treat the assignment (xen.md §2.1, §2.3, §10 rows 1-6
 * and 12): unparseable or seed-spelled entries, functions the host lacks, functions pciback does
 * not own, the same function twice or in two guests, VT-d unavailable.
 */
import type { Fix } from './diagnostic.ts';
import { inEra, type Era } from './era.ts';
import { literalText, type GuestModel } from './guest-model.ts';
import type { HostFacts } from './host-facts.ts';
import { canonicalBdf, parseXmPci, shortBdf, type PciAddress } from './pci-spec.ts';
import type { Span } from './python-ast.ts';
import type { TextEdit } from './source.ts';

export interface PciCheckContext {
  era: Era;
  host?: HostFacts;
  hidden?: Set<string>;
  takenBy?: Map<string, string>;
  hideEdits?: (bdf: string) => TextEdit[] | undefined;
}

export interface AssignedPci {
  address: PciAddress;
  bdf: string;
  span: Span;
}

/** The functions a config assigns, as the era's toolstack parses them (dropped entries excluded). */
export function assignedPci(m: GuestModel, era: Era): AssignedPci[] {
  const pci = m.settings.get('pci');
  if (!pci || !Array.isArray(pci.value)) return [];
  const out: AssignedPci[] = [];
  pci.value.forEach((item, i) => {
    if (typeof item !== 'string') return;
    const p = parseXmPci(item, m.dialect === 'xl' ? '4.0' : era);
    if (p.address && (p.outcome === 'ok' || p.outcome === 'ignored-tail')) {
      out.push({ address: p.address, bdf: canonicalBdf(p.address), span: pci.elements?.[i] ?? pci.valueSpan ?? pci.nameSpan });
    }
  });
  return out;
}

export function checkPciEntries(m: GuestModel, ctx: PciCheckContext): void {
  const pci = m.settings.get('pci');
  if (!pci || !Array.isArray(pci.value)) return;
  const seen = new Map<string, number>();
  const era = ctx.era;
  const tool = m.dialect;
  let vtdReported = false;
  pci.value.forEach((item, i) => {
    const span = pci.elements?.[i] ?? pci.valueSpan ?? pci.nameSpan;
    if (typeof item !== 'string') {
      m.sink.add('pci-syntax', 'error', `pci entries are strings like '02:00.0', not ${JSON.stringify(item)}`, span.start, span.end);
      return;
    }
    const lit = literalText(m.src, pci.elements?.[i]);
    const replaceWith = (text: string, title = `Write '${text}'`): Fix[] => (lit ? [m.sink.replace(title, lit.inner.start, lit.inner.end, text)] : []);
    const p = parseXmPci(item, tool === 'xl' ? '4.0' : era);
    // A malformed address with no obvious correction: offer the host's assignable functions instead.
    const fixesFor = (suggestion: string | undefined): Fix[] => (suggestion ? replaceWith(suggestion) : hostChoices(ctx, seen, replaceWith));
    if (p.outcome === 'dropped') {
      m.sink.add('pci-syntax', 'error', `xm of ${era} silently drops '${item}' (${p.why}): the guest boots without the device and nothing says why`, span.start, span.end, fixesFor(p.suggestion));
      return;
    }
    if (p.outcome === 'rejected') {
      const msg = tool === 'xl' ? `xl: Invalid pci spec '${item}' (${p.why}); xl creates nothing` : `xm: Error: Failed to parse pci device: ${item} (${p.why}); nothing is created`;
      m.sink.add('pci-syntax', 'error', msg, span.start, span.end, fixesFor(p.suggestion));
      return;
    }
    const a = p.address!;
    if (p.outcome === 'ignored-tail') {
      m.sink.add('pci-seed-spelling', 'warning', `${p.why}. It works with the 2007 and 3.2 parsers, but Xen 3.3 and later silently drop this entry and 4.0 refuses it — write '${p.suggestion}'`, span.start, span.end, replaceWith(p.suggestion!));
    }
    if (a.func > 7 || a.slot > 0x1f) {
      const what = a.func > 7 ? `function ${a.func.toString(16)} (functions are 0-7)` : `device ${a.slot.toString(16)} (devices are 00-1f)`;
      m.sink.add('pci-syntax', 'error', `'${item}' names ${what}: xend fails to open /sys/bus/pci/devices/${canonicalBdf(a)}/resource`, span.start, span.end);
      return;
    }
    const bdf = canonicalBdf(a);
    const first = seen.get(bdf);
    if (first !== undefined) {
      m.sink.add('pci-duplicate', 'warning', `${shortBdf(a)} is already listed (entry ${first + 1}); the second assignment of the same function fails`, span.start, span.end, removeElement(m, pci.elements, i));
      return;
    }
    seen.set(bdf, i);
    if (!ctx.host) return;
    if (!ctx.host.vtd && !vtdReported) {
      vtdReported = true;
      m.sink.add('vtd-unavailable', 'error', vtdOffMessage(era, a), pci.nameSpan.start, pci.nameSpan.end);
    }
    const dev = ctx.host.devices.find((d) => d.bdf === bdf);
    if (!dev) {
      m.sink.add('pci-absent', 'error', absentMessage(era, tool, a, ctx.host), span.start, span.end, hostChoices(ctx, seen, replaceWith));
      return;
    }
    const other = ctx.takenBy?.get(bdf);
    if (other) {
      m.sink.add('pci-two-guests', 'error', twoGuestsMessage(era, a, other), span.start, span.end);
      return;
    }
    if (dev.dom0Loses) {
      // The one device the guest may not have: say what dom0 loses, and offer others instead.
      const hostBridge = dev.role === 'host-bridge';
      m.sink.add('pci-dom0-device', hostBridge ? 'error' : 'warning', `${shortBdf(a)} is ${dev.description}: giving it to a guest takes from dom0 ${dev.dom0Loses}`, span.start, span.end, hostChoices(ctx, seen, replaceWith));
    }
    if (ctx.hidden && !ctx.hidden.has(bdf)) {
      const owner = dev.driver ? `dom0's ${dev.driver} driver owns it` : 'no pciback';
      const msg =
        tool === 'xl'
          ? `${bdf} is not assignable (${owner}): run 'xl pci-assignable-add ${shortBdf(a)}' or add (${shortBdf(a)}) to xen-pciback.hide= on the dom0 kernel line`
          : dev.dom0Loses
            ? `${owner}: xend fails with "pci: PCI Backend does not own device ${bdf}" — and hiding it from dom0 (pciback.hide=) would take ${shortLoss(dev.dom0Loses)} from dom0`
            : `${owner}: xend fails with "pci: PCI Backend does not own device ${bdf}" — add (${shortBdf(a)}) to pciback.hide= on the dom0 kernel line of grub.conf`;
      const edits = dev.role === 'host-bridge' ? undefined : ctx.hideEdits?.(shortBdf(a));
      const where = displayFileName(edits?.[0].file);
      // Hiding a device dom0 needs is offered only with its cost in the title, and never preferred.
      const title = dev.dom0Loses ? `Hide ${shortBdf(a)} from dom0 in ${where} — dom0 loses ${shortLoss(dev.dom0Loses)}` : `Hide ${shortBdf(a)} from dom0 in ${where}`;
      m.sink.add('pci-not-hidden', 'error', msg, span.start, span.end, edits ? [{ title, edits, preferred: !dev.dom0Loses }] : []);
    }
  });
}

function removeElement(m: GuestModel, elements: (Span | undefined)[] | undefined, i: number): Fix[] {
  const el = elements?.[i];
  if (!el) return [];
  const next = elements![i + 1];
  const prev = elements![i - 1];
  if (next) return [m.sink.replace('Remove the duplicate', el.start, next.start, '')];
  if (prev) return [m.sink.replace('Remove the duplicate', prev.end, el.end, '')];
  return [];
}

/**
 * Functions the guest could take instead: those pciback owns when that is known, else the host's
 * endpoints dom0 does not need (no bridges, no disk/console/platform devices), not yet listed.
 */
function hostChoices(ctx: PciCheckContext, listed: Map<string, number>, replaceWith: (text: string, title?: string) => Fix[]): Fix[] {
  if (!ctx.host) return [];
  const free = ctx.host.devices.filter((d) => !listed.has(d.bdf) && !d.dom0Loses && d.role !== 'bridge' && !ctx.takenBy?.has(d.bdf));
  const owned = ctx.hidden ? free.filter((d) => ctx.hidden!.has(d.bdf)) : [];
  const pick = (owned.length ? owned : free).slice(0, 5);
  return pick.flatMap((d) => {
    const s = d.bdf.startsWith('0000:') ? d.bdf.slice(5) : d.bdf;
    return replaceWith(s, `Use ${s} (${d.description})`).map((f) => ({ ...f, preferred: pick.length === 1 }));
  });
}

/** A file as the user knows it: its base name; the editor's internal models (inmemory://…) are grub.conf. */
export function displayFileName(file: string | undefined): string {
  if (!file || file === '<grub>' || /^inmemory:/i.test(file)) return 'grub.conf';
  return file.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/^.*[\\/]/, '') || 'grub.conf';
}

/** The first clause of a dom0Loses text, for a fix title. */
function shortLoss(text: string): string {
  return text.split(/[,:]/)[0];
}

const short = (a: PciAddress) => `${a.bus.toString(16)}:${a.slot.toString(16)}.${a.func.toString(16)}`;

function absentMessage(era: Era, tool: string, a: PciAddress, host: HostFacts): string {
  const bdf = canonicalBdf(a);
  const where = `the host (${host.name}) has no PCI function ${bdf}`;
  if (tool === 'xl') return `${where}: xl fails to assign it`;
  if (inEra(era, '3.4')) return `${where}: xend: fail to assign device(${short(a)}): maybe it has already been assigned to other domain, or maybe it doesn't exist.`;
  if (inEra(era, '3.2')) return `${where}: xend: Fail to assign device(${short(a)}): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain`;
  return `${where}: xend: pci: failed to locate device and parse it's resources - Failed to open & read /sys/bus/pci/devices/${bdf}/resource`;
}

function twoGuestsMessage(era: Era, a: PciAddress, other: string): string {
  const head = `${canonicalBdf(a)} is already given to ${other}`;
  if (inEra(era, '4.0')) return `${head}: xend: failed to assign device ${canonicalBdf(a)} that has already been assigned to other domain.`;
  if (inEra(era, '3.4')) return `${head}: xend: fail to assign device(${short(a)}): maybe it has already been assigned to other domain, or maybe it doesn't exist.`;
  if (inEra(era, '3.2')) return `${head}: xend: Fail to assign device(${short(a)}): ... it has already been assigned to other domain`;
  return `${head}: in 2007 nothing checks — both guests map the NIC, both drive it, and the second guest's DMA faults`;
}

function vtdOffMessage(era: Era, a: PciAddress): string {
  const head = 'the host has no usable VT-d (no DMAR table, or the IOMMU is not enabled)';
  if (inEra(era, '3.4')) return `${head}: xend: failed to assign device: maybe the platform doesn't support VT-d, or VT-d isn't enabled properly?`;
  if (inEra(era, '3.2')) return `${head}: xend: Fail to assign device(${short(a)}): maybe VT-d is not enabled, or the device is not exist, or it has already been assigned to other domain`;
  return `${head}: in 2007 the guest still starts and sees the device, but its interrupts never arrive and its DMA is untranslated`;
}
