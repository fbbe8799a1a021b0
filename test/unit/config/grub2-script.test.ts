/** GRUB 2 variables and conditions as grub-mkconfig writes them (11.5), and era rules of the Xen line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type Diagnostic } from '../../../src-shared/config/index.ts';
import { bootChoice, grubVariable, parseGrub, xenBoot } from '../../../src-shared/config/grub-parser.ts';
import { GRUB_FIXTURES, XEN_FIXTURES } from '../../fixtures/paths.ts';

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
/** The shape Debian/Ubuntu's 20_linux_xen writes (grub 2.02+). */
const DEBIAN = `set default=0
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
fi
menuentry 'Debian GNU/Linux, with Xen hypervisor' --class debian --class xen $menuentry_id_option 'xen-gnulinux-simple-1' {
	insmod part_msdos
	set root='hd0,msdos1'
	echo	'Loading Xen 4.11-amd64 ...'
        if [ "$grub_platform" = "pc" -o "$grub_platform" = "" ]; then
            xen_rm_opts=
        else
            xen_rm_opts="no-real-mode edd=off"
        fi
	multiboot	/boot/xen-4.11-amd64.gz placeholder  iommu=1 \${xen_rm_opts}
	echo	'Loading Linux 4.19.0-6-amd64 ...'
	module	/boot/vmlinuz-4.19.0-6-amd64 placeholder root=/dev/sda1 ro  quiet xen-pciback.hide=(02:00.0)
	module	--nounzip   /boot/initrd.img-4.19.0-6-amd64
}
`;

describe('GRUB 2 variables', () => {
  it("expands ${xen_rm_opts} to what either branch sets, instead of a bogus '$' and an unknown command", () => {
    const ds = lint(DEBIAN, 'grub', { era: '4.10' });
    expect(codes(ds)).toEqual([]);
    const x = xenBoot(parseGrub(DEBIAN).entries[0])!;
    expect(x.xenOptions.map((o) => o.name)).toEqual(['iommu', 'no-real-mode', 'edd']);
    expect(parseGrub(DEBIAN).entries[0].commands.find((c) => c.name === 'multiboot')!.args.at(-1)).toMatchObject({ text: 'edd=off', maybe: true });
  });

  it('expands a variable the file set, and leaves one GRUB sets at boot unchecked', () => {
    const g = parseGrub("set opts='iommu=1 loglvl=all'\nmenuentry 'X' {\n multiboot /xen.gz $opts $root_opts\n module /vmlinuz\n}\n");
    const x = xenBoot(g.entries[0])!;
    expect(x.xenOptions.map((o) => o.name)).toEqual(['iommu', 'loglvl', '${root_opts}']);
    expect(g.entries[0].commands[0].args.at(-1)!.dynamic).toBe(true);
  });

  it('does not judge a command word that comes from a variable GRUB sets at boot', () => {
    expect(lint("menuentry 'X' {\n  $loader /boot/vmlinuz\n  multiboot /xen.gz iommu=1\n  module /vmlinuz ro\n}\n", 'grub', { era: '4.19' })).toEqual([]);
  });

  it('a set timeout inside an undecided if is not unconditional', () => {
    const g = parseGrub("set timeout=5\nif [ \"$recordfail\" = 1 ]; then\n  set timeout=30\nfi\nmenuentry 'A' { linux /vmlinuz }\n");
    expect(grubVariable(g, 'timeout')).toEqual({ value: '5 | 30', conditional: true });
    expect(grubVariable(parseGrub("set timeout=5\nmenuentry 'A' { linux /vmlinuz }\n"), 'timeout')).toEqual({ value: '5', conditional: false });
  });

  it('decides a condition it can evaluate and takes one branch', () => {
    const g = parseGrub("set a=x\nif [ \"$a\" = x ]; then\n  set timeout=1\nelse\n  set timeout=2\nfi\nif false; then set timeout=9; fi\nmenuentry 'A' { linux /vmlinuz }\n");
    expect(grubVariable(g, 'timeout')).toEqual({ value: '1', conditional: false });
  });

  it('boots the entry set default names by title or id, and says when grubenv decides', () => {
    const cfg = parseGrub("set default='xen-1'\nmenuentry 'Linux' --id lin { linux /vmlinuz }\nmenuentry 'Xen' --id xen-1 { multiboot /xen.gz\n module /vmlinuz }\n");
    expect(bootChoice(cfg)).toMatchObject({ certain: true, entry: { title: 'Xen' } });
    expect(bootChoice(parseGrub(DEBIAN)).certain).toBe(false);
  });
});

describe('real GRUB files', () => {
  it("openSUSE's generated grub.cfg: no bogus commands; its default is a domU kernel, not Xen", () => {
    const text = readFileSync(join(GRUB_FIXTURES, 'grub.cfg.opensuse-xen-cho1'), 'utf8');
    const ds = lint(text, 'grub', { era: '4.19' });
    expect(codes(ds)).toEqual(['grub-default-not-xen']);
    expect(ds[0].message).toMatch(/ConeCenter - in4 - Xen - Domu - HVM/);
  });

  it("Ubuntu 18.04's 20_linux_xen entry: ${xen_rm_opts} is Xen's no-real-mode edd=off or nothing, never a bogus option", () => {
    const text = readFileSync(join(GRUB_FIXTURES, 'grub.cfg.ubuntu-18.04-20_linux_xen-tinyvmi'), 'utf8');
    expect(lint(text, 'grub', { era: '4.10' })).toEqual([]);
    const xen = parseGrub(text).entries[0].commands.find((c) => c.name === 'multiboot')!;
    expect(xen.args.map((w) => w.text)).toEqual(['/boot/xen.gz', 'placeholder', 'dom0_mem=3096M,max:3096M', 'flask=enforcing', 'no-real-mode', 'edd=off']);
    expect(xen.args.filter((w) => w.maybe).map((w) => w.text)).toEqual(['no-real-mode', 'edd=off']);
  });

  it('a Xen 3.0 menu.lst has no VT-d switch to miss', () => {
    const text = readFileSync(join(GRUB_FIXTURES, 'menu.lst.debian-bug343076-xen-3.0.0'), 'utf8');
    expect(lint(text, 'grub', { era: '3.0' })).toEqual([]);
    expect(codes(lint(text, 'grub', { era: '3.2' }))).toContain('xen-vtd-off');
  });

  it('a Fedora 15 menu.lst (Xen 4.1) needs no IOMMU option; under 3.4 it would leave VT-d off', () => {
    const text = readFileSync(join(GRUB_FIXTURES, 'menu.lst.fedora15-xen-stelfox'), 'utf8');
    expect(lint(text, 'grub', { era: '4.1' })).toEqual([]);
    expect(codes(lint(text, 'grub', { era: '3.4' }))).toEqual(['xen-vtd-off']);
  });

  it('the 3.3 howto entry under 3.1: iommu= is an option Xen 3.1 does not have, not a VT-d error', () => {
    const text = readFileSync(join(XEN_FIXTURES, 'grub.conf.vtd-howto.xen-3.3'), 'utf8');
    expect(codes(lint(text, 'grub', { era: '3.1' }))).toEqual(['xen-vtd-too-new']);
  });
});
