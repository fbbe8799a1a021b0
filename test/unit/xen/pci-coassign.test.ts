/**
 * xend's co-assignment check on its own, over the bridge desktop's dom0 view (its config bytes
 * through libpci, driver links from sysfs): which sibling each era refuses, and with what text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPciHost, parseHostProfile } from '../../../src-sim/hw/host-profile.ts';
import { checkCoassignment } from '../../../src-sim/toolstack/xend/server/pci-coassign.ts';
import type { XendDom0 } from '../../../src-sim/toolstack/xend/xend.ts';
import type { XcHandle } from '../../../src-sim/xen/tools/libxc/xc_domain.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';

const profile = parseHostProfile(readFileSync(new URL('../../../resources/hosts/desktop-q35-pci-bridge.json', import.meta.url), 'utf8'));
const host = buildPciHost(profile);

/** dom0 as xend sees it: every function through libpci, `drivers` as the sysfs driver links (absent: none bound). */
function dom0(drivers: Record<string, string>): XendDom0 {
  return {
    sysfsRead: () => '',
    sysfsReadlink: (path) => {
      const name = path.split('/')[5];
      if (!drivers[name]) throw new Error(`[Errno 2] No such file or directory: '${path}'`);
      return `../../../bus/pci/drivers/${drivers[name]}`;
    },
    libpci: () =>
      host.functions.map((f) => ({
        bus: f.bdf.bus,
        dev: f.bdf.device,
        func: f.bdf.fn,
        irq: 0,
        baseAddr: [],
        size: [],
        romBaseAddr: 0,
        romSize: 0,
        readConfig: (o: number, len: 1 | 2 | 4) => host.configRead(f.bdf, o, len),
        writeConfig: () => undefined,
      })),
  };
}

/** libxc whose test_assign_device says "not dom0's" for the functions in `taken`. */
const xc = (taken: number[] = []) => ({ testAssignDevice: (_d: number, bdf: number) => (taken.includes(bdf) ? -1 : 0) }) as unknown as XcHandle;
const slot = (bus: number, s: number) => ({ domain: 0, bus, slot: s, func: 0 });
const BDF_0501 = (5 << 16) | (1 << 11);

function check(era: XenEra, drivers: Record<string, string>, opts: { taken?: number[]; assigned?: string[]; hvm?: boolean; slots?: ReturnType<typeof slot>[] } = {}): string {
  try {
    checkCoassignment({ dom0: dom0(drivers), xc: xc(opts.taken), era, hvm: opts.hvm ?? true, assigned: opts.assigned ?? [] }, opts.slots ?? [slot(5, 0)]);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

const HIDDEN = { '0000:05:00.0': 'pciback' };

describe('xend’s co-assignment check', () => {
  it('2007 and 3.2 have none', () => {
    expect(check('2007', HIDDEN, { taken: [BDF_0501] })).toBe('ok');
    expect(check('3.2', HIDDEN, { taken: [BDF_0501] })).toBe('ok');
  });

  it('3.4 refuses only a sibling Xen no longer lists as dom0’s', () => {
    expect(check('3.4', { ...HIDDEN, '0000:05:01.0': 'e1000' })).toBe('ok');
    expect(check('3.4', HIDDEN, { taken: [BDF_0501] })).toBe('pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0');
    expect(check('3.4', HIDDEN, { taken: [BDF_0501], slots: [slot(5, 0), slot(5, 1)] })).toBe('ok');
  });

  it('4.0 refuses a sibling bound to another driver, or to none, before one in another guest', () => {
    const text = 'pci: improper device assignment specified: pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0, but it is not owned by pciback or pci-stub.';
    expect(check('4.0', { ...HIDDEN, '0000:05:01.0': 'e1000' })).toBe(text);
    expect(check('4.0', HIDDEN)).toBe(text);
    expect(check('4.0', { ...HIDDEN, '0000:05:01.0': 'pci-stub' }, { assigned: ['0000:05:01.0'] })).toBe('pci: 0000:05:01.0 must be co-assigned to the same guest with 0000:05:00.0');
    expect(check('4.0', { ...HIDDEN, '0000:05:01.0': 'pci-stub' })).toBe('ok');
  });

  it('4.0 leaves PV guests alone; a PCIe endpoint (the 82572EI at 02:00.0) is not a conventional function behind a bridge', () => {
    expect(check('4.0', HIDDEN, { hvm: false })).toBe('ok');
    expect(check('4.0', { '0000:02:00.0': 'pciback' }, { slots: [slot(2, 0)] })).toBe('ok');
  });
});
