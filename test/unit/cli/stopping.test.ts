/**
 * However vtdw is stopped, all of it stops: the host, its simulator children and the children
 * it tracks (the build, Electron). `npm start` runs vtdw under `sh -c`; npm forwards SIGTERM to
 * that shell only, and SIGHUP kills npm alone, so what matters most is a process above us dying.
 * The host process here is the real Lifecycle and browser host (lifecycle.ts, host.ts) with a
 * tracked `sleep` standing for the build, started the way npm starts vtdw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vtdw-stop-'));
writeFileSync(join(work, 'index.html'), '<!doctype html><title>t</title>');
const script = join(work, 'host.mjs');
writeFileSync(
  script,
  `import { spawn } from 'node:child_process';
import { Lifecycle, track } from ${JSON.stringify(join(repo, 'src-main/cli/lifecycle.ts'))};
import { startBrowserHost } from ${JSON.stringify(join(repo, 'src-main/browser/host.ts'))};
const life = new Lifecycle();
const build = track(spawn('sleep', ['600'], { stdio: 'ignore' }));
const host = await startBrowserHost({
  rendererDir: ${JSON.stringify(work)}, root: ${JSON.stringify(work)}, stateDir: ${JSON.stringify(join(work, 'state'))},
  sim: { entry: ${JSON.stringify(join(repo, 'src-sim/host/utility-entry.ts'))}, execArgv: ['--import', 'tsx'], args: ['--paused'] },
  log: (l) => process.stderr.write(l + '\\n'),
});
process.stdout.write(JSON.stringify({ pid: process.pid, build: build.pid, port: host.port, token: host.token }) + '\\n');
const why = await life.stopped;
process.stderr.write('stopping: ' + why + '\\n');
await host.close();
life.dispose();
`,
);

/** Gone, or a zombie nobody reaped yet (a container's init may not): either way not running. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync('/proc/self/stat')) return existsSync(stat) && !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Started {
  shell: ChildProcess;
  host: number;
  build: number;
  sim: number;
  page: WebSocket;
  stderr(): string;
}

const started: Started[] = [];

/**
 * `sh -c 'node … host.mjs'` as npm runs a script, then one page connected (one simulator).
 * With `underNpm`, another shell above it stands for npm itself.
 */
async function startUnderShell(underNpm = false): Promise<Started> {
  const inner = `node --import tsx ${script}; exit $?`;
  const shell = spawn('sh', ['-c', underNpm ? `sh -c '${inner}'; exit $?` : inner], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  shell.stdout!.on('data', (d) => (stdout += d));
  shell.stderr!.on('data', (d) => (stderr += d));
  await expect.poll(() => stdout.includes('\n'), { timeout: 30_000 }).toBe(true);
  const info = JSON.parse(stdout.split('\n')[0]);
  const page = new WebSocket(`ws://127.0.0.1:${info.port}/t/${info.token}/sim`, { origin: `http://127.0.0.1:${info.port}` });
  page.on('error', () => undefined);
  await expect.poll(() => /simulator started \(pid (\d+)\)/.exec(stderr)?.[1], { timeout: 30_000 }).toBeDefined();
  const sim = Number(/simulator started \(pid (\d+)\)/.exec(stderr)![1]);
  const s = { shell, host: info.pid, build: info.build, sim, page, stderr: () => stderr };
  started.push(s);
  return s;
}

afterEach(() => {
  for (const s of started.splice(0)) for (const pid of [s.host, s.build, s.sim]) if (running(pid)) process.kill(pid, 'SIGKILL');
});

async function expectAllStopped(s: Started): Promise<void> {
  await expect.poll(() => [s.host, s.build, s.sim].filter(running), { timeout: 20_000, interval: 200 }).toEqual([]);
}

describe('stopping vtdw stops all of it', () => {
  it('SIGTERM to the shell npm started (which dies and leaves us orphaned) stops the host, its simulator and the build', async () => {
    const s = await startUnderShell();
    s.shell.kill('SIGTERM');
    await expectAllStopped(s);
  }, 60_000);

  it('SIGHUP to npm (which dies and leaves its shell waiting on us) stops all of it too', async () => {
    const s = await startUnderShell(true);
    s.shell.kill('SIGHUP');
    await expectAllStopped(s);
    expect(s.stderr()).toContain('stopping: a process that started it is gone');
  }, 60_000);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to vtdw itself stops the host, its simulator and the build, gracefully`, async () => {
      const s = await startUnderShell();
      process.kill(s.host, signal);
      await expectAllStopped(s);
      expect(s.stderr()).toContain(`stopping: ${signal}`);
    }, 60_000);
  }

  it('SIGKILL to vtdw (no handler runs) still ends its simulator, which notices its parent is gone', async () => {
    const s = await startUnderShell();
    process.kill(s.host, 'SIGKILL');
    await expect.poll(() => running(s.sim), { timeout: 20_000, interval: 200 }).toBe(false);
    if (running(s.build)) process.kill(s.build, 'SIGKILL'); // nothing can clean up after SIGKILL but the OS
  }, 60_000);
});
