/**
 * Review of issue 6: what xm's Python 2 does that the editor got wrong — long flat expressions,
 * builtins outside the old subset, names set by statements the editor does not run, files that
 * do not compile, nesting limits, and Python 2's printing of numbers and byte strings.
 */
import { describe, expect, it } from 'vitest';
import { bindingsJson, evaluateHvm, lint, SEED_HOST } from '../../../src-shared/config/index.ts';

const run = (text: string) => {
  const ev = evaluateHvm(text);
  return { ev, b: bindingsJson(ev), d: ev.sink.list.map((x) => `${x.range.startLine}:${x.range.startColumn} ${x.severity} ${x.code}`) };
};
const chain = (n: number, term: string, op: string) => Array.from({ length: n }, () => term).join(op);

describe('long flat expressions evaluate like Python 2, without exhausting the stack', () => {
  it('a 50,000-term + chain', () => {
    expect(run(`a = ${chain(50_000, '1', '+')}\nb = 2\n`).b).toEqual({ a: 50_000, b: 2 });
  });

  it('50,000-term or / and chains', () => {
    expect(run(`a = ${chain(50_000, '0', ' or ')} or 'x'\nb = ${chain(50_000, '1', ' and ')}\n`).b).toEqual({ a: 'x', b: 1 });
  });

  it('50,000 method calls, attribute and index trailers in a row', () => {
    const { b } = run(`a = ' x '${'.strip()'.repeat(50_000)}\nl = [${'['.repeat(3)}7${']'.repeat(3)}]\nc = l${'[0]'.repeat(4)}\nd = os${'.sep'.repeat(1)}\n`);
    expect(b).toEqual({ a: 'x', l: [[[[7]]]], c: 7, d: '/' });
    expect(run(`a = [1]${'[0:1]'.repeat(20_000)}\n`).b).toEqual({ a: [1] });
  });

  it('checks a file with a 5,000-term list concatenation, keeping the element positions', () => {
    // Each term "['02:00.0']" and its " + " take 14 columns; term k's string starts at column 8 + 14k.
    const text = `builder = 'hvm'\npci = ${chain(4_999, "['02:00.0']", ' + ')} + ['0g:00.0']\n`;
    const d = lint(text, 'hvm', { host: SEED_HOST });
    const dups = d.filter((x) => x.code === 'pci-duplicate');
    expect(dups).toHaveLength(4_998);
    dups.forEach((x, i) => expect([x.range.startLine, x.range.startColumn, x.range.endColumn]).toEqual([2, 8 + 14 * (i + 1), 8 + 14 * (i + 1) + 9]));
    const bad = d.find((x) => x.code === 'pci-syntax');
    expect([bad?.range.startLine, bad?.range.startColumn]).toEqual([2, 8 + 14 * 4_999]);
  });

  it("refuses nesting beyond Python 2's parser stack with a diagnostic (98 brackets pass, 99 do not)", () => {
    const nest = (n: number) => `x = ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(run(nest(98)).d).toEqual([]);
    expect(run(nest(99)).d).toEqual(['1:104 error py-syntax']);
    expect(run(`x = ${'-'.repeat(1479)}1\n`).b).toEqual({ x: -1 });
    expect(run(`x = ${'-'.repeat(1600)}1\n`).d[0]).toMatch(/error py-syntax/);
  });

  it('refuses a 100th level of indentation, as CPython 2 does (IndentationError)', () => {
    const ifs = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}if 1:\n`).join('') + `${' '.repeat(n)}x = 1\n`;
    expect(run(ifs(99)).b).toEqual({ x: 1 });
    const deep = run(ifs(100));
    expect(deep.d).toEqual(['101:1 error py-syntax']);
    expect(deep.b).toEqual({});
  });
});

describe('Python 2 builtins', () => {
  it('evaluates the pure ones with Python 2 semantics', () => {
    const { b, d } = run(
      "a = hex(255)\nb = oct(8)\nc = hex(10L)\nd = divmod(-7, 2)\ne = round(2.5)\nf = round(2.675, 2)\ng = ord('A')\nh = chr(97)\n" +
        "i = sorted([3, 1, 2], reverse=True)\nj = list(reversed([1, 2]))\nk = zip([1, 2], 'ab')\nl = list(enumerate('ab', 1))\n" +
        "m = map(str, [1, 2])\nn = filter(None, [0, 1, '', 'x'])\no = sum([1, 2.5])\np = any([0, 1])\nq = all([])\n" +
        "r = dict([('a', 1)], b=2)\ns = isinstance(1, (str, int))\nt = type('x') == str\nu = cmp(1, 2)\nv = pow(2, 10, 1000)\nw = filter(None, 'a b')\n",
    );
    expect(d).toEqual([]);
    expect(b).toEqual({
      a: '0xff', b: '010', c: '0xaL', d: [-4, 1], e: 3, f: 2.67, g: 65, h: 'a', i: [3, 2, 1], j: [2, 1], k: [[1, 'a'], [2, 'b']], l: [[1, 'a'], [2, 'b']],
      m: ['1', '2'], n: [1, 'x'], o: 3.5, p: true, q: true, r: { a: 1, b: 2 }, s: true, t: true, u: -1, v: 24, w: 'a b',
    });
  });

  it("says 'cannot evaluate' for the others, never a NameError that stops xm", () => {
    const { b, d } = run("a = open('/etc/hostname').read()\nb = 1\nc = set([1])\ne = hash('x')\n");
    expect(b).toEqual({ b: 1 });
    expect(d).toEqual(['1:5 warning py-unsupported', '3:5 warning py-unsupported', '4:5 warning py-unsupported']);
  });

  it('keeps the NameError for names Python 2 does not have', () => {
    expect(run('a = print_function\nb = 1\n').d).toEqual(['1:5 error py-runtime']);
    expect(run('a = nonlocal_thing\n').b).toEqual({});
  });
});

describe('names set by statements the editor does not run are unknown afterwards, not stale', () => {
  it('a for loop filling pci, a while loop, try and with bodies, a def', () => {
    const { b } = run(
      "pci = []\nfor d in ['02:00.0']:\n    pci.append(d)\nx = 1\nwhile x < 5:\n    x = x * 2\ny = x\n" +
        "t = 1\ntry:\n    t = 2\nexcept ValueError, e:\n    pass\nw = 1\nwith open('/dev/null') as g:\n    w = 2\n" +
        "cfg = {'k': 1}\ndef f():\n    global n\n    n = 3\n    cfg.update(a=1)\n    local = 1\nlocal = 4\nkept = 5\n",
    );
    // The def is never called, so cfg keeps its value, as in CPython.
    expect(b).toEqual({ cfg: { k: 1 }, local: 4, kept: 5 });
  });

  it('del removes a name or an item, as Python does', () => {
    expect(run("a = 1\nb = [1, 2, 3]\nd = {'k': 1, 'j': 2}\ndel a, b[0], d['k']\n").b).toEqual({ b: [2, 3], d: { j: 2 } });
    expect(run('del nope\n').d).toEqual(['1:5 error py-runtime']);
  });

  it('list and dict methods change their object; one the editor cannot run leaves every holder unknown', () => {
    expect(run("l = [3, 1, 2]\nl.sort()\nl.reverse()\nl.insert(0, 9)\nl.remove(1)\np = l.pop()\nd = {}\nd.update({'a': 1})\nd.setdefault('b', 2)\n").b)
      .toEqual({ l: [9, 3], p: 2, d: { a: 1, b: 2 } });
    expect(run('l = [3, 1]\nm = {"x": l}\nl.sort(key=len)\nok = 1\n').b).toEqual({ ok: 1 });
  });

  it('a pci list the editor could not evaluate is said to be unchecked', () => {
    const ds = lint("builder = 'hvm'\npci = []\nfor d in devs():\n    pci.append(d)\n", 'hvm', { host: SEED_HOST });
    expect(ds.find((x) => x.code === 'not-evaluated')).toMatchObject({ severity: 'info', message: expect.stringMatching(/^pci could not be evaluated.*its devices are not checked/) });
  });
});

describe('a file that does not compile', () => {
  it('binds nothing and raises nothing: Python compiles the whole file before running any of it', () => {
    const { ev, b, d } = run("a = nope\nb = 1\nc = (\n");
    expect(d).toEqual(['4:1 error py-syntax']);
    expect(b).toEqual({});
    expect(ev.completed).toBe(false);
  });

  it('still shows the problems of the lines the parser recovered, and says how far it read', () => {
    const ds = lint("memroy = 1\nname = 'x' y\nvcpus = 'two'\n", 'hvm');
    expect(ds.map((x) => x.code)).toEqual(['unknown-option', 'py-syntax', 'option-type']);
    expect(ds[1].message).toMatch(/other lines are still checked as if this one were fixed/);
    // Inside an unclosed bracket every later line joins the broken statement: nothing after it is read.
    const cut = lint("memroy = 1\npci = [ '02:00.0'\nname = 'x'\nvcpus = 'two'\n", 'hvm');
    expect(cut.map((x) => x.code)).toEqual(['unknown-option', 'py-syntax']);
    expect(cut[1].message).toMatch(/cannot read past it: only the lines before it are checked/);
  });
});

describe('Python 2 printing and identity', () => {
  it('bool & | ^ bool stays a bool; str(float) uses 12 digits; repr of a long ends in L', () => {
    const { b } = run("a = True & False\nb = True | 0\nc = str(123456789012.5)\nd = str(0.1 + 0.2)\ne = repr(10L)\nf = repr([2 ** 63, 1])\ng = str(2 ** 63)\nh = '%r' % (-5L,)\ni = str(1e16)\n");
    expect(b).toEqual({ a: false, b: 1, c: '1.23456789012e+11', d: '0.3', e: '10L', f: '[9223372036854775808L, 1]', g: '9223372036854775808', h: '-5L', i: '1e+16' });
  });

  it('is: small ints are cached and equal literals are one constant; computed large ints are new objects', () => {
    expect(run('a = 257\nb = 257\nc = a is b\nd = a + 0\ne = d is a\ng = 1.5 is 1.5\nh = 300 is 300.0\ni = 0x101 is 257\nj = (d - 57) is 200\n').b)
      .toEqual({ a: 257, b: 257, c: true, d: 257, e: false, g: true, h: false, i: true, j: true });
  });

  it('a byte string in a UTF-8 file is bytes: len counts them, JSON shows the text', () => {
    const { b } = run("# -*- coding: utf-8 -*-\na = 'caf\u00e9'\nn = len(a)\nu = len(u'caf\u00e9')\nr = repr(a)\n");
    expect(b).toEqual({ a: 'caf\u00e9', n: 5, u: 4, r: "'caf\\xc3\\xa9'" });
  });
});
