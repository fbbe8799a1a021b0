/** Checks of an hvm.conf / xl.cfg against the option catalogue, the era's toolstack and the host. */
import { describe, expect, it } from 'vitest';
import { checkFiles, lint, SEED_HOST, type Diagnostic } from '../../../src-shared/config/index.ts';

const SEED_GOOD = `kernel = "/usr/lib/xen/boot/hvmloader"
builder = 'hvm'
memory = 512
name = "fc5-vtd"
acpi = 0
apic = 0
device_model = '/usr/lib/xen/bin/qemu-dm'
pci = [ '02:00.0' ]
`;
const HIDING = 'title Xen\n  root (hd0,0)\n  kernel /xen.gz vtd=1 ioapic_ack=old\n  module /vmlinuz-2.6.18-xen ro pciback.hide=(02:00.0)\n';
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const withPci = (pci: string, extra = '') => SEED_GOOD.replace("pci = [ '02:00.0' ]", pci) + extra;

describe('hvm.conf checks', () => {
  it('passes the seed configuration on the seed host when pciback hides the NIC', () => {
    expect(lint(SEED_GOOD, 'hvm', { host: SEED_HOST, grubText: HIDING })).toEqual([]);
  });

  it("accepts the seed's '02:00.00' in 2007 but warns that 3.3 drops it, and fixes it", () => {
    const [d] = lint(withPci("pci = [ '02:00.00' ]"), 'hvm', { era: '2007' });
    expect(d.code).toBe('pci-seed-spelling');
    expect(d.range).toEqual({ startLine: 8, startColumn: 9, endLine: 8, endColumn: 19 });
    expect(d.fixes[0].edits[0]).toMatchObject({ text: '02:00.0', range: { startColumn: 10, endColumn: 18 } });
  });

  it('says xm 3.3 silently drops the seed spelling, and 4.0 refuses it', () => {
    expect(lint(withPci("pci = [ '02:00.00' ]"), 'hvm', { era: '3.3' }).map((d) => [d.code, d.severity])).toEqual([['pci-syntax', 'error']]);
    expect(lint(withPci("pci = [ '02:00.00' ]"), 'hvm', { era: '4.0' })[0].message).toMatch(/Failed to parse pci device: 02:00.00/);
  });

  it('accepts 0000:02:00.0 and 02:00.0 alike', () => {
    expect(lint(withPci("pci = [ '0000:02:00.0' ]"), 'hvm', { host: SEED_HOST, grubText: HIDING })).toEqual([]);
  });

  it('reports a device absent from the host with the era’s xend message', () => {
    const [d] = lint(withPci("pci = [ '05:00.0' ]"), 'hvm', { host: SEED_HOST, era: '3.2' });
    expect(d.code).toBe('pci-absent');
    expect(d.message).toMatch(/Fail to assign device\(5:0\.0\)/);
  });

  it('reports a device pciback does not own, quoting xend', () => {
    const ds = lint(SEED_GOOD, 'hvm', { host: SEED_HOST, grubText: HIDING.replace('pciback.hide', 'pciback.hid') });
    expect(codes(ds)).toEqual(['pci-not-hidden']);
    expect(ds[0].message).toMatch(/PCI Backend does not own device 0000:02:00.0/);
  });

  it('reports the same device given to two guests', () => {
    const out = checkFiles({ guests: [{ name: 'a.conf', text: SEED_GOOD }, { name: 'b.conf', text: SEED_GOOD.replace('fc5-vtd', 'other') }] }, { host: SEED_HOST });
    expect(codes(out[0].diagnostics)).toEqual([]);
    expect(codes(out[1].diagnostics)).toEqual(['pci-two-guests']);
    expect(out[1].diagnostics[0].message).toMatch(/already given to a\.conf/);
  });

  it('requires acpi=0 and apic=0 with the 2007 patch, and offers the fix', () => {
    const ds = lint(SEED_GOOD.replace('acpi = 0', 'acpi = 1').replace('apic = 0\n', ''), 'hvm', { era: '2007' });
    expect(codes(ds)).toEqual(['seed-pic-mode', 'seed-pic-mode']);
    expect(ds.map((d) => d.fixes[0].title)).toEqual(['Set acpi = 0', 'Add apic = 0']);
    expect(lint(SEED_GOOD.replace('acpi = 0', 'acpi = 1'), 'hvm', { era: '3.2' })).toEqual([]);
  });

  it('reports a device on a host without VT-d', () => {
    const noVtd = { ...SEED_HOST, vtd: false };
    expect(codes(lint(SEED_GOOD, 'hvm', { host: noVtd, era: '3.4' }))).toEqual(['vtd-unavailable']);
  });

  it('suggests the option a typo meant', () => {
    const [d] = lint(SEED_GOOD + 'memroy = 1024\n', 'hvm');
    expect(d).toMatchObject({ code: 'unknown-option', message: expect.stringContaining("did you mean 'memory'") });
    expect(d.fixes[0].edits[0].text).toBe('memory');
  });

  it('does not call a helper variable an unknown option', () => {
    expect(lint("arch_libdir = 'lib64'\n" + SEED_GOOD.replace("'/usr/lib/xen/bin/qemu-dm'", "'/usr/' + arch_libdir + '/xen/bin/qemu-dm'"), 'hvm')).toEqual([]);
  });

  it('reports type errors: a non-numeric string for memory, a string for pci, True for vnc', () => {
    const ds = lint(SEED_GOOD.replace('memory = 512', "memory = '512M'") + "vnc = True\n", 'hvm');
    expect(codes(ds)).toEqual(['option-type', 'xm-ignored-type']);
    expect(ds[0].message).toContain('invalid literal for int()');
    expect(ds[1].fixes[0].edits[0].text).toBe('1');
    expect(codes(lint(withPci("pci = '02:00.0'"), 'hvm'))).toEqual(['option-type']);
  });

  it('knows which era an option belongs to', () => {
    expect(codes(lint(SEED_GOOD + 'tsc_mode = 0\n', 'hvm', { era: '2007' }))).toEqual(['option-era']);
    expect(lint(SEED_GOOD + 'tsc_mode = 0\n', 'hvm', { era: '4.0' })).toEqual([]);
  });

  it('rejects values outside the allowed set with did-you-mean', () => {
    const [d] = lint(SEED_GOOD.replace("builder = 'hvm'", "builder = 'hmv'"), 'hvm');
    expect(d.code).toBe('option-value');
    expect(d.fixes[0].edits[0].text).toBe('hvm');
  });

  it('reports invalid vif keys as xm does', () => {
    const [d] = lint(SEED_GOOD + "vif = [ 'type=ioemu, bridg=xenbr0' ]\n", 'hvm');
    expect(d.message).toMatch(/Invalid vif option: bridg/);
    expect(d.fixes[0].edits[0].text).toBe('bridge');
  });
});

describe('xl.cfg checks', () => {
  const XL = 'type = "hvm"\nname = "g"\nmemory = 512\npci = [ \'02:00.0\' ]\n';
  it('checks pci against assignable devices with xl’s advice', () => {
    const [d] = lint(XL, 'xl', { host: SEED_HOST, grubText: HIDING.replace('pciback.hide=(02:00.0)', '') });
    expect(d.code).toBe('pci-not-hidden');
    expect(d.message).toMatch(/xl pci-assignable-add 02:00.0/);
  });
  it('reports a list where a single value is wanted', () => {
    expect(codes(lint('type = "hvm"\nmemory = [ 1 ]\n', 'xl'))).toEqual(['option-type']);
  });
  it('flags Python syntax as an xl lexical error', () => {
    expect(lint("type = 'hvm'\nmemory = 128 + 64\n", 'xl')[0]).toMatchObject({ code: 'xl-syntax', range: { startLine: 2, startColumn: 14 } });
  });
});
