/**
 * The headless run behind `vtdw run`: result, failure stage and file, hypercall and event logs,
 * and a trace hash that only the inputs decide.
 */
import { describe, expect, it } from 'vitest';
import { Pc } from '../../src-sim/hw/pc/pc.ts';
import { runVtd, type RunOptions } from '../../src-sim/toolstack/run.ts';
import { hostProfile } from './support/xen-host.ts';
import { grubWith, hvmWith, SEED_GRUB, SEED_HVM } from './support/seed-host.ts';

function run(opts: Partial<RunOptions>, profile = 'seed-core2-q35') {
  const pc = new Pc(hostProfile(profile), { seed: 2007 });
  return runVtd({ sim: pc.sim, pc }, { era: '2007', grub: { name: 'grub.conf', text: SEED_GRUB }, hvm: [{ name: 'hvm.conf', text: SEED_HVM }], until: 'destroy', ...opts });
}

describe('a headless run', () => {
  it('succeeds for the seed files, with the assignment hypercalls in its log', () => {
    const r = run({});
    expect(r.result).toBe('ok');
    expect(r.hypercalls.map((h) => h.op)).toContain('XEN_DOMCTL_assign_device');
    expect(r.events.at(-1)).toMatch(/XEN_DOMCTL_destroydomain\(dom=1\) = 0$/);
  });

  it('fails at create with xm’s error and the file when dom0 kept the NIC', () => {
    const r = run({ grub: { name: 'grub.conf', text: grubWith('vtd=1 ioapic_ack=old', 'ro pciback.hid=(02:00.0)') } });
    expect(r.failure).toEqual({ stage: 'create', file: 'hvm.conf', message: expect.stringContaining('Error: pci: PCI Backend does not own device 0000:02:00.0') });
  });

  it('fails at assign when 2007 Xen accepted an assignment it could not do (VT-d off)', () => {
    const r = run({ grub: { name: 'grub.conf', text: grubWith('ioapic_ack=old') } });
    expect(r.failure?.stage).toBe('assign');
    expect(r.failure?.message).toContain('Error: Binding of interrupt failed! rc=-1');
  });

  it('refuses an era it does not model, and one it does not know', () => {
    expect(run({ era: '4.19' }).failure?.message).toMatch(/^era 4\.19 is not modelled/);
    expect(run({ era: '5.0' }).failure?.message).toMatch(/^unknown era "5\.0"/);
  });

  it('fails at boot when the default entry does not load Xen', () => {
    const r = run({ grub: { name: 'grub.conf', text: 'default=0\ntitle Linux\n  kernel /vmlinuz ro\n' } });
    expect(r.failure).toMatchObject({ stage: 'boot', file: 'grub.conf' });
  });

  it('two guests asking for one NIC: 3.2 refuses the second', () => {
    const r = run({ era: '3.2', grub: { name: 'grub.conf', text: grubWith('vtd=1') }, hvm: [{ name: 'a.conf', text: hvmWith({ name: '"a"' }) }, { name: 'b.conf', text: hvmWith({ name: '"b"' }) }] });
    expect(r.failure).toMatchObject({ stage: 'create', file: 'b.conf' });
  });

  it('gives the same trace hash for the same inputs, another for other inputs', () => {
    expect(run({}).traceHash).toBe(run({}).traceHash);
    expect(run({ until: 'create' }).traceHash).not.toBe(run({}).traceHash);
  });
});

describe('a run until the first packet', () => {
  it('succeeds for the seed files', () => {
    const r = run({ until: 'first-packet' });
    expect(r.failure).toBeUndefined();
    expect(r.events.some((l) => l.includes('sim        dom1 eth0: first frame received'))).toBe(true);
  });

  it('stops before the first packet when 2007 Xen silently did not assign the NIC (VT-d off)', () => {
    const r = run({ until: 'first-packet', grub: { name: 'grub.conf', text: grubWith('ioapic_ack=old dom0_mem=1024M') } });
    expect(r.failure?.stage).toBe('assign');
  });
});
