/**
 * e2e harness: starts browser mode as a user does (`vtdw serve --no-open`, on the build that
 * `npm test` made just before, so a concurrent edit never triggers a rebuild mid-test), finds a
 * Chromium to drive with playwright-core, and collects page errors. Never downloads a browser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const appRoot = fileURLToPath(new URL('../..', import.meta.url));
export const resultsDir = fileURLToPath(new URL('../../test-results', import.meta.url));

export const CHROMIUM_INSTALL = 'sudo apt-get update && sudo apt-get install -y chromium';

export function chromiumPath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`No Chromium found for the e2e tests (looked at ${candidates.join(', ')}). Install it with:\n  ${CHROMIUM_INSTALL}\nor point CHROME_PATH at a Chromium binary.`);
  return found;
}

/**
 * Each `browser.newPage()` opens a new browser window, and Chromium builds every new window's
 * address-bar popup as a web page of its own (chrome://omnibox-popup, a "WebUI Top Renderer"):
 * about 300 ms of CPU that competed with our page on a 2-core machine. A user's browser opens
 * our URL in a window it already has, so the pages we drive go without it.
 */
const NO_WINDOW_CHROME_PAGES = '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', NO_WINDOW_CHROME_PAGES],
  });
}

export interface ServeProcess {
  url: string;
  proc: ChildProcess;
  /** Lines the host printed on stderr (log lines). */
  log: string[];
  /** Pids of simulator children the host reported starting, in order. */
  simPids(): number[];
  stop(): Promise<void>;
}

export interface ServeOptions {
  args?: string[];
  /** Working directory: where the file picker starts. */
  cwd?: string;
  /** Extra environment, e.g. XDG_CONFIG_HOME for a private state folder. */
  env?: Record<string, string>;
}

export async function startServe(opts: ServeOptions = {}): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [join(appRoot, 'src-main/cli/vtdw.js'), 'serve', '--no-open', '--no-build', ...(opts.args ?? [])], {
    cwd: opts.cwd ?? appRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  let stdout = '';
  proc.stderr!.on('data', (d) => log.push(...String(d).split('\n').filter(Boolean)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vtdw serve printed no URL in 60 s; stderr:\n${log.join('\n')}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      stdout += String(d);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/t\/[^/\s]+\/)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('exit', (code) => reject(new Error(`vtdw serve exited with ${code}; stderr:\n${log.join('\n')}`)));
  });
  return {
    url,
    proc,
    log,
    simPids: () => log.map((l) => /simulator started \(pid (\d+)\)/.exec(l)?.[1]).filter((p): p is string => !!p).map(Number),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGINT');
      }),
  };
}

/** Collects page errors and console errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export function ensureResultsDir(): string {
  mkdirSync(resultsDir, { recursive: true });
  return resultsDir;
}

export interface OpenApp {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** Page and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** An environment with a private, empty state folder (no recent files, no backups from other runs). */
export function freshState(): Record<string, string> {
  return { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'vtdw-state-')) };
}

export interface AppOptions extends ServeOptions {
  /** Window size (default 1280×800). */
  viewport?: { width: number; height: number };
}

/** Browser mode started, Chromium on its URL, the editor rendered: where most e2e tests begin. */
export async function openApp(opts: AppOptions = {}): Promise<OpenApp> {
  const serve = await startServe(opts);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(serve.url);
  await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 15_000 });
  return {
    serve,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await serve.stop();
    },
  };
}
