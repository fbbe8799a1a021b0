/**
 * The Xen releases the simulator models (xen.md §0). `2007` is xen-unstable with the VT-d
 * patches as merged in September 2007 (snapshot 7923ccda, 2007-09-23), the closest public code
 * to the seed's six patches; 3.2, 3.3, 3.4 and 4.0 are the releases whose behaviour xen.md
 * records. Older and later eras are not modelled.
 */
import { ERAS, inEra, type Era } from '../../../src-shared/config/era.ts';

export const XEN_ERAS = ['2007', '3.2', '3.3', '3.4', '4.0'] as const;
export type XenEra = (typeof XEN_ERAS)[number];

export function isXenEra(e: string): e is XenEra {
  return (XEN_ERAS as readonly string[]).includes(e);
}

/** Why an era cannot be simulated (undefined when it can). */
export function eraRefusal(e: string): string | undefined {
  if (isXenEra(e)) return undefined;
  if ((ERAS as readonly string[]).includes(e)) return `era ${e} is not modelled: the simulator runs Xen ${XEN_ERAS.join(', ')} (VT-d assignment before 2007 did not exist; xl-era toolstacks are not simulated)`;
  return `unknown era "${e}": expected one of ${XEN_ERAS.join(', ')}`;
}

/** True when `era` is `since` or later. */
export function atLeast(era: XenEra, since: XenEra): boolean {
  return inEra(era as Era, since as Era);
}
