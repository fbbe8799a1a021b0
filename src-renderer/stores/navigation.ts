/**
 * Which area of the shell is in front, and a request to show a document at a line: the Assign
 * area's failure banner asks, the Configuration area (which owns the editor) answers.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type AreaId = 'configuration' | 'assign' | 'live' | 'runs';

export interface RevealRequest {
  docId: string;
  line: number;
  column: number;
  /** Bumped each time, so asking for the same place twice still moves the cursor there. */
  seq: number;
}

export const useNavigationStore = defineStore('navigation', () => {
  const area = ref<AreaId>('configuration');
  const reveal = ref<RevealRequest | null>(null);
  let seq = 0;

  function showInEditor(docId: string, line: number, column = 1): void {
    reveal.value = { docId, line, column, seq: ++seq };
    area.value = 'configuration';
  }

  return { area, reveal, showInEditor };
});
