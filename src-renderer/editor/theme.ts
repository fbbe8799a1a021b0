/**
 * Monaco's themes for the app, following the OS colour scheme (charts follow the same query).
 * They are Monaco's `vs` / `vs-dark` with the editor background of our panels and the token
 * colours our languages use raised to WCAG AA contrast (4.5:1) where the built-in ones fall
 * short: vs-dark's comment green (4.1:1) and predefined-variable blue (2.8:1, every xm option
 * name), vs's pure-red attribute names (4.0:1, every `key=` on a grub.conf kernel line).
 */
import * as monaco from './monaco.ts';

export const LIGHT_THEME = 'vtdw-light';
export const DARK_THEME = 'vtdw-dark';

let defined = false;

function defineThemes(): void {
  if (defined) return;
  defined = true;
  monaco.editor.defineTheme(LIGHT_THEME, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'attribute.name', foreground: 'B5200D' },
      { token: 'variable.predefined', foreground: '0451A5' },
    ],
    colors: { 'editor.background': '#FFFFFF' },
  });
  monaco.editor.defineTheme(DARK_THEME, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '7CA668' },
      { token: 'variable.predefined', foreground: '9CDCFE' },
      { token: 'invalid', foreground: 'F48771' },
    ],
    // Line numbers in vs-dark's grey are 4.4:1 on our panel colour; use the UI's muted text.
    colors: { 'editor.background': '#1E2128', 'editorGutter.background': '#1E2128', 'editorLineNumber.foreground': '#98A1B2' },
  });
}

export function followOsTheme(): () => void {
  defineThemes();
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => monaco.editor.setTheme(mq.matches ? DARK_THEME : LIGHT_THEME);
  apply();
  mq.addEventListener('change', apply);
  return () => mq.removeEventListener('change', apply);
}
