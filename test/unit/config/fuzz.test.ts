/**
 * Property/fuzz tests, ≥ 10,000 inputs per parser (hvm.conf evaluator, xl.cfg parser, GRUB
 * parser): random text, mutations of the real files, truncations, binary garbage and a 1 MB
 * line. Properties: nothing throws, every diagnostic has a valid range and every fix's edits
 * are valid ranges too; the checks, completion, hover and formatter survive the same inputs.
 * Inputs come from a seeded generator, so a failure names a reproducible case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGrub, evaluateHvm, lint, SEED_HOST, SourceText, type ConfigKind, type Diagnostic } from '../../../src-shared/config/index.ts';
import { completions, hover } from '../../../src-shared/config/assist.ts';
import { formatConfig } from '../../../src-shared/config/format.ts';
import { isValidRange } from '../../../src-shared/config/source.ts';
import { parseXl } from '../../../src-shared/config/xl-parser.ts';
import { XEN_FIXTURES } from '../../fixtures/paths.ts';

const N = 10_000;
const DATA = XEN_FIXTURES;
const REAL = readdirSync(DATA).filter((f) => !f.endsWith('.md')).map((f) => readFileSync(`${DATA}/${f}`, 'utf8'));

/** xorshift32: small, seeded, deterministic. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const ALPHABET = " \t\n\r#'\"\\()[]{}=,.:;+-*/%<>!&|^~`@_xyzabc0123456789ABCDEFabcdefuUrRLl\u00e9\u2014\0";
const FRAGMENTS = ['pci', ' = ', "'02:00.0'", '[', ']', '(', ')', 'if ', 'else:', 'elif ', '\n    ', '"""', "'''", 'import os', 're.search(', 'os.uname()', ' % ', ' and ', ' not ', 'lambda', 'def f():', 'title ', 'kernel /xen.gz ', 'module ', 'pciback.hide=(', 'menuentry "x" {', '}', '\\\n', '#', '0x', '1e', 'L', '**', '//', 'True', 'None', '{', ':'];

function generate(r: ReturnType<typeof rng>, i: number): string {
  switch (i % 5) {
    case 0: // random characters
      return Array.from({ length: r.int(200) }, () => r.pick([...ALPHABET])).join('');
    case 1: // random grammar fragments
      return Array.from({ length: r.int(40) }, () => r.pick(FRAGMENTS)).join('');
    case 2: {
      // a real file with a few characters inserted, deleted or replaced
      let t = r.pick(REAL);
      for (let k = 0, n = 1 + r.int(6); k < n; k++) {
        const at = r.int(t.length + 1);
        const op = r.int(3);
        const s = r.next() < 0.5 ? r.pick([...ALPHABET]) : r.pick(FRAGMENTS);
        t = op === 0 ? t.slice(0, at) + s + t.slice(at) : op === 1 ? t.slice(0, at) + t.slice(at + 1 + r.int(20)) : t.slice(0, at) + s + t.slice(at + s.length);
      }
      return t;
    }
    case 3: {
      const t = r.pick(REAL);
      return t.slice(0, r.int(t.length + 1));
    }
    default: // binary garbage
      return String.fromCharCode(...Array.from({ length: r.int(300) }, () => r.int(0x10000) & (r.next() < 0.8 ? 0xff : 0xffff)));
  }
}

/** `other`: the companion grub.conf text, which cross-file edits (`file` set) apply to. */
function validate(text: string, ds: Diagnostic[], other?: string): void {
  const src = new SourceText(text);
  const otherSrc = other === undefined ? undefined : new SourceText(other);
  for (const d of ds) {
    if (!isValidRange(src, d.range)) throw new Error(`invalid range ${JSON.stringify(d.range)} for ${d.code} in ${JSON.stringify(text.slice(0, 200))}`);
    for (const f of d.fixes) {
      for (const e of f.edits) {
        const where = e.file === undefined ? src : otherSrc;
        if (!where || !isValidRange(where, e.range)) throw new Error(`invalid fix range for ${d.code}`);
      }
    }
  }
}

const PARSERS: [string, ConfigKind, (t: string) => Diagnostic[]][] = [
  ['hvm.conf evaluator', 'hvm', (t) => evaluateHvm(t).sink.list],
  ['xl.cfg parser', 'xl', (t) => parseXl(t).sink.list],
  ['GRUB parser', 'grub', (t) => analyzeGrub(t).sink.list],
];

describe('fuzz', () => {
  it.each(PARSERS)('%s: 10,000 inputs, never throws, every diagnostic range valid', (_name, kind, parse) => {
    const r = rng(kind === 'hvm' ? 2007 : kind === 'xl' ? 42 : 1404);
    for (let i = 0; i < N; i++) {
      const text = generate(r, i);
      let ds: Diagnostic[];
      try {
        ds = parse(text);
      } catch (e) {
        throw new Error(`case ${i} threw ${(e as Error).stack}\ninput: ${JSON.stringify(text.slice(0, 300))}`, { cause: e });
      }
      validate(text, ds);
    }
  });

  it.each(PARSERS)('%s: checks, completion, hover and formatting survive 1,000 inputs', (_name, kind) => {
    const r = rng(99);
    for (let i = 0; i < 1000; i++) {
      const text = generate(r, i);
      const grubText = kind === 'grub' ? undefined : r.pick(REAL);
      validate(text, lint(text, kind, { host: SEED_HOST, era: r.pick(['2007', '3.3', '4.0'] as const), grubText }), grubText);
      const src = new SourceText(text);
      const line = 1 + r.int(src.lineCount);
      const col = 1 + r.int(src.lineText(line).length + 1);
      completions(text, kind, line, col, { host: SEED_HOST });
      hover(text, kind, line, col, { host: SEED_HOST });
      const edits = formatConfig(text, kind);
      for (const e of edits) expect(isValidRange(src, e.range)).toBe(true);
    }
  });

  it.each(PARSERS)('%s: long flat chains and deep nesting (5,000-50,000 terms) never overflow the stack', (_name, kind, parse) => {
    const terms = (n: number, t: string, op: string) => Array.from({ length: n }, () => t).join(op);
    const shapes = [
      'a = ' + terms(50_000, '1', '+'), 'a = ' + terms(50_000, '0', ' or '), 'a = ' + terms(20_000, '1', ' and '), 'a = [[1]]' + '[0]'.repeat(5000),
      "a = 'x'" + '.strip()'.repeat(50_000), 'a = os' + '.path'.repeat(5000), 'a = len' + '(1)'.repeat(5000), 'a = ' + terms(20_000, '1', ' < '),
      'a = ' + terms(20_000, '[1]', ' + '), "pci = ['02:00.0']" + ' + []'.repeat(20_000), 'a = ' + '-'.repeat(5000) + '1', 'a = ' + 'not '.repeat(5000) + '1',
      'a = ' + '('.repeat(5000) + ')'.repeat(5000), 'a = ' + '1 if 1 else '.repeat(5000) + '1', 'a = ' + '2**'.repeat(5000) + '1',
      Array.from({ length: 300 }, (_, i) => ' '.repeat(i) + 'if 1:').join('\n') + '\n' + ' '.repeat(300) + 'x = 1',
    ];
    for (const line of shapes) {
      validate(line + '\n', parse(line + '\n'));
      const grubText = kind === 'grub' ? undefined : REAL.find((t) => t.includes('module /'));
      validate(line + '\n', lint(line + '\n', kind, { host: SEED_HOST, grubText }), grubText);
    }
  });

  it.each(PARSERS)('%s: a 1 MB line', (_name, kind, parse) => {
    for (const line of ['x = ' + "'" + 'a'.repeat(1 << 20) + "'", 'kernel /xen.gz ' + 'vtd=1 '.repeat(180_000), '#'.repeat(1 << 20), '('.repeat(1 << 20), 'a,'.repeat(1 << 19)]) {
      const ds = parse(line);
      validate(line, ds);
    }
  });
});
