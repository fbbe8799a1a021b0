/**
 * A domain's grant-table state (struct grant_table, xen/common/grant_table.c): the frames of its
 * shared grant entries and, as a mapper, its maptrack of others' grants. Kept apart from
 * grant_table.ts (the hypercalls, which need the Domain and Xen) so the Domain can hold it
 * without a cycle of imports.
 */
import { checkVersion } from '../../engine/snapshot.ts';
import type { Scope } from '../../engine/scope.ts';

/** Entries per 4 KiB frame (8-byte v1 entries); max_nr_grant_frames of the era. */
export const GRANT_ENTRIES_PER_FRAME = 512;
export const MAX_NR_GRANT_FRAMES = 4;

/** One maptrack entry: who mapped which grant of whom, and how. */
export interface Maptrack {
  dom: number;
  ref: number;
  mfn: number;
  readonly: boolean;
}

export interface GrantTableState {
  version: 1;
  frames: number[];
  maptrack: (Maptrack | null)[];
}

/** A domain's grant table: its shared frames (machine addresses) and, as mapper, its maptrack. */
export class GrantTable {
  /** Machine addresses of the grant-table frames shared with the domain. */
  frames: number[] = [];
  /** Handles this domain holds on other domains' grants (index = grant handle). */
  readonly maptrack: (Maptrack | null)[] = [];

  constructor(scope: Scope) {
    scope.register({ version: 1, save: () => this.save(), restore: (s: GrantTableState) => this.restore(s), target: this });
  }

  get nrEntries(): number {
    return this.frames.length * GRANT_ENTRIES_PER_FRAME;
  }

  save(): GrantTableState {
    return { version: 1, frames: [...this.frames], maptrack: this.maptrack.map((m) => (m ? { ...m } : null)) };
  }

  restore(s: GrantTableState): void {
    checkVersion('grant_table', s, 1);
    this.frames = [...s.frames];
    this.maptrack.length = 0;
    this.maptrack.push(...s.maptrack.map((m) => (m ? { ...m } : null)));
  }
}
