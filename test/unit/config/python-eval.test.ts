/** hvm.conf evaluation: the subset evaluates as xm's Python 2 would; everything else is a diagnostic. */
import { describe, expect, it } from 'vitest';
import { bindingsJson, evaluateHvm } from '../../../src-shared/config/index.ts';

const run = (text: string) => {
  const ev = evaluateHvm(text);
  return { ev, b: bindingsJson(ev), d: ev.sink.list.map((x) => `${x.range.startLine}:${x.range.startColumn} ${x.severity} ${x.code}`) };
};

describe('hvm.conf evaluation', () => {
  it('uses Python 2 integer division, octal literals and long suffixes, as xm did', () => {
    expect(run('a = 7 / 2\nb = 010\nc = 10L\nd = 7.0 / 2\n').b).toEqual({ a: 3, b: 8, c: 10, d: 3.5 });
  });

  it('joins lines inside brackets and after a backslash', () => {
    expect(run("vif = [ 'a',\n        'b' ]\nname = 'x' + \\\n  'y'\n").b).toEqual({ vif: ['a', 'b'], name: 'xy' });
  });

  it('picks the if/elif/else branch from os.uname() of the seed host (x86_64)', () => {
    expect(run("import os\nif os.uname()[4] == 'i686': l = 'lib'\nelif os.uname()[4] == 'x86_64': l = 'lib64'\nelse: l = '?'\n").b.l).toBe('lib64');
  });

  it('sees os and sys without an import, as xm pre-imports them', () => {
    expect(run('m = os.uname()[0]\n').b).toEqual({ m: 'Linux' });
  });

  it('reports a NameError where xm would stop, and binds nothing after it', () => {
    const { b, d } = run('a = 1\nb = nope + 1\nc = 3\n');
    expect(b).toEqual({ a: 1 });
    expect(d).toEqual(['2:5 error py-runtime']);
  });

  it('runs a simple def, and marks a for loop as run by xm but not evaluated, without crashing or guessing', () => {
    const { b, d } = run('def f(x):\n    return x\nfor i in [1, 2]:\n    pass\nn = 1\nm = f(2)\n');
    expect(d).toEqual(['3:1 warning py-unsupported']);
    expect(b).toEqual({ n: 1, m: 2 });
  });

  it('says exactly where a syntax error is and that xm would refuse the file', () => {
    const { ev, d } = run("memory = 512\npci = [ '02:00.0' \nname = 'x'\n");
    expect(ev.completed).toBe(false);
    expect(d[0]).toMatch(/^3:1 error py-syntax|^3:\d+ error py-syntax/);
  });

  it('flags an unterminated string and offers to close it', () => {
    const ev = evaluateHvm("name = 'abc\nmemory = 1\n");
    const s = ev.sink.list.find((x) => x.code === 'py-syntax')!;
    expect(s.range).toMatchObject({ startLine: 1, startColumn: 8 });
    expect(s.fixes[0].edits[0].text).toBe("'");
  });

  it('refuses non-ASCII without a coding line, as Python 2 does, and offers the declaration', () => {
    const ev = evaluateHvm('# caf\u00e9\nname = "x"\n');
    expect(ev.sink.list[0]).toMatchObject({ code: 'py-encoding', range: { startLine: 1, startColumn: 6 } });
    expect(evaluateHvm('# -*- coding: utf-8 -*-\n# caf\u00e9\n').sink.list).toEqual([]);
  });

  it('keeps unknown values unknown instead of inventing them', () => {
    const { b, d } = run("import socket\nh = socket.gethostname()\nname = 'vm-' + h\nmemory = 64\n");
    expect(b).toEqual({ memory: 64 });
    expect(d.some((x) => x.includes('py-unsupported'))).toBe(true);
  });

  it('refuses to build absurdly large values instead of hanging', () => {
    const { ev } = run("s = 'a' * 10 ** 12\nx = 2 ** 10 ** 8\nok = 1\n");
    expect(bindingsJson(ev)).toEqual({ ok: 1 });
  });

  it('survives pathological nesting with a syntax error, not a stack overflow', () => {
    const deep = 'x = ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    expect(() => evaluateHvm(deep)).not.toThrow();
    expect(evaluateHvm(deep).sink.list[0].code).toBe('py-syntax');
  });
});
