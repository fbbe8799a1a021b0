/**
 * `vtdw run`: the seed's recipe on the command line. The event log and the JSON document are
 * golden files; a failure prints what the real tool printed and exits 1; a bad call (an era the
 * simulator does not model included) exits 2; two processes given the same files and seed agree
 * on the trace hash.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.ts';
import type { CliIO } from '../../../src-main/cli/io.ts';
import { expectGolden } from '../../golden/golden.ts';

const SAMPLES = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));
const vtdwJs = fileURLToPath(new URL('../../../src-main/cli/vtdw.js', import.meta.url));
const SEED = ['run', '--grub', 'grub.conf', '--hvm', 'hvm.conf'];

async function vtdw(argv: string[], cwd = SAMPLES): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  return { code: await main(argv, io), out, err };
}

/** A folder holding the seed's hvm.conf and a grub.conf of our own. */
function withGrub(grub: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtdw-run-'));
  writeFileSync(join(dir, 'grub.conf'), grub);
  copyFileSync(join(SAMPLES, 'hvm.conf'), join(dir, 'hvm.conf'));
  return dir;
}

describe('vtdw run with the seed files', () => {
  it('prints the event log from power-on to destroy and exits 0', async () => {
    const r = await vtdw([...SEED, '--until', 'destroy']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/hypercall {2}d0 XEN_DOMCTL_assign_device\(dom=1, .*\) = 0$/m);
    expect(r.out).toMatch(/sim {8}dom1 eth0: first frame received/);
    expect(r.out).toMatch(/^trace hash \S+, \d+ ns virtual\n$/m);
    expectGolden('xen/vtdw-run-seed-destroy.txt', r.out);
  }, 60_000);

  it('--json prints the result, the hypercall log, the events and the trace hash', async () => {
    const r = await vtdw([...SEED, '--until', 'first-packet', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(['result', 'failure', 'virtualNs', 'hypercalls', 'events', 'traceHash']);
    expect(doc).toMatchObject({ result: 'ok', failure: null });
    expect(doc.hypercalls.map((h: { op: string }) => h.op)).toEqual(expect.arrayContaining(['XEN_DOMCTL_assign_device', 'XEN_DOMCTL_bind_pt_irq', 'XEN_DOMCTL_ioport_mapping', 'XEN_DOMCTL_memory_mapping']));
    expectGolden('xen/vtdw-run-seed-first-packet.json', r.out);
  }, 60_000);

  it('--trace prints every trace record, hardware included', async () => {
    const plain = await vtdw([...SEED, '--until', 'destroy']);
    const traced = await vtdw([...SEED, '--until', 'destroy', '--trace']);
    expect(traced.code).toBe(0);
    expect(traced.out.split('\n').length).toBeGreaterThan(plain.out.split('\n').length);
    expect(traced.out).toMatch(/^\d+ vtd\.translation /m);
  }, 60_000);

  it('runs each modelled era, 3.3 included', async () => {
    for (const era of ['3.2', '3.3', '3.4', '4.0']) {
      const dir = withGrub('default=0\ntitle Xen\n kernel /boot/xen.gz iommu=1 vtd=1\n module /boot/vmlinuz ro pciback.hide=(02:00.0)\n');
      const r = await vtdw([...SEED, '--until', 'destroy', '--era', era], dir);
      expect(r.out, era).toMatch(/XEN_DOMCTL_destroydomain\(dom=1\) = 0/);
    }
  }, 120_000);
});

describe('vtdw run --attack', () => {
  it('dma: prints each blocked attempt and the memory hashes before and after, exits 0', async () => {
    const r = await vtdw(['run', '--grub', 'grub.conf', '--hvm', 'hvm.conf', '--attack', 'dma']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^ {2}FAULT {5}receive DMA to 0x40000000 \(far beyond its RAM\): VT-d fault record: DMA Write, source 02:00\.0, addr 0x40000000, reason 5 \(PTE Write access is not set\)$/m);
    expect(r.out).toMatch(/^every attempt was blocked; no other memory changed$/m);
    expectGolden('xen/vtdw-run-attack-dma.txt', r.out);
  }, 60_000);

  it('--json carries the attack report', async () => {
    const r = await vtdw(['run', '--grub', 'grub.conf', '--hvm', 'hvm.conf', '--attack', 'bar', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.attack).toMatchObject({ kind: 'bar', attacker: 1, blocked: true });
    expect(doc.attack.before).toEqual(doc.attack.after);
  }, 60_000);
});

describe('vtdw run when something fails', () => {
  it('dom0 kept the NIC (the seed’s pciback.hid typo): xm’s error on stderr, exit 1', async () => {
    const dir = withGrub('default=0\ntitle Xen\n kernel /boot/xen.gz vtd=1 ioapic_ack=old\n module /boot/vmlinuz ro pciback.hid=(02:00.0)\n');
    const r = await vtdw([...SEED, '--until', 'destroy'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error: pci: PCI Backend does not own device 0000:02:00.0\nSee the pciback.hide kernel command-line parameter or\nbind your slot/device to the PCI backend using sysfs\nvtdw run: hvm.conf: create failed\n');
    expect(r.out).toMatch(/^\[ +[\d.]+\] xm! +Error: pci: PCI Backend does not own device/m);
  }, 60_000);

  it('a grub.conf whose default entry is not Xen: the boot fails, exit 1', async () => {
    const dir = withGrub('default=0\ntitle Linux\n  kernel /vmlinuz ro\n');
    const r = await vtdw([...SEED, '--until', 'destroy'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('the default entry "Linux" does not load a Xen hypervisor (kernel /…/xen.gz)\nvtdw run: grub.conf: boot failed\n');
  });

  it('--json carries the failure', async () => {
    const dir = withGrub('default=0\ntitle Linux\n  kernel /vmlinuz ro\n');
    const r = await vtdw([...SEED, '--until', 'destroy', '--json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ result: 'failed', failure: { stage: 'boot', file: 'grub.conf' } });
  });
});

describe('vtdw run called wrongly (exit 2)', () => {
  const cases: [string[], string][] = [
    [[...SEED], 'vtdw run: --until is required: one of first-packet, destroy\n'],
    [[...SEED, '--until', 'forever'], 'vtdw run: --until "forever": expected one of first-packet, destroy\n'],
    [['run', '--hvm', 'hvm.conf', '--until', 'destroy'], 'vtdw run: --grub FILE is required: the host boots from it\n'],
    [['run', '--grub', 'grub.conf', '--until', 'destroy'], 'vtdw run: --hvm FILE is required: the guest to xm create\n'],
    [[...SEED, '--attack', 'rowhammer'], 'vtdw run: --attack "rowhammer": expected one of dma, ioport, bar\n'],
    [[...SEED, '--until', 'destroy', '--seed=-1'], 'vtdw run: --seed "-1": expected a non-negative integer\n'],
  ];
  for (const [argv, err] of cases) {
    it(argv.slice(1).join(' '), async () => {
      expect(await vtdw(argv)).toEqual({ code: 2, out: '', err });
    });
  }

  it('an era the simulator does not model, or does not know, is refused saying so', async () => {
    const r = await vtdw([...SEED, '--until', 'destroy', '--era', '4.19']);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^vtdw run: --era 4\.19: era 4\.19 is not modelled: the simulator runs Xen 2007, 3\.2, 3\.3, 3\.4, 4\.0/);
    expect((await vtdw([...SEED, '--until', 'destroy', '--era', '3.0'])).code).toBe(2);
    expect((await vtdw([...SEED, '--until', 'destroy', '--era', 'sid'])).err).toMatch(/unknown era "sid"/);
  });

  it('an unknown host profile is a bad input (exit 1) naming the shipped ones', async () => {
    const r = await vtdw([...SEED, '--until', 'destroy', '--host', 'no-such-host']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^vtdw run: no-such-host: no such file, and no host profile of that name \(shipped: .*seed-core2-q35/);
  });
});

describe('the trace hash', () => {
  const proc = (args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [vtdwJs, ...args], { cwd: SAMPLES, timeout: 120_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });

  it('is the same in two processes given the same files and seed, and differs for another seed', async () => {
    const args = [...SEED, '--until', 'destroy', '--json'];
    const [a, b, c] = await Promise.all([proc(args), proc(args), proc([...args, '--seed', '7'])]);
    expect(JSON.parse(a).traceHash).toBe(JSON.parse(b).traceHash);
    expect(a).toBe(b);
    expect(JSON.parse(c).traceHash).not.toBe(JSON.parse(a).traceHash);
  }, 180_000);
});
