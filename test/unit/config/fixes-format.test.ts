/** Quick fixes leave files that check clean; formatting is idempotent and keeps every comment. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyTextEdits, checkFiles, detectKind, lint, SEED_HOST, type ConfigKind } from '../../../src-shared/config/index.ts';
import { formatConfig } from '../../../src-shared/config/format.ts';
import { fixture, XEN_FIXTURES } from '../../fixtures/paths.ts';

/** Applies the preferred (else first) fix of the first fixable diagnostic until none is left. */
function fixAll(text: string, kind: ConfigKind, opts: Parameters<typeof lint>[2]): string {
  for (let round = 0; round < 50; round++) {
    const d = lint(text, kind, opts).find((x) => x.fixes.length);
    if (!d) return text;
    text = applyTextEdits(text, (d.fixes.find((f) => f.preferred) ?? d.fixes[0]).edits);
  }
  throw new Error('fixes do not converge');
}

const MISTAKES: [string, ConfigKind, string][] = [
  ['hvm', 'hvm', "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder='hmv'\nmemroy = 512\nmemory = '512'\nacpi = 1\nvnc = True\npci = [ '02:00.00', '02:00.0' ]\nvif = [ 'type=ioemu, bridg=xenbr0' ]\n# keep me\n"],
  ['hvm-missing', 'hvm', "builder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\npci = [ '02:00.0' ]\n"],
  ['hvm-syntax', 'hvm', "name = 'abc\nmemory = 128\n"],
  ['grub', 'grub', 'default=2\ntimeout=5\ntitle Xen\n  rot (hd0,0)\n  kernel /xen.gz iommu=1\n  module /vmlinuz-2.6.18-xen ro pciback.hid=(02:00.0),(00:19.0) ioapic_ack=new\n'],
  ['grub2', 'grub', "menuentry 'Xen' {\n  root (hd0,0)\n  multiboot2 /xen.gz iommu=1\n  module /vmlinuz xen-pciback.hide=(02:00.0)\n"],
  ['xl', 'xl', "type = 'hvm'\nmemroy = 512\npci = [ '02:00.00' ]\n"],
];

describe('quick fixes', () => {
  it.each(MISTAKES)('%s: applying every fix leaves no fixable or error diagnostic', (_n, kind, text) => {
    const opts = { era: kind === 'xl' || _n === 'grub2' ? ('4.19' as const) : ('2007' as const), host: SEED_HOST };
    const fixed = fixAll(text, kind, opts);
    const left = lint(fixed, kind, opts);
    expect(left.filter((d) => d.fixes.length)).toEqual([]);
    expect(left.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([]);
    if (text.includes('# keep me')) expect(fixed).toContain('# keep me');
  });
});

describe('formatting', () => {
  const files = readdirSync(XEN_FIXTURES).filter((f) => !f.endsWith('.md'));
  it.each(files)('%s: idempotent, only white space changes, every comment kept', (f) => {
    const text = readFileSync(fixture('xen', f), 'utf8');
    const kind = detectKind(text, f);
    const once = applyTextEdits(text, formatConfig(text, kind));
    expect(formatConfig(once, kind)).toEqual([]);
    expect(once.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    const comments = (t: string) => t.split('\n').filter((l) => l.trim().startsWith('#')).map((l) => l.trim());
    expect(comments(once)).toEqual(comments(text));
  });

  it('normalises key = value spacing and grub indentation', () => {
    expect(applyTextEdits("memory=512   # MB\nname   =  'x'  \n", formatConfig("memory=512   # MB\nname   =  'x'  \n", 'hvm'))).toBe("memory = 512   # MB\nname = 'x'\n");
    const g = 'default 0\ntitle X\nroot (hd0,0)\n    kernel /xen.gz\n# c\n';
    expect(applyTextEdits(g, formatConfig(g, 'grub'))).toBe('default 0\ntitle X\n    root (hd0,0)\n    kernel /xen.gz\n# c\n');
    const plain = 'title X\nroot (hd0,0)\n';
    expect(applyTextEdits(plain, formatConfig(plain, 'grub'))).toBe('title X\n        root (hd0,0)\n');
    const g2 = "menuentry 'X' {\ninsmod ext2\n  multiboot /xen.gz\n}\n";
    expect(applyTextEdits(g2, formatConfig(g2, 'grub'))).toBe("menuentry 'X' {\n  insmod ext2\n  multiboot /xen.gz\n}\n");
  });

  it('never touches the inside of a triple-quoted string', () => {
    const t = "extra = '''a   \n   b=c  \n'''\n";
    expect(applyTextEdits(t, formatConfig(t, 'hvm'))).toBe(t);
  });
});

describe('cross-file quick fix: a device dom0 keeps is hidden in grub.conf', () => {
  const HVM = "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = '/usr/lib/xen/bin/qemu-dm'\nacpi = 0\napic = 0\npci = [ '02:00.0' ]\n";
  const grub = (dom0: string) => `default=0\ntitle Xen\n  root (hd0,0)\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro${dom0}\n`;
  const check = (g: string) => checkFiles({ guests: [{ name: 'hvm.conf', text: HVM }], grub: { name: 'grub.conf', text: g } }, { era: '2007', host: SEED_HOST });

  it.each([
    ['no pciback.hide at all: adds one', '', ' pciback.hide=(02:00.0)'],
    ['a pciback.hide for another device: appends the group', ' pciback.hide=(00:19.0) console=tty0', ' pciback.hide=(00:19.0)(02:00.0) console=tty0'],
  ])('%s', (_n, dom0, want) => {
    const [g, guest] = check(grub(dom0));
    const d = guest.diagnostics.find((x) => x.code === 'pci-not-hidden')!;
    expect(d.fixes).toHaveLength(1);
    const edits = d.fixes[0].edits;
    expect(edits.every((e) => e.file === 'grub.conf')).toBe(true);
    const fixed = applyTextEdits(grub(dom0), edits);
    expect(fixed).toBe(grub(want));
    expect(g.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    const after = check(fixed);
    expect(after.flatMap((r) => r.diagnostics).filter((x) => x.severity === 'error' || x.code === 'pci-not-hidden')).toEqual([]);
  });

  it("offers no grub edit while the seed's pciback.hid typo is there: its own fix comes first", () => {
    const [, guest] = check(grub(' pciback.hid=(02:00.0)'));
    expect(guest.diagnostics.find((x) => x.code === 'pci-not-hidden')!.fixes).toEqual([]);
  });
});
