/**
 * The Xen host over the protocol: a session boots the seed host from grub.conf, creates the
 * seed guest from hvm.conf until its first packet, sees the event log, the hypercall log and
 * the device owners stream as they change, destroys the guest, and gets failures with their
 * stage, file and config line (apic = 1, a device dom0 still holds, a broken grub.conf).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EventData, SimToClient } from '../../../src-shared/protocol/index.ts';
import { openSession, type Response } from './session-harness.ts';

const sample = (name: string) => readFileSync(fileURLToPath(new URL(`../../../resources/samples/${name}`, import.meta.url)), 'utf8');
const GRUB = { name: 'grub.conf', text: sample('grub.conf') };
const HVM = { name: 'hvm.conf', text: sample('hvm.conf') };
const lineOf = (text: string, re: RegExp) => text.split('\n').findIndex((l) => re.test(l)) + 1;

function open() {
  const { call, sent } = openSession({ paused: true }, 2000);
  const settle = () => new Promise((r) => setTimeout(r, 20));
  const events = <E extends 'events' | 'hypercalls' | 'ownership'>(e: E) =>
    sent.filter((m): m is Extract<SimToClient, { type: 'event' }> => m.type === 'event' && m.event === e).map((m) => m.data as EventData<E>);
  return { call, settle, events, sent };
}

const result = (r: Response) => (r.ok ? (r.result as Record<string, unknown>) : expect.unreachable(r.error.message));

describe('the Xen host over the protocol', () => {
  it('boots from grub.conf, creates the guest to its first packet, streams the logs and owners, and destroys it', async () => {
    const { call, settle, events } = open();
    expect(result(await call('xen.boot', { grub: GRUB, era: '2007' }))).toMatchObject({ ok: true, title: expect.any(String) });
    await settle();
    const nicOwner = () => events('ownership').at(-1)?.devices.find((d) => d.bdf === '0000:02:00.0')?.owner;
    expect(nicOwner()).toBe('dom0 pciback (hidden)');

    const created = result(await call('xm.create', { hvm: HVM }));
    expect(created).toMatchObject({ ok: true, firstPacket: true, exitCode: 0, domain: { domid: 1, name: 'fc5-vtd', pci: [expect.stringContaining('02:00.0')] } });
    await settle();
    expect(nicOwner()).toBe('guest dom1 (fc5-vtd)');
    const ops = events('hypercalls').flatMap((e) => e.records.map((r) => r.op));
    for (const op of ['XEN_DOMCTL_assign_device', 'XEN_DOMCTL_ioport_mapping', 'XEN_DOMCTL_bind_pt_irq', 'XEN_DOMCTL_memory_mapping']) expect(ops).toContain(op);
    // Streamed in order, without gaps: each batch starts where the last one ended.
    const batches = events('events');
    batches.reduce((next, b) => (expect(b.first).toBe(next), next + b.lines.length), 0);
    const lines = batches.flatMap((b) => b.lines);
    expect(lines.map((l) => l.source)).toEqual(expect.arrayContaining(['xen', 'dom0', 'xend', 'xm', 'hypercall']));
    expect(lines.some((l) => l.text === 'Started domain fc5-vtd')).toBe(true);
    const log = result(await call('xen.events', { from: 0 }));
    expect(log.total).toBe(lines.length);
    const calls = result(await call('xen.hypercalls', {}));
    expect(calls.total).toBe(ops.length);

    expect(result(await call('xm.list', {}))).toMatchObject({ booted: true, domains: [{ name: 'fc5-vtd', state: 'running' }] });
    expect(result(await call('xm.pciList', { domain: 'fc5-vtd' }))).toMatchObject({ functions: [{ bdf: '02:00.0' }] });
    expect(result(await call('xm.destroy', { domain: 'fc5-vtd' }))).toMatchObject({ ok: true, exitCode: 0 });
    await settle();
    expect(nicOwner()).toBe('dom0 pciback (hidden)');
    expect(result(await call('xm.list', {}))).toMatchObject({ domains: [] });
    expect(result(await call('host.devices', {})).devices).toContainEqual(expect.objectContaining({ bdf: '0000:02:00.0', owner: 'dom0 pciback (hidden)' }));
  });

  it('says apic = 1 leaves the guest without interrupts, pointing at the apic line of hvm.conf', async () => {
    const { call } = open();
    await call('xen.boot', { grub: GRUB, era: '2007' });
    const text = HVM.text.replace(/^apic = 0$/m, 'apic = 1');
    const r = result(await call('xm.create', { hvm: { name: 'hvm.conf', text } }));
    expect(r).toMatchObject({ ok: false, firstPacket: false, failure: { stage: 'first-packet', file: 'hvm.conf', line: lineOf(text, /^apic = 1/) } });
    expect((r.failure as { message: string }).message).toMatch(/no frame reached the guest's e1000 driver/);
  });

  it('refuses a device dom0 still holds at create, pointing at the pci line', async () => {
    const { call } = open();
    await call('xen.boot', { grub: { name: 'grub.conf', text: GRUB.text.replace('pciback.hide', 'pciback.hid') }, era: '2007' });
    const r = result(await call('xm.create', { hvm: HVM }));
    expect(r).toMatchObject({ ok: false, failure: { file: 'hvm.conf', line: lineOf(HVM.text, /^pci = /) } });
  });

  it('says where hvm.conf cannot be read: the config language’s line and column', async () => {
    const { call } = open();
    await call('xen.boot', { grub: GRUB, era: '2007' });
    const text = `${HVM.text}\nmemory = (512\n`;
    const r = result(await call('xm.create', { hvm: { name: 'broken.conf', text } }));
    expect(r).toMatchObject({ ok: false, exitCode: 1, failure: { stage: 'create', file: 'broken.conf', line: expect.any(Number), column: expect.any(Number) } });
    expect((r.failure as { line: number }).line).toBeGreaterThanOrEqual(lineOf(text, /^memory = \(512/));
  });

  it('fails a boot without a dom0 module at the grub.conf kernel line; boots again on a fresh machine', async () => {
    const { call } = open();
    const text = 'default=0\ntitle Xen\n    root (hd0,0)\n    kernel /boot/xen.gz vtd=1\n';
    const r = result(await call('xen.boot', { grub: { name: 'menu.lst', text }, era: '2007' }));
    expect(r).toMatchObject({ ok: false, failure: { stage: 'boot', file: 'menu.lst', line: 4, message: expect.stringContaining('no module line') } });
    expect(result(await call('xen.boot', { grub: GRUB, era: '2007' }))).toMatchObject({ ok: true });
    expect(result(await call('xen.boot', { grub: GRUB, era: '2007' }))).toMatchObject({ ok: true });
    expect(result(await call('xm.create', { hvm: HVM }))).toMatchObject({ ok: true, domain: { domid: 1 } });
  });

  it('refuses xm before a boot, an unknown era, and an unknown domain, naming what is wrong', async () => {
    const { call } = open();
    expect(await call('xm.create', { hvm: HVM })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('boot it from a grub.conf first') } });
    expect(result(await call('xen.boot', { grub: GRUB, era: '3.1' }))).toMatchObject({ ok: false, failure: { stage: 'era' } });
    await call('xen.boot', { grub: GRUB, era: '2007' });
    expect(await call('xm.pciList', { domain: 'nope' })).toMatchObject({ ok: false, error: { path: 'params.domain' } });
    expect(result(await call('xm.destroy', { domain: 'nope' }))).toMatchObject({ ok: false, failure: { stage: 'destroy', message: "Error: Domain 'nope' does not exist." } });
    expect(await call('xm.create', { hvm: { name: 'hvm.conf' } })).toMatchObject({ ok: false, error: { code: 'bad-params', path: 'params.hvm.text' } });
  });
});
