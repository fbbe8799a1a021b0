/**
 * The Xen eras the config checks distinguish (xen.md §0): what was accepted, required or ignored
 * changed between the April 2007 seed patches on xen-unstable, the 3.2/3.3/3.4 releases, 4.0's
 * IOMMU-on-by-default, and the xl toolstack of 4.1+.
 *
 * `2007` is the seed's world: the VT-d patches applied to xen-unstable of 2007 (VT-d switched on
 * by `vtd=1` once merged, interrupts only in PIC mode, `ioapic_ack=old`, the 2007 `pci=` regex).
 */
export const ERAS = ['3.0', '3.1', '2007', '3.2', '3.3', '3.4', '4.0', '4.1', '4.2', '4.10', '4.19'] as const;
export type Era = (typeof ERAS)[number];

export const DEFAULT_ERA: Era = '2007';

export function isEra(text: string): text is Era {
  return (ERAS as readonly string[]).includes(text);
}

export function eraIndex(e: Era): number {
  return ERAS.indexOf(e);
}

/** True when `era` is at or after `since` and (if given) before `until`. */
export function inEra(era: Era, since?: Era, until?: Era): boolean {
  const i = eraIndex(era);
  return (since === undefined || i >= eraIndex(since)) && (until === undefined || i < eraIndex(until));
}

/** "3.2", "2007 xen-unstable" … as a reader of the era would call it. */
export function eraLabel(e: Era): string {
  return e === '2007' ? '2007 xen-unstable (seed VT-d patches)' : `Xen ${e}`;
}

/** The human span of an option's lifetime: "since 3.3", "2007 – 3.2", "all eras". */
export function eraSpan(since?: Era, until?: Era): string {
  if (!since && !until) return 'all eras';
  if (since && !until) return `since ${since === '2007' ? '2007 xen-unstable' : since}`;
  const last = ERAS[eraIndex(until!) - 1];
  const first = since ?? '3.0';
  return first === last ? `${first} only` : `${first} – ${last}`;
}
