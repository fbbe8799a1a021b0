/**
 * Which language a document is, from its name and first lines: GRUB menus (grub.conf, menu.lst,
 * grub.cfg or a `title`/`menuentry` line), xl.cfg (xl's own syntax: `.cfg` with `type = "hvm"`),
 * else an xm/xend Python config (hvm.conf and friends).
 */
export type DocLanguage = 'hvm-conf' | 'xl-cfg' | 'grub-conf';

export function detectLanguage(name: string, text: string): DocLanguage {
  const n = name.toLowerCase();
  if (/(^|[\\/])(grub\.conf|menu\.lst|grub\.cfg)$/.test(n) || /^\s*(title\s|menuentry\s)/m.test(text)) return 'grub-conf';
  if (/\.cfg$/.test(n) && /^\s*type\s*=\s*["']hvm["']/m.test(text)) return 'xl-cfg';
  return 'hvm-conf';
}
