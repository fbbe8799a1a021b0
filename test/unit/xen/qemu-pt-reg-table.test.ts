/**
 * qemu-dm's register-table emulation of the assigned NIC (Xen 3.4, qemu-xen hw/pass-through.c;
 * xen.md §8.2), register by register, as the guest sees it through 0xCF8/0xCFC and as the real
 * function is left by it: what reads the emulated value, what reads the device, which bits of a
 * write reach the device, which capabilities are shown and how they are rewritten.
 */
import { describe, expect, it } from 'vitest';
import { bootSeedHost, grubWith, SEED_HVM } from '../../scenarios/support/seed-host.ts';
import { guestConfig, hostConfig, NIC_BDF, SLOT3 } from '../../scenarios/support/guest-config.ts';
import type { XenEra } from '../../../src-sim/xen/common/version.ts';
import { PtConfigSpace, type PtConfigHost } from '../../../src-sim/qemu/ioemu/hw/pt-config.ts';
import { PT_EMU_REG_GRP_TBL, PT_EMU_REG_HEADER0 } from '../../../src-sim/qemu/ioemu/hw/pt-reg-table.ts';
import { PtDevice34 } from '../../../src-sim/qemu/ioemu/hw/pass-through-34.ts';

const XEN_LINE: Partial<Record<XenEra, string>> = { '3.3': 'iommu=1 dom0_mem=1024M', '3.4': 'iommu=1 dom0_mem=1024M', '4.0': 'dom0_mem=1024M' };

function guest(era: XenEra = '3.4') {
  const host = bootSeedHost({ era, grub: grubWith(XEN_LINE[era] ?? '') });
  host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
  host.pc.sim.engine.runFor(1_000_000);
  const qemuLog = () => host.xend.byName('fc5-vtd')!.qemu!.log.lines;
  return { host, g: guestConfig(host, 1, SLOT3), real: hostConfig(host, NIC_BDF), qemuLog };
}

interface ReadRow {
  what: string;
  reg: number;
  size: 1 | 2 | 4;
  guest: number;
  device: number;
}

/** After hvmloader and the FC5 driver: the guest's view beside the device's own. */
const READS: ReadRow[] = [
  { what: 'vendor and device ID are the device’s', reg: 0x00, size: 4, guest: 0x10b98086, device: 0x10b98086 },
  { what: 'COMMAND shows the device’s IO/MEM/master the driver set', reg: 0x04, size: 2, guest: 0x0007, device: 0x0007 },
  { what: 'STATUS shows the capability list (emulated bit) and the device’s other bits', reg: 0x06, size: 2, guest: 0x0010, device: 0x0010 },
  { what: 'revision and class pass through', reg: 0x08, size: 4, guest: 0x02000006, device: 0x02000006 },
  { what: 'cache line size is emulated, starting at 0', reg: 0x0c, size: 1, guest: 0x00, device: 0x10 },
  { what: 'BAR0 holds the guest address over the device’s flag bits', reg: 0x10, size: 4, guest: 0xf3000000, device: 0xfe8e0000 },
  { what: 'the I/O BAR keeps the I/O flag under the guest port', reg: 0x18, size: 4, guest: 0x0000c201, device: 0x0000e001 },
  { what: 'an unused BAR passes through to the device', reg: 0x1c, size: 4, guest: 0, device: 0 },
  { what: 'subsystem IDs pass through', reg: 0x2c, size: 4, guest: 0x10838086, device: 0x10838086 },
  { what: 'the capability pointer is rebuilt (PM first)', reg: 0x34, size: 1, guest: 0xc8, device: 0xc8 },
  { what: 'the interrupt line is the guest’s', reg: 0x3c, size: 1, guest: 5, device: 16 },
  { what: 'the interrupt pin is forced to INTA#', reg: 0x3d, size: 1, guest: 1, device: 1 },
  { what: 'PMC hides PME support and PME clock', reg: 0xca, size: 2, guest: 0x0022, device: 0xc822 },
  { what: 'PMCSR shows D0 and No Soft Reset (power state emulated)', reg: 0xcc, size: 2, guest: 0x2008, device: 0x2000 },
  { what: 'MSI Message Control shows 64-bit, disabled', reg: 0xd2, size: 2, guest: 0x0080, device: 0x0080 },
  { what: 'the PCIe capability ends the list', reg: 0xe1, size: 1, guest: 0x00, device: 0x00 },
  { what: 'PCIe Device Capabilities pass through without FLR', reg: 0xe4, size: 4, guest: 0x00000cc1, device: 0x00000cc1 },
  { what: 'PCIe Device Control is emulated from 0x2810', reg: 0xe8, size: 2, guest: 0x2810, device: 0x2810 },
  { what: 'PCIe Link Control is emulated from 0 (CommClk hidden)', reg: 0xf0, size: 2, guest: 0x0000, device: 0x0040 },
  { what: 'PCIe Link Status passes through', reg: 0xf2, size: 2, guest: 0x1011, device: 0x1011 },
  { what: 'device-specific space outside every group passes through', reg: 0x40, size: 4, guest: 0, device: 0 },
];

describe('the assigned NIC’s config space under 3.4’s register tables: reads', () => {
  const { g, real } = guest();
  it.each(READS)('$what', ({ reg, size, guest: want, device }) => {
    expect(g.read(reg, size)).toBe(want);
    expect(real.read(reg, size)).toBe(device);
  });
});

interface WriteRow {
  what: string;
  reg: number;
  size: 1 | 2 | 4;
  value: number;
  guest: number;
  device: number;
}

/** One write each on a fresh guest: what the guest reads back, what the device holds after. */
const WRITES: WriteRow[] = [
  { what: 'a vendor ID write changes nothing', reg: 0x00, size: 2, value: 0x1234, guest: 0x8086, device: 0x8086 },
  { what: 'COMMAND: SERR stays in the emulated value, the device’s SERR untouched', reg: 0x04, size: 2, value: 0x0107, guest: 0x0107, device: 0x0007 },
  { what: 'COMMAND: INTx disable reaches the device', reg: 0x04, size: 2, value: 0x0407, guest: 0x0407, device: 0x0407 },
  { what: 'COMMAND: memory decode off reaches the device', reg: 0x04, size: 2, value: 0x0005, guest: 0x0005, device: 0x0005 },
  { what: 'cache line size is kept in qemu only', reg: 0x0c, size: 1, value: 0x08, guest: 0x08, device: 0x10 },
  { what: 'latency timer is kept in qemu only', reg: 0x0d, size: 1, value: 0x40, guest: 0x40, device: 0x00 },
  { what: 'BAR sizing: all ones read back as the size mask, the device keeps its base', reg: 0x10, size: 4, value: 0xffffffff, guest: 0xfffe0000, device: 0xfe8e0000 },
  { what: 'I/O BAR sizing keeps the I/O flag', reg: 0x18, size: 4, value: 0xffffffff, guest: 0xffffffe1, device: 0x0000e001 },
  { what: 'the capability pointer is read-only', reg: 0x34, size: 1, value: 0x40, guest: 0xc8, device: 0xc8 },
  { what: 'the interrupt line is kept in qemu only', reg: 0x3c, size: 1, value: 11, guest: 11, device: 16 },
  { what: 'the interrupt pin is read-only', reg: 0x3d, size: 1, value: 3, guest: 1, device: 1 },
  { what: 'PMCSR D3hot is emulated: the device stays in D0', reg: 0xcc, size: 2, value: 0x0003, guest: 0x200b, device: 0x2000 },
  { what: 'MSI address is emulated: the device’s stays 0', reg: 0xd4, size: 4, value: 0xfee00000, guest: 0xfee00000, device: 0 },
  { what: 'PCIe Device Control is emulated: the device keeps 0x2810', reg: 0xe8, size: 2, value: 0x2830, guest: 0x2830, device: 0x2810 },
  { what: 'device-specific space outside every group is written to the device', reg: 0x40, size: 4, value: 0x5a5a5a5a, guest: 0, device: 0 },
];

describe('the assigned NIC’s config space under 3.4’s register tables: writes', () => {
  it.each(WRITES)('$what', ({ reg, size, value, guest: want, device }) => {
    const { g, real } = guest();
    g.write(reg, size, value);
    expect(g.read(reg, size)).toBe(want);
    expect(real.read(reg, size)).toBe(device);
  });

  it('COMMAND with memory decode off unmaps both memory BARs, and on maps them back', () => {
    const { host, g } = guest();
    const from = host.xen.hypercalls.records.length;
    g.write(0x04, 2, 0x0005);
    g.write(0x04, 2, 0x0007);
    const maps = host.xen.hypercalls.records.slice(from).map((r) => [r.op.replace('XEN_DOMCTL_', ''), r.args.first_gfn, r.args.add_mapping]);
    expect(maps).toEqual([
      ['memory_mapping', '0xf3000', 0],
      ['memory_mapping', '0xf3020', 0],
      ['memory_mapping', '0xf3000', 1],
      ['memory_mapping', '0xf3020', 1],
    ]);
  });

  it('moving BAR0 removes the old guest frames and maps the new ones', () => {
    const { host, g } = guest();
    g.write(0x10, 4, 0xf5000000);
    const maps = host.xen.hypercalls.records.filter((r) => r.op === 'XEN_DOMCTL_memory_mapping').slice(-2);
    expect(maps.map((r) => [r.args.first_gfn, r.args.add_mapping])).toEqual([
      ['0xf3000', 0],
      ['0xf5000', 1],
    ]);
  });

  it('an I/O BAR placed above 64 KiB is refused with qemu’s warning and unmapped', () => {
    const { host, g, qemuLog } = guest();
    g.write(0x18, 4, 0x00012001);
    expect(qemuLog()).toContain('pt_bar_reg_write: Warning: Guest attempt to set Base Address over the 64KB. [00:03.0][Offset:18h][Address:00012000h][Size:00000020h]');
    expect(host.xen.hypercalls.records.at(-1)).toMatchObject({ op: 'XEN_DOMCTL_ioport_mapping', args: { first_gport: '0xc200', add_mapping: 0 } });
  });

  it('an address written to an unused BAR is warned about and goes to the device', () => {
    const { g, qemuLog } = guest();
    g.write(0x1c, 4, 0xf6000000);
    expect(qemuLog()).toContain('pt_pci_write_config: Warning: Guest attempt to set address to unused Base Address Register. [00:03.0][Offset:1ch][Length:4]');
  });

  it('offset 0xFF and a misaligned access are refused with qemu’s errors and read as 0', () => {
    const { g, qemuLog } = guest();
    expect(g.read(0xff, 1)).toBe(0);
    expect(g.read(0x02, 4)).toBe(0);
    expect(qemuLog()).toContain('pt_pci_read_config: Error: Failed to read register with invalid access size alignment. [00:03.0][Offset:02h][Length:4]');
    expect(qemuLog()).toContain('pt_pci_read_config: Error: Failed to read register with offset exceeding FFh. [00:03.0][Offset:ffh][Length:1]');
  });
});

describe('the tables as data', () => {
  it('declare the header registers with 3.4’s masks', () => {
    const row = (name: string) => PT_EMU_REG_HEADER0.find((r) => r.name === name)!;
    expect([row('PCI_COMMAND').ro, row('PCI_COMMAND').emu]).toEqual([0xf880, 0x0740]);
    expect([row('PCI_STATUS').ro, row('PCI_STATUS').emu]).toEqual([0x06ff, 0x0010]);
    expect([row('PCI_ROM_ADDRESS').ro, row('PCI_ROM_ADDRESS').emu]).toEqual([0x000007fe, 0xfffff800]);
  });

  it('emulate PM, VPD, MSI, vendor, PCIe and MSI-X, and hard-wire AGP, slot ID, PCI-X, SHPC, SSVID, AGP 8x', () => {
    const by = (type: string) => PT_EMU_REG_GRP_TBL.filter((g) => g.type === type && g.id !== 0xff).map((g) => g.id);
    expect(by('emu')).toEqual([0x01, 0x03, 0x05, 0x09, 0x10, 0x11]);
    expect(by('hardwired')).toEqual([0x02, 0x04, 0x07, 0x0c, 0x0d, 0x0e]);
  });
});

/** A function with PM (0x40) → PCI-X (0x50) → an unknown capability 0x13 (0x80) → VPD (0x90), behind the access path alone. */
function syntheticFunction() {
  const bytes = new Uint8Array(256);
  const put = (at: number, ...v: number[]) => bytes.set(v, at);
  put(0x00, 0x86, 0x80, 0x34, 0x12);
  put(0x06, 0x10, 0x00);
  put(0x34, 0x40);
  put(0x40, 0x01, 0x50, 0x03, 0x00, 0x00, 0x00);
  put(0x50, 0x07, 0x80, 0xaa, 0xbb);
  put(0x80, 0x13, 0x90, 0xcc, 0xdd);
  put(0x90, 0x03, 0x00, 0x11, 0x22);
  const log: string[] = [];
  const host: PtConfigHost = {
    copy: bytes.slice(),
    readReal: (o, l) => bytes.slice(o, o + l).reduceRight((v, b) => v * 256 + b, 0),
    writeReal: (o, l, v) => {
      for (let i = 0; i < l; i++) bytes[o + i] = (v >>> (8 * i)) & 0xff;
    },
    init: (hook, e, at) => (hook === 'ptr' ? nextShown(bytes, bytes[at]) : hook === 'bar' ? undefined : e.reg.init),
    read: { cmd: (_e, v) => v, bar: (_e, v) => v, pmcsr: (_e, v) => v },
    write: { cmd: (_e, v) => v, bar: (_e, v) => v, romBar: (_e, v) => v, pmcsr: (_e, v) => v, msgctrl: (_e, v) => v, msgaddr32: (_e, v) => v, msgaddr64: (_e, v) => v, msgdata: (_e, v) => v, msixctrl: (_e, v) => v },
    groupSize: (g) => (typeof g.size === 'number' ? g.size : 8),
    log: (fn, m) => log.push(`${fn}: ${m}`),
    where: '[00:04.0]',
  };
  const cfg = new PtConfigSpace(host);
  expect(cfg.init()).toBeUndefined();
  return { cfg, bytes, log };
}

function nextShown(bytes: Uint8Array, ptr: number): number {
  const shown = new Set(PT_EMU_REG_GRP_TBL.filter((g) => g.type === 'emu').map((g) => g.id));
  while (ptr && !shown.has(bytes[ptr])) ptr = bytes[ptr + 1];
  return ptr;
}

describe('capability list rewriting (a synthetic function)', () => {
  it('links PM straight to VPD: PCI-X (hard-wired) and the unknown capability are hidden', () => {
    const { cfg } = syntheticFunction();
    expect(cfg.read(0x34, 1)).toBe(0x40);
    expect(cfg.read(0x41, 1)).toBe(0x90);
    expect(cfg.read(0x91, 1)).toBe(0x00);
  });

  it('reads a hard-wired group as 0 and drops writes to it, with qemu’s warning', () => {
    const { cfg, bytes, log } = syntheticFunction();
    expect(cfg.read(0x50, 4)).toBe(0);
    cfg.write(0x52, 0xffff, 2);
    expect([bytes[0x52], bytes[0x53]]).toEqual([0xaa, 0xbb]);
    expect(log).toEqual(['pt_pci_write_config: Warning: Access to 0 Hardwired register. [00:04.0][Offset:52h][Length:2]']);
  });

  it('leaves the unknown capability’s own registers reachable: reads and writes go to the device', () => {
    const { cfg, bytes } = syntheticFunction();
    expect(cfg.read(0x82, 2)).toBe(0xddcc);
    cfg.write(0x82, 0x5a, 1);
    expect(bytes[0x82]).toBe(0x5a);
  });
});

describe('which eras use the tables', () => {
  it.each(['3.3', '4.0'] as XenEra[])('%s: PMC hides PME support as in 3.4', (era) => {
    const { g } = guest(era);
    expect(g.read(0xca, 2)).toBe(0x0022);
  });
});

describe('snapshots of the register-table device', () => {
  it('restores every emulated register, the regions and the MSI state by name, and reads as before', () => {
    const { host, g } = guest();
    const pt = host.xend.byName('fc5-vtd')!.qemu!.passthrough[0];
    if (!(pt instanceof PtDevice34)) throw new Error('3.4 uses the register-table device');
    g.write(0x0c, 1, 0x08);
    g.write(0xd4, 4, 0xfee00000);
    const view = () => [0x04, 0x0c, 0x10, 0x14, 0x18, 0x3c, 0xcc, 0xd0, 0xd4, 0xe8, 0xf0].map((r) => g.read(r));
    const before = view();
    const saved = JSON.parse(JSON.stringify(pt.save())) as ReturnType<typeof pt.save>;
    expect(saved.config.values['Header Type0.PCI_CACHE_LINE_SIZE']).toBe(0x08);
    expect(saved.msi.addrLo).toBe(0xfee00000);
    g.write(0x0c, 1, 0x20);
    g.write(0xd4, 4, 0xfee0f000);
    g.write(0x3c, 1, 9);
    pt.restore(saved);
    expect(view()).toEqual(before);
    expect(pt.save()).toEqual(saved);
  });

  it('refuses a snapshot of another version or one that lacks a register, naming it', () => {
    const { host } = guest();
    const pt = host.xend.byName('fc5-vtd')!.qemu!.passthrough[0];
    if (!(pt instanceof PtDevice34)) throw new Error('3.4 uses the register-table device');
    const saved = pt.save();
    expect(() => pt.restore({ ...saved, version: 2 as 1 })).toThrow('pass-through device snapshot version 2 is not 1');
    const values = { ...saved.config.values };
    delete values['PCI Express.PCI_EXP_LNKCTL'];
    expect(() => pt.restore({ ...saved, config: { version: 1, values } })).toThrow('pass-through config snapshot lacks PCI Express.PCI_EXP_LNKCTL');
  });
});

describe('the INTx binding of 3.4’s register_real_device', () => {
  it('maps IRQ 16 to pirq 16 first, then binds it to INTA# of slot 3', () => {
    const { host } = guest();
    const ops = host.xen.hypercalls.records.map((r) => r.op);
    const map = ops.indexOf('PHYSDEVOP_map_pirq');
    expect(map).toBeGreaterThan(ops.indexOf('XEN_DOMCTL_assign_device'));
    expect(ops[map + 1]).toBe('XEN_DOMCTL_bind_pt_irq');
    expect(host.xen.hypercalls.records[map].args).toEqual({ type: 'MAP_PIRQ_TYPE_GSI', index: 16, pirq: 16 });
  });

  it('when Xen holds the line itself, the bind fails: INTx disabled on the device, the pirq unmapped, no machine IRQ', () => {
    // Xen's own serial driver has IRQ 16 (com1=…,16): pirq_guest_bind refuses with -EBUSY.
    const host = bootSeedHost({ era: '3.4', grub: grubWith('iommu=1 dom0_mem=1024M com1=115200,8n1,0x3f8,16 console=com1,vga') });
    expect(host.xen.irqs.desc(16).xenAction).toBe('ns16550');
    host.xm.create('/etc/xen/hvm.conf', SEED_HVM);
    const qemu = host.xend.byName('fc5-vtd')!.qemu!;
    expect(qemu.log.lines).toContain('register_real_device: Error: Binding of interrupt failed! rc=-1');
    expect(host.xen.hypercalls.records.filter((r) => r.op.startsWith('PHYSDEVOP')).map((r) => `${r.op} ${r.errno}`)).toEqual(['PHYSDEVOP_map_pirq 0', 'PHYSDEVOP_unmap_pirq 0']);
    expect(hostConfig(host, NIC_BDF).read(0x04, 2) & 0x400).toBe(0x400);
    // The guest's own INTx-disable bit stays emulated; clearing it no longer reaches the device.
    const g = guestConfig(host, 1, SLOT3);
    g.write(0x04, 2, 0x0007);
    expect(hostConfig(host, NIC_BDF).read(0x04, 2) & 0x400).toBe(0x400);
  });
});
