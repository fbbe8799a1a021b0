/**
 * browser.coldStartMs: from starting `vtdw serve` (built app, Chromium already running, as a
 * user's browser would be) to an interactive page — simulator connected (its hello answered,
 * so the PC it reports is powered on) and Monaco rendered.
 *
 * The page notes the moment itself: a watcher installed before any of its scripts runs checks
 * both signs on every DOM change and stamps the first time both hold. Waiting with Playwright's
 * `locator.waitFor` instead (two waits in a row, polling with a back-off of 20, 50, 100, 100, then
 * 500 ms) added up to half a second, by chance, to the time the page was ready.
 *
 * The stamp comes back as a console message, not through `page.waitForFunction`: that call makes
 * Playwright compile its injected script into the page (about 20 ms on the page's main thread,
 * in the middle of the start it measures); console messages reach Playwright by themselves.
 */
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { launchBrowser, startServe } from '../e2e/harness.ts';
import { medianMs, type Figures } from './measure.ts';
import { ensureBuilt } from '../../src-main/cli/build.ts';

/**
 * Runs in the page (built from text so Playwright sends exactly this: a function written here
 * would carry helpers that tsx adds, which the page lacks). Stamps `__vtdwInteractiveAt` (ms
 * since the epoch, as `performance.timeOrigin + now`) when the status bar says the simulator
 * answered and the editor's lines are laid out (a box of some size, as Playwright's "visible");
 * checked on DOM changes and every 50 ms besides, for a layout that changes without one.
 */
const STAMP = 'vtdw:interactive-at';
const watchInteractive = new Function(`
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // Layout is read last, once both elements exist: the watcher must not make the page lay out early.
  const ready = () => {
    const lines = document.querySelector('.monaco-editor .view-lines');
    const status = document.querySelector('[data-testid="status-connection"]');
    return !!lines && !!status && status.textContent.includes('Simulator connected (browser mode)') && shown(status) && shown(lines);
  };
  const check = () => {
    if (window.__vtdwInteractiveAt !== undefined || !ready()) return;
    window.__vtdwInteractiveAt = performance.timeOrigin + performance.now();
    console.debug('${STAMP} ' + window.__vtdwInteractiveAt);
    observer.disconnect();
    clearInterval(timer);
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  const timer = setInterval(check, 50);
`) as () => void;

/**
 * Installs the watcher; call before `goto`. `interactiveAt` is the moment the page became
 * interactive, on this process's `performance.now()` clock (wrapped: an async function returning
 * the bare promise would wait for it).
 */
export async function watchColdStart(page: Page): Promise<{ interactiveAt: Promise<number> }> {
  await page.addInitScript(watchInteractive);
  const interactiveAt = page
    .waitForEvent('console', { predicate: (m) => m.text().startsWith(`${STAMP} `), timeout: 30_000 })
    .then((m) => Number(m.text().slice(STAMP.length + 1)) - performance.timeOrigin);
  return { interactiveAt };
}

async function coldStartMs(): Promise<number> {
  const failed = await ensureBuilt((l) => process.stderr.write(`bench: ${l}\n`));
  if (failed) throw new Error(failed);
  const browser = await launchBrowser();
  try {
    return await medianMs(async () => {
      const t0 = performance.now();
      const serve = await startServe();
      const page = await browser.newPage();
      try {
        const { interactiveAt } = await watchColdStart(page);
        await page.goto(serve.url);
        return (await interactiveAt) - t0;
      } finally {
        await page.close();
        await serve.stop();
      }
      // Seven starts: on these shared 2-core machines one start in three or four lands in a
      // slow spell (±60 ms); the median of seven moves far less from run to run than of three.
    }, 7);
  } finally {
    await browser.close();
  }
}

export const figures: Figures = {
  'browser.coldStartMs': coldStartMs,
};
