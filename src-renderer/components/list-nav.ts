/**
 * Arrow-key movement in a popup list (menu, listbox): where the active item goes for a key, or
 * undefined when the key does not move it. Wraps at both ends, as VS Code's menus do.
 */
export function movedIndex(key: string, current: number, count: number): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : (current + 1) % count;
    case 'ArrowUp':
      return current < 0 ? count - 1 : (current - 1 + count) % count;
    case 'Home':
    case 'PageUp':
      return 0;
    case 'End':
    case 'PageDown':
      return count - 1;
  }
  return undefined;
}

/** The next item whose label starts with the typed character, after the current one (type-ahead). */
export function typeAheadIndex(key: string, current: number, labels: readonly string[]): number | undefined {
  if (key.length !== 1 || !/\S/.test(key)) return undefined;
  const k = key.toLowerCase();
  for (let step = 1; step <= labels.length; step++) {
    const i = (current + step) % labels.length;
    if (labels[i].toLowerCase().startsWith(k)) return i;
  }
  return undefined;
}
