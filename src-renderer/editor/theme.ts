/** Keeps Monaco's theme in step with the OS colour scheme (charts follow the same query). */
import * as monaco from './monaco.ts';

export function followOsTheme(): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => monaco.editor.setTheme(mq.matches ? 'vs-dark' : 'vs');
  apply();
  mq.addEventListener('change', apply);
  return () => mq.removeEventListener('change', apply);
}
