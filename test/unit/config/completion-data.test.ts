/** The data the editor's completion provider reads: options per era, values, boot options, devices with owners. */
import { describe, expect, it } from 'vitest';
import { bootOptionsForEra, completions, hover, optionsForEra } from '../../../src-shared/config/assist.ts';
import { SEED_HOST } from '../../../src-shared/config/index.ts';

describe('completion data per era', () => {
  it('lists the xm options of an era with type, one-line doc and values', () => {
    const o2007 = optionsForEra('hvm', '2007');
    expect(o2007.find((o) => o.name === 'builder')).toMatchObject({ type: 'str', values: ['hvm', 'linux'], key: true });
    expect(optionsForEra('hvm', '3.0').find((o) => o.name === 'builder')!.values).toEqual(['hvm', 'linux', 'vmx']);
    expect(o2007.find((o) => o.name === 'nfs_root')).toMatchObject({ type: 'str', cite: expect.stringMatching(/create\.py:\d+/) });
    expect(o2007.some((o) => o.name === 'tsc_mode')).toBe(false);
    expect(optionsForEra('hvm', '4.0').some((o) => o.name === 'tsc_mode')).toBe(true);
  });

  it('lists the Xen boot options of an era: vtd until 3.2, iommu from 3.3', () => {
    const names = (era: '2007' | '3.3' | '3.1') => bootOptionsForEra('xen', era).map((o) => o.name);
    expect(names('2007')).toContain('vtd');
    expect(names('2007')).not.toContain('iommu');
    expect(names('3.3')).toContain('iommu');
    expect(names('3.1')).not.toContain('vtd');
    expect(bootOptionsForEra('dom0', '2007').map((o) => o.name)).toContain('pciback.hide');
  });

  it("offers host devices inside pci = [ … ] with their owner, the ones dom0 needs last", () => {
    const items = completions("pci = [ '", 'hvm', 1, 10, { host: SEED_HOST, hidden: new Set(['0000:02:00.0']) });
    const sorted = [...items].sort((a, b) => (a.sortText < b.sortText ? -1 : 1));
    expect(sorted[0]).toMatchObject({ label: '02:00.0', detail: expect.stringMatching(/pciback \(assignable\)$/) });
    expect(items.find((i) => i.label === '00:1f.2')!.detail).toMatch(/dom0 needs it \(disk-controller\)$/);
    expect(sorted.at(-1)!.detail).toMatch(/dom0 needs it/);
  });

  it("cites xm's create.py in an option's hover", () => {
    expect(hover('dhcp = "off"\n', 'hvm', 1, 2)!.markdown).toMatch(/Defined by xm's create\.py: tag RELEASE-3\.0\.0:tools\/python\/xen\/xm\/create\.py:\d+/);
  });
});
