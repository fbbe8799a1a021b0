/** One modal question at a time (Save / Don't Save / Cancel and the like), answered by AppDialog. */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export interface Question {
  title: string;
  message: string;
  /** Button labels, the default first; the last one is what Escape answers. */
  buttons: string[];
}

export const useDialogStore = defineStore('dialog', () => {
  const current = shallowRef<(Question & { resolve: (answer: string) => void }) | null>(null);

  function ask(q: Question): Promise<string> {
    current.value?.resolve(current.value.buttons[current.value.buttons.length - 1]);
    return new Promise((resolve) => (current.value = { ...q, resolve }));
  }

  function answer(label: string): void {
    const c = current.value;
    current.value = null;
    c?.resolve(label);
  }

  return { current, ask, answer };
});
