/** grub.conf (legacy) and grub.cfg (GRUB 2): entries, Xen and dom0 command lines, era checks. */
import { describe, expect, it } from 'vitest';
import { lint, SEED_HOST, type Diagnostic } from '../../../src-shared/config/index.ts';
import { parseGrub, xenBoot } from '../../../src-shared/config/grub-parser.ts';
import { parseHideList } from '../../../src-shared/config/pci-spec.ts';
import { applyTextEdits } from '../../../src-shared/config/source.ts';

const SEED = `default=0
timeout=5
title Xen VT-d
        root (hd0,0)
        kernel /xen.gz dom0_mem=1024M
        module /vmlinuz-2.6.18-xen ro root=/dev/sda2 pciback.hid=(02:00.0) console=tty0
        module /initrd-2.6.18-xen.img
`;
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('GRUB legacy', () => {
  it('reads entries, the hypervisor line and the dom0 line split into options', () => {
    const x = xenBoot(parseGrub(SEED).entries[0])!;
    expect(x.hypervisorPath.text).toBe('/xen.gz');
    expect(x.xenOptions.map((o) => [o.name, o.value])).toEqual([['dom0_mem', '1024M']]);
    expect(x.dom0Options.map((o) => o.name)).toEqual(['ro', 'root', 'pciback.hid', 'console']);
    expect(x.modules).toHaveLength(2);
  });

  it("catches the seed's pciback.hid typo, quotes Linux, and fixes it", () => {
    const d = lint(SEED, 'grub', { era: '2007' }).find((x) => x.code === 'pciback-unknown-param')!;
    expect(d.message).toMatch(/Unknown boot option `pciback.hid=\(02:00.0\)': ignoring/);
    expect(d.range).toEqual({ startLine: 6, startColumn: 54, endLine: 6, endColumn: 65 });
    const fixed = applyTextEdits(SEED, d.fixes[0].edits);
    expect(fixed).toContain('pciback.hide=(02:00.0)');
  });

  it('requires vtd=1 in 2007 and iommu=1 in 3.3, and translates one into the other', () => {
    expect(codes(lint(SEED, 'grub', { era: '2007' }))).toContain('xen-vtd-off');
    const v = SEED.replace('dom0_mem=1024M', 'vtd=1 ioapic_ack=old');
    expect(codes(lint(v, 'grub', { era: '2007' }))).toEqual(['pciback-unknown-param']);
    const [r] = lint(v, 'grub', { era: '3.3' }).filter((x) => x.code === 'xen-vtd-renamed');
    expect(r.fixes[0].edits[0].text).toBe('iommu=1');
    expect(codes(lint(SEED.replace('dom0_mem=1024M', 'iommu=1'), 'grub', { era: '3.2' }))).toContain('xen-iommu-too-new');
    expect(codes(lint(SEED, 'grub', { era: '4.0' }))).not.toContain('xen-vtd-off');
  });

  it('asks for ioapic_ack=old in the seed era only', () => {
    expect(codes(lint(SEED, 'grub', { era: '2007' }))).toContain('xen-ioapic-ack');
    expect(codes(lint(SEED, 'grub', { era: '3.2' }))).not.toContain('xen-ioapic-ack');
  });

  it('moves a Xen option found on the dom0 line to the xen.gz line', () => {
    const text = SEED.replace('console=tty0', 'console=tty0 ioapic_ack=old');
    const d = lint(text, 'grub').find((x) => x.code === 'boot-option-wrong-line')!;
    const fixed = applyTextEdits(text, d.fixes[0].edits);
    expect(fixed).toContain('kernel /xen.gz dom0_mem=1024M ioapic_ack=old\n');
    expect(fixed).toContain('console=tty0\n');
  });

  it('reads pciback.hide groups the way the 2.6.18 sscanf loop does', () => {
    expect(parseHideList('(02:00.0)(0000:03:00.1)').groups.map((g) => g.address)).toEqual([
      { domain: 0, bus: 2, slot: 0, func: 0 },
      { domain: 0, bus: 3, slot: 0, func: 1 },
    ]);
    expect(parseHideList('(02:00.00)').groups[0].address.func).toBe(0);
    expect(parseHideList('(02:00.0),(03:00.0)')).toMatchObject({ groups: [{ address: { bus: 2 } }], errorAt: 9 });
    const d = lint(SEED.replace('pciback.hid=(02:00.0)', 'pciback.hide=(02:00.0),(03:00.0)'), 'grub').find((x) => x.code === 'pciback-hide-syntax')!;
    expect(d.message).toMatch(/Error parsing pci_devs_to_hide at ",\(03:00.0\)"/);
    expect(d.fixes[0].edits[0].text).toBe('(02:00.0)(03:00.0)');
  });

  it('warns when hiding a function the host does not have', () => {
    expect(codes(lint(SEED.replace('pciback.hid=(02:00.0)', 'pciback.hide=(07:00.0)'), 'grub', { host: SEED_HOST }))).toContain('pciback-hide-absent');
  });

  it('reports default past the last entry and unknown commands with a fix', () => {
    const ds = lint(SEED.replace('default=0', 'default=3').replace('        root', '        rot'), 'grub');
    expect(codes(ds)).toContain('grub-default-range');
    expect(ds.find((d) => d.code === 'grub-unknown-command')!.fixes[0].edits[0].text).toBe('root');
  });
});

describe('GRUB 2', () => {
  const G2 = `set default=0
menuentry 'Xen VT-d' {
        insmod part_msdos
        set root='hd0,msdos1'
        multiboot /xen.gz placeholder iommu=1 dom0_mem=1024M
        module /vmlinuz-2.6.32-xen placeholder root=/dev/sda2 ro xen-pciback.hide=(02:00.0)
        module /initrd.img-2.6.32-xen
}
`;
  it('reads menuentry blocks, skips the placeholder word and accepts the modern spelling', () => {
    const g = parseGrub(G2);
    expect(g.flavor).toBe('grub2');
    const x = xenBoot(g.entries[0])!;
    expect(x.xenOptions.map((o) => o.name)).toEqual(['iommu', 'dom0_mem']);
    expect(x.dom0Options.map((o) => o.name)).toEqual(['root', 'ro', 'xen-pciback.hide']);
    expect(lint(G2, 'grub', { era: '4.19' })).toEqual([]);
  });

  it('translates legacy habits: root (hd0,0) and kernel /xen.gz', () => {
    const ds = lint(G2.replace("set root='hd0,msdos1'", 'root (hd0,0)').replace('multiboot /xen.gz', 'kernel /xen.gz'), 'grub', { era: '4.19' });
    expect(ds.map((d) => d.fixes[0]?.edits[0].text)).toEqual(["set root='hd0,msdos1'", 'multiboot']);
  });

  it('wants module2 after multiboot2, and a closing brace', () => {
    expect(codes(lint(G2.replace('multiboot ', 'multiboot2 '), 'grub', { era: '4.19' }))).toContain('grub-module-mismatch');
    expect(codes(lint(G2.replace(/}\n$/, ''), 'grub', { era: '4.19' }))).toContain('grub-syntax');
  });
});

describe('misspelt pciback parameters', () => {
  const line = (opts: string) => `default=0\ntitle X\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro ${opts}\n`;
  it('one other than hide is a warning that it has no effect, not "nothing is hidden"', () => {
    const d = lint(line('pciback.hide=(02:00.0) pciback.permisive=1'), 'grub', { era: '2007', host: SEED_HOST }).find((x) => x.code === 'pciback-unknown-param')!;
    expect(d.severity).toBe('warning');
    expect(d.message).toMatch(/no parameter 'permisive' \(did you mean pciback.permissive\?\).*ignoring".*no effect/);
    expect(d.message).not.toMatch(/nothing is hidden/);
    expect(d.fixes[0].edits[0].text).toBe('pciback.permissive');
  });

  it('a misspelt hide is the error that loses the hiding', () => {
    const d = lint(line('pciback.hid=(02:00.0)'), 'grub', { era: '2007' }).find((x) => x.code === 'pciback-unknown-param')!;
    expect(d.severity).toBe('error');
    expect(d.message).toMatch(/nothing is hidden/);
  });
});
