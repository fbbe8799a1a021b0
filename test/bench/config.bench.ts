/**
 * config.check2000LinesMs: parse, evaluate and check a 2,000-line hvm.conf (the real 3.4 example
 * repeated, with a pci= list, checked with its grub.conf against the seed host) — the work the
 * editor redoes after each pause in typing. Goal ≤ 20 ms (median).
 * config.checkGrub2GeneratedMs: check a 2,000-line grub.cfg of grub-mkconfig's shape (the real
 * openSUSE file's header and Xen entry, its `if`/`${xen_rm_opts}` expansion, repeated). Goal ≤ 20 ms.
 * config.xmexample3WithVarsMs: evaluate and check Xen's xmexample3 with vmid given (xm_vars, a def
 * called by xm_vars.check()), the work behind each keystroke in such a file. Goal ≤ 2 ms.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { lint, SEED_HOST } from '../../src-shared/config/index.ts';
import type { Figures } from './measure.ts';
import { GRUB_FIXTURES, XEN_FIXTURES, XM_CONFIG_FIXTURES } from '../fixtures/paths.ts';

const DATA = XEN_FIXTURES;

export function config2000Lines(): string {
  const base = readFileSync(`${DATA}/xmexample.hvm.xen-3.4.0-rc3`, 'utf8') + "pci = [ '02:00.0', '0000:02:00.0' ]\nacpi = 0\napic = 0\n";
  let text = '';
  while (text.split('\n').length < 2001) text += base;
  return text.split('\n').slice(0, 2000).join('\n') + '\n';
}

/** Median milliseconds of `run` over 41 runs after 10 warm-ups. */
function medianMs(run: () => unknown): number {
  for (let i = 0; i < 10; i++) run();
  const xs: number[] = [];
  for (let i = 0; i < 41; i++) {
    const t0 = performance.now();
    run();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

function check2000LinesMs(): number {
  const text = config2000Lines();
  const grubText = readFileSync(`${DATA}/grub.conf.vtd-howto.xen-unstable-2007-10-25`, 'utf8');
  return medianMs(() => lint(text, 'hvm', { host: SEED_HOST, era: '2007', grubText }));
}

function checkGrub2GeneratedMs(): number {
  const one = readFileSync(`${GRUB_FIXTURES}/grub.cfg.opensuse-xen-cho1`, 'utf8');
  let text = '';
  while (text.split('\n').length < 2001) text += one;
  return medianMs(() => lint(text, 'grub', { host: SEED_HOST, era: '4.19' }));
}

function xmexample3WithVarsMs(): number {
  const text = readFileSync(`${XM_CONFIG_FIXTURES}/xmexample3.xen-4.0.0`, 'utf8');
  return medianMs(() => lint(text, 'hvm', { host: SEED_HOST, era: '4.0', vars: { vmid: '1' } }));
}

export const figures: Figures = {
  'config.check2000LinesMs': check2000LinesMs,
  'config.checkGrub2GeneratedMs': checkGrub2GeneratedMs,
  'config.xmexample3WithVarsMs': xmexample3WithVarsMs,
};
