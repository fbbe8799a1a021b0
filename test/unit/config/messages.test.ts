/**
 * Messages start consistently (12.7): with a capital letter, or with what they are about as the
 * file writes it — an option, a quoted word, a BDF — or with the tool whose message they quote.
 * Checked over every real fixture and golden input, in every era.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERAS, lint, SEED_HOST, type ConfigKind } from '../../../src-shared/config/index.ts';
import { XL_BY_NAME, XM_BY_NAME } from '../../../src-shared/config/hvm-options.ts';
import { DOM0_BY_NAME, XEN_BY_NAME } from '../../../src-shared/config/xen-cmdline.ts';
import { FIXTURES } from '../../fixtures/paths.ts';

const TOOLS = new Set(['xm', 'xl', 'xend', 'pciback', 'Linux']);
const FILES: [string, ConfigKind][] = ['xen', 'xm-configs', 'grub'].flatMap((d) =>
  readdirSync(join(FIXTURES, d))
    .filter((f) => !f.endsWith('.md'))
    .map((f): [string, ConfigKind] => [join(FIXTURES, d, f), f.startsWith('xl') ? 'xl' : /^(grub|menu)/.test(f) ? 'grub' : 'hvm']),
);

function startsWell(message: string): boolean {
  const first = message.split(/[\s:=]/)[0];
  if (/^[A-Z]/.test(first) || /^['"`(]/.test(first) || /^[0-9a-f]{2,4}:/.test(message)) return true;
  return TOOLS.has(first) || [XM_BY_NAME, XL_BY_NAME, XEN_BY_NAME, DOM0_BY_NAME].some((m) => m.has(first));
}

describe('messages', () => {
  it.each(FILES)('of %s start with a capital or with what they are about', (file, kind) => {
    const text = readFileSync(file, 'utf8');
    for (const era of ERAS) {
      for (const d of lint(text, kind, { era, host: SEED_HOST })) expect(startsWell(d.message), `${era}: ${d.message}`).toBe(true);
    }
  });

  it('marks the value it is about: apic = 1 spans the 1', () => {
    const text = "kernel = '/usr/lib/xen/boot/hvmloader'\nbuilder = 'hvm'\ndevice_model = 'qemu-dm'\nacpi = 0\napic = 1\npci = [ '02:00.0' ]\n";
    const d = lint(text, 'hvm', { era: '2007' }).find((x) => x.code === 'seed-pic-mode')!;
    expect(d.range).toEqual({ startLine: 5, startColumn: 8, endLine: 5, endColumn: 9 });
  });
});
