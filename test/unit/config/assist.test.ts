/** Completion and hover from the catalogues and the host facts. */
import { describe, expect, it } from 'vitest';
import { completions, hover } from '../../../src-shared/config/assist.ts';
import { SEED_HOST } from '../../../src-shared/config/index.ts';

const hidden = new Set(['0000:02:00.0']);

describe('completion', () => {
  it('offers option names at the start of a line, key options first, era-filtered', () => {
    const items = completions('mem', 'hvm', 1, 4, { era: '2007' });
    expect(items.find((i) => i.label === 'memory')).toMatchObject({ insertText: 'memory = ${1:128}', snippet: true, range: { startColumn: 1, endColumn: 4 } });
    expect(items.some((i) => i.label === 'tsc_mode')).toBe(false);
    expect(items.find((i) => i.label === 'pci')!.sortText < items.find((i) => i.label === 'fda')!.sortText).toBe(true);
  });

  it('offers the host’s devices inside pci = [ ... ], pciback-owned first', () => {
    const items = completions("pci = [ '", 'hvm', 1, 10, { host: SEED_HOST, hidden });
    const first = [...items].sort((a, b) => (a.sortText < b.sortText ? -1 : 1))[0];
    expect(first).toMatchObject({ label: '02:00.0', kind: 'device', detail: expect.stringContaining('82572EI') });
  });

  it('offers allowed values after name =', () => {
    expect(completions('builder = ', 'hvm', 1, 11).map((i) => i.insertText)).toEqual(["'hvm'", "'linux'"]);
    expect(completions('on_crash = "re', 'hvm', 1, 15).map((i) => i.label)).toContain('restart');
  });

  it('offers Xen options on the xen.gz line and (02:00.0) inside pciback.hide=', () => {
    const g = 'title X\n  kernel /xen.gz io\n  module /vmlinuz pciback.hide=(\n';
    expect(completions(g, 'grub', 2, 20, { era: '2007' }).map((i) => i.label)).toEqual(expect.arrayContaining(['vtd', 'ioapic_ack']));
    expect(completions(g, 'grub', 2, 20, { era: '3.3' }).map((i) => i.label)).toContain('iommu');
    const hide = completions(g, 'grub', 3, 33, { host: SEED_HOST });
    expect(hide.find((i) => i.label === '02:00.0')).toMatchObject({ insertText: '(02:00.0)', range: { startColumn: 32, endColumn: 33 } });
  });
});

describe('hover', () => {
  it('explains an option with its type, default and era', () => {
    const h = hover('acpi = 0\n', 'hvm', 1, 2)!;
    expect(h.markdown).toMatch(/\*\*acpi\*\* — switch, default 1/);
    expect(h.markdown).toMatch(/PIC mode/);
    expect(h.range).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 5 });
  });
  it('names the host device under a BDF', () => {
    expect(hover("pci = [ '02:00.0' ]", 'hvm', 1, 12, { host: SEED_HOST, hidden })!.markdown).toMatch(/82572EI.*\n\n8086:10b9 · owned by pciback/);
  });
  it('explains Xen and dom0 boot options on their lines', () => {
    const g = 'title X\n  kernel /xen.gz vtd=1\n  module /vmlinuz pciback.hide=(02:00.0)\n';
    expect(hover(g, 'grub', 2, 19)!.markdown).toMatch(/VT-d switch of 2007/);
    expect(hover(g, 'grub', 3, 20)!.markdown).toMatch(/\*\*pciback.hide\*\*/);
    expect(hover(g, 'grub', 2, 4)!.markdown).toMatch(/multiboot kernel/);
  });
});
