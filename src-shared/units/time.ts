/** Human renderings of virtual time (integer ns) and rates, for the status bar and charts. */
export function formatVirtualTime(ns: number): string {
  const totalUs = Math.floor(ns / 1000);
  const us = totalUs % 1_000_000;
  const s = Math.floor(totalUs / 1_000_000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const frac = String(us).padStart(6, '0');
  const hh = h > 0 ? `${h}:${String(m).padStart(2, '0')}:` : `${m}:`;
  return `${hh}${String(sec).padStart(2, '0')}.${frac}`;
}

/** 12345678 → "12.3 M"; keeps three significant digits. */
export function formatSi(n: number, unit = ''): string {
  const abs = Math.abs(n);
  const [div, prefix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  const v = n / div;
  const text = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${prefix}${unit}`.trimEnd();
}

export function formatSpeed(speed: number | 'max'): string {
  return speed === 'max' ? 'max' : `${speed}×`;
}

/** `[    0.000123]`: virtual seconds with microseconds, as dmesg prints a kernel log line's time. */
export function dmesgStamp(ns: number): string {
  return `[${String(Math.floor(ns / 1e9)).padStart(5)}.${String(Math.floor((ns % 1e9) / 1e3)).padStart(6, '0')}]`;
}
