/**
 * The browser-mode file picker's state: at most one pick in progress, answered by the
 * FilePicker dialog. The file service awaits `pick()`; the dialog calls `finish()`.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { FileResult, DirListing } from '../../src-shared/files/api.ts';
import type { PickRequest, PickResult } from '../files/file-service.ts';

export type Lister = (dir?: string) => Promise<FileResult<DirListing>>;

interface Pending {
  request: PickRequest;
  list: Lister;
  resolve: (r: PickResult) => void;
}

export const usePickerStore = defineStore('picker', () => {
  const pending = shallowRef<Pending | null>(null);

  function pick(request: PickRequest, list: Lister): Promise<PickResult> {
    pending.value?.resolve(null);
    return new Promise((resolve) => (pending.value = { request, list, resolve }));
  }

  function finish(result: PickResult): void {
    const p = pending.value;
    pending.value = null;
    p?.resolve(result);
  }

  return { pending, pick, finish };
});
