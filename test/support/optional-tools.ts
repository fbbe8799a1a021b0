/**
 * Programs some tests compare against but the suite does not need: CPython 3 and Python 2.7
 * (xm's own interpreter). A test that needs one runs only where it is found; the global setup
 * (optional-tools-report.ts) says at the top of every run which were found and what is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Tool {
  cmd: string;
  env: NodeJS.ProcessEnv;
  version: string;
}

export interface OptionalTool {
  name: string;
  /** What is not checked without it. */
  skips: string;
  /** How to get it on Debian. */
  install: string;
  find(): Tool | undefined;
}

function probe(cmd: string, env: NodeJS.ProcessEnv, major: number): Tool | undefined {
  const r = spawnSync(cmd, ['-c', `import sys; sys.stdout.write(sys.version.split()[0]); sys.exit(sys.version_info[0] != ${major})`], { encoding: 'utf8', env, timeout: 10_000 });
  return !r.error && r.status === 0 ? { cmd, env, version: r.stdout.trim() } : undefined;
}

export const PYTHON3: OptionalTool = {
  name: 'python3',
  skips: 'the config evaluator is not compared with CPython 3',
  install: 'apt-get install -y python3',
  find: () => probe('python3', process.env, 3),
};

/**
 * Python 2.7: VTDW_PYTHON2, else `python2` on PATH, else pyenv's 2.7 (its shim refuses python2
 * unless PYENV_VERSION selects it).
 */
export const PYTHON2: OptionalTool = {
  name: 'Python 2.7',
  skips: 'the config evaluator is not compared with xm\'s interpreter',
  install: 'pyenv install 2.7.18, or set VTDW_PYTHON2 to a python2.7 binary',
  find() {
    const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
    const versions = join(pyenvRoot, 'versions');
    const installed = existsSync(versions) ? readdirSync(versions).filter((v) => /^2\.7/.test(v)).sort().reverse() : [];
    const candidates = [
      ...(process.env.VTDW_PYTHON2 ? [{ cmd: process.env.VTDW_PYTHON2, env: process.env }] : []),
      { cmd: 'python2', env: process.env },
      ...installed.map((v) => ({ cmd: 'python2', env: { ...process.env, PYENV_VERSION: v } })),
      ...installed.map((v) => ({ cmd: join(versions, v, 'bin', 'python'), env: process.env })),
    ];
    for (const c of candidates) {
      const found = probe(c.cmd, c.env, 2);
      if (found) return found;
    }
    return undefined;
  },
};

export const OPTIONAL_TOOLS = [PYTHON3, PYTHON2];
