/**
 * Every era rule of the xm checks, one table row each with the source that backs it, and the
 * option table built from xm's own create.py of each era (xm-options-history.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint, type Diagnostic, type Era } from '../../../src-shared/config/index.ts';
import { XM_BY_NAME, XM_OPTIONS } from '../../../src-shared/config/hvm-options.ts';
import { XM_HISTORY, XM_HISTORY_SOURCES } from '../../../src-shared/config/xm-option-history.ts';
import { XM_CONFIG_FIXTURES } from '../../fixtures/paths.ts';

const HVM = "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = '/usr/lib/xen/bin/qemu-dm'\nacpi = 0\napic = 0\n";
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe("xm's option table, from xm's own create.py of each era", () => {
  it('knows every gopts.var of every era, each with the tree and line that define it', () => {
    expect(XM_HISTORY.length).toBeGreaterThan(100);
    for (const h of XM_HISTORY) {
      const o = XM_BY_NAME.get(h.name);
      expect(o, h.name).toBeDefined();
      expect(o!.cite?.first).toMatch(/tools\/python\/xen\/xm\/create\.py:\d+$/);
    }
    expect(XM_HISTORY_SOURCES.map((s) => s.era)).toContain('2007');
  });

  it.each(['dhcp', 'hostname', 'ip', 'gateway', 'netmask', 'nfs_server', 'nfs_root', 'vcpu_avail', 'interface', 'bootentry', 'features', 'on_xend_start'])(
    '%s is an xm option of 2007, not "unknown"',
    (name) => {
      expect(codes(lint(`${name} = 'x'\n`, 'hvm', { era: '2007' })).filter((c) => c === 'unknown-option')).toEqual([]);
    },
  );

  it('has a one-line doc and a type for every option (for completion)', () => {
    for (const o of XM_OPTIONS) {
      expect(o.doc.length, o.name).toBeGreaterThan(3);
      expect(['int', 'float', 'str', 'switch', 'list', 'str|list', 'str|int']).toContain(o.type);
    }
  });
});

/** [what, era, config, expected codes, the source that says so] */
const ERA_RULES: [string, Era, string, string[], string][] = [
  ['vncviewer is known through 4.2', '4.2', 'vncviewer = 1\n', [], 'RELEASE-4.4.0:tools/python/xen/xm/create.py gopts.var(vncviewer)'],
  ['vncviewer is known in 3.0', '3.0', 'vncviewer = 1\n', [], 'RELEASE-3.0.0:tools/python/xen/xm/create.py gopts.var(vncviewer)'],
  ['pci for a PV guest in 3.0 is PV pass-through, not an error', '3.0', "pci = [ '02:00.0' ]\n", ['guest-pv-pci'], "RELEASE-3.0.0:tools/python/xen/xm/create.py gopts.var('pci'), preprocess_pci; xen.md §10 row 15"],
  ['pci for an HVM guest before VT-d is set up for pcifront', '3.1', HVM + "pci = [ '02:00.0' ]\n", ['hvm-pci-before-vtd'], 'VT-d arrived with the 2007 patches (xen.md §0); 3.1 image.py has no assignment for HVM'],
  ["builder = 'vmx' in 3.0", '3.0', "builder = 'vmx'\nkernel = '/usr/lib/xen/boot/vmxloader'\ndevice_model = '/usr/lib/xen/bin/qemu-dm'\n", [], "RELEASE-3.0.0:tools/examples/xmexample.vmx; image.py VMXImageHandler ostype 'vmx'"],
  ["builder = 'vmx' in 3.1", '3.1', "builder = 'vmx'\n", ['option-value'], "3.1.0-branched:tools/python/xen/xend/image.py _handlers: 'unknown image type: vmx'"],
  ['PIC-mode rule only for HVM guests', '2007', "pci = [ '02:00.0' ]\nacpi = 1\n", ['guest-pv-pci'], 'seed patch: "set acpi and apic to 0 in hvm.conf" is about HVM guests'],
  ['PIC-mode rule for an HVM guest of 2007', '2007', HVM.replace('apic = 0', 'apic = 1') + "pci = [ '02:00.0' ]\n", ['seed-pic-mode'], 'seed announcement (2007-04): PIC mode only'],
  ['import re is not an option', '2007', "import re\nname = 'x'\n", [], "opts.py Opts.load takes only str/list/int/float from the file"],
  ["memory = '512' is what xend converts", '2007', "memory = '512'\nvcpus = '1'\nusb = '1'\n", [], "3.1.0-branched image.py parseDeviceModelArgs int(v); RELEASE-4.0.0 XendConfig 'memory': int"],
  ["memory = '512M' fails in xend's int()", '3.2', "memory = '512M'\n", ['option-type'], "XendConfig.py cfg['memory'] = int(sxp.child_value(sxp_cfg, 'memory'))"],
  ["usb = 'yes' is ignored by xend, not fatal", '3.1', "usb = 'yes'\n", ['option-type'], '3.1.0-branched image.py: "if we can\'t convert it to a sane type, ignore it"'],
  ["localtime = 'yes' is fatal in 3.0", '3.0', "localtime = 'yes'\n", ['option-type'], 'RELEASE-3.0.0 image.py parseDeviceModelArgs: v = int(v) with no try'],
  ['hap arrives in 3.3', '3.2', 'hap = 1\n', ['option-era'], "3.3.0-rc7:tools/python/xen/xm/create.py gopts.var('hap'); absent in 3.2.0-rc6"],
  ['tsc_mode arrives in 4.0', '3.4', 'tsc_mode = 1\n', ['option-era'], "RELEASE-4.0.0:tools/python/xen/xm/create.py gopts.var('tsc_mode')"],
  ['cdrom belongs to 3.0', '3.2', "cdrom = '/dev/cdrom'\n", ['option-era'], "RELEASE-3.0.0:tools/python/xen/xm/create.py gopts.var('cdrom'); gone by 3.1"],
  ['an xm file in 4.19 names the toolstack and offers xl.cfg', '4.19', "builder = 'hvm'\nmemory = 512\nname = 'g'\n", ['toolstack-era'], 'xm removed in 4.5 (tools/python/xen/xm absent at RELEASE-4.5.0); xl.cfg(5)'],
];

describe('era rules, each with its source', () => {
  it.each(ERA_RULES)('%s (%s) — %s → %j [%s]', (_what, era, text, expected) => {
    const got = codes(lint(text, 'hvm', { era })).filter((c) => !c.startsWith('unknown'));
    expect(got).toEqual(expected);
  });

  it("a non-numeric switch is fatal in 3.0's xend and ignored from 3.1", () => {
    expect(lint("localtime = 'yes'\n", 'hvm', { era: '3.0' })[0].severity).toBe('error');
    expect(lint("localtime = 'yes'\n", 'hvm', { era: '3.1' })[0].severity).toBe('warning');
  });

  it('offers the mechanical conversion to xl.cfg, which xl parses cleanly', () => {
    const [d] = lint(HVM + "memory = 512\nname = 'g'\nvif = [ 'type=ioemu, bridge=xenbr0' ]\n", 'hvm', { era: '4.19' }).filter((x) => x.code === 'toolstack-era');
    expect(d.message).toMatch(/Xen 4\.19 has xl only .*xl\.cfg/);
    const text = d.fixes[0].edits[0].text;
    expect(text).toContain('type = "hvm"');
    expect(text).toContain('vif = [ "bridge=xenbr0" ]');
    expect(text).not.toMatch(/^kernel/m);
    expect(lint(text, 'xl', { era: '4.19' }).filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('says the conversion is by hand when the file computes what xl.cfg cannot say', () => {
    const [d] = lint("import os\nname = os.popen('hostname').read()\n", 'hvm', { era: '4.19' }).filter((x) => x.code === 'toolstack-era');
    expect(d.fixes).toEqual([]);
    expect(d.message).toMatch(/convert it by hand/);
  });
});

describe("Xen's own xmexample2/3 with xm_vars", () => {
  const text = readFileSync(join(XM_CONFIG_FIXTURES, 'xmexample3.xen-4.0.0'), 'utf8');
  it("stops at xm_vars.check() with xm's TypeError when vmid is not given", () => {
    const d = lint(text, 'hvm', { era: '4.0' }).find((x) => x.code === 'py-runtime')!;
    expect(d.message).toMatch(/^TypeError: vmid - int\(\) argument must be a string or a number, not 'NoneType'/);
    expect(text.split('\n')[d.range.startLine - 1]).toBe('xm_vars.check()');
  });
  it('checks clean with vmid given as xm gives it (a string)', () => {
    expect(lint(text, 'hvm', { era: '4.0', vars: { vmid: '1' } })).toEqual([]);
  });
  it('never calls a command-line variable the file does not declare an unknown option', () => {
    const one = readFileSync(join(XM_CONFIG_FIXTURES, 'xmexample1.xen-4.0.0'), 'utf8');
    expect(lint(one, 'hvm', { era: '4.0', vars: { vmid: '1' } })).toEqual([]);
  });
  it("raises the check's ValueError for vmid=0, as xm does", () => {
    expect(lint(text, 'hvm', { era: '4.0', vars: { vmid: '0' } }).find((x) => x.code === 'py-runtime')!.message).toMatch(/^ValueError: vmid - {2}— xm would stop/);
  });
});
