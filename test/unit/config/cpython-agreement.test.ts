/**
 * The editor binds names exactly as CPython does: every real example config and every program
 * of the subset corpus is run through python3 (exec in a namespace with os/re, os.uname pinned)
 * and through the editor's evaluator, and the bindings (values, types as JSON, order) and the
 * outcome (finished, or the exception that stopped it) must agree.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindingsJson, evaluateHvm } from '../../../src-shared/config/index.ts';
import { DEFAULT_UNAME } from '../../../src-shared/config/python-eval.ts';
import { SUBSET_CORPUS } from './fixtures/subset-corpus.ts';

const DATA = '/work/shared/data/xen';
const HARNESS = join(import.meta.dirname, 'fixtures', 'xm_bindings.py');
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const havePython = !python.error && python.status === 0;
if (!havePython) console.warn('cpython-agreement: python3 not found — agreement with CPython is not checked on this machine');
/** xm itself ran on Python 2: compared too when a python2 is at hand (VTDW_PYTHON2 names it). */
const PY2 = process.env.VTDW_PYTHON2 ?? 'python2';
const python2 = spawnSync(PY2, ['-c', 'import sys; sys.exit(sys.version_info[0] != 2)'], { encoding: 'utf8' });
const havePython2 = !python2.error && python2.status === 0;
if (!havePython2) console.warn(`cpython-agreement: no working ${PY2} — agreement with Python 2 is not checked (set VTDW_PYTHON2)`);

function cases(): [string, string][] {
  const real = readdirSync(DATA)
    .filter((f) => f.startsWith('xmexample') || f.startsWith('xlexample'))
    .map((f) => [f, readFileSync(join(DATA, f), 'utf8')] as [string, string]);
  return [...real, ...Object.entries(SUBSET_CORPUS).map(([k, v]) => [`corpus:${k}`, v] as [string, string])];
}

function ours(text: string) {
  const ev = evaluateHvm(text, { uname: DEFAULT_UNAME });
  const stop = ev.sink.list.find((d) => d.code === 'py-runtime');
  const bindings = bindingsJson(ev);
  return { status: stop ? stop.message.split(':')[0] : ev.completed ? 'ok' : 'SyntaxError', bindings, order: Object.keys(bindings) };
}

describe.skipIf(!havePython)('agreement with CPython', () => {
  const dir = havePython ? mkdtempSync(join(tmpdir(), 'vtdw-cpython-')) : '';
  const all = cases();
  it.each(all)('%s binds the same names to the same values as python3', (name, text) => {
    const file = join(dir, name.replace(/[^\w.-]/g, '_'));
    writeFileSync(file, text);
    const r = spawnSync('python3', [HARNESS, file, JSON.stringify(DEFAULT_UNAME)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout);
    const me = ours(text);
    expect(me.status).toBe(py.status);
    expect(me.bindings).toEqual(py.bindings);
    expect(me.order).toEqual(py.order);
  });
  it.runIf(havePython2).each(all)('%s binds the same values under Python 2 (xm\'s interpreter)', (name, text) => {
    const file = join(dir, 'py2-' + name.replace(/[^\w.-]/g, '_'));
    writeFileSync(file, text);
    const r = spawnSync(PY2, [HARNESS, file, JSON.stringify(DEFAULT_UNAME)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout);
    const me = ours(text);
    expect(me.status).toBe(py.status);
    expect(me.bindings).toEqual(py.bindings); // Python 2 dicts have no insertion order: values only
  });
  it('covers every real example and the whole corpus', () => {
    expect(all.length).toBe(readdirSync(DATA).filter((f) => /^x[ml]example/.test(f)).length + Object.keys(SUBSET_CORPUS).length);
  });
});
