/**
 * What the status bar shows about the config editor while the Configuration area is in front,
 * as VS Code's does: the cursor position and, when on, "Tab Moves Focus" (Ctrl+M), which also
 * turns the mode off when clicked. The editor view writes it; the status bar only reads it.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useEditorStatusStore = defineStore('editor-status', () => {
  const line = ref(1);
  const column = ref(1);
  const tabMovesFocus = ref(false);
  /** Set by the editor view: flips Monaco's tab-focus mode (the same action as Ctrl+M). */
  let toggler: (() => void) | undefined;

  function setToggler(fn: (() => void) | undefined): void {
    toggler = fn;
  }

  function toggleTabFocus(): void {
    toggler?.();
  }

  return { line, column, tabMovesFocus, setToggler, toggleTabFocus };
});
