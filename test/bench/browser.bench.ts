/**
 * browser.coldStartMs: from starting `vtdw serve` (built app, Chromium already running, as a
 * user's browser would be) to an interactive page — simulator connected and Monaco rendered.
 */
import { performance } from 'node:perf_hooks';
import { launchBrowser, startServe } from '../e2e/harness.ts';
import { medianMs, type Figures } from './measure.ts';
import { ensureBuilt } from '../../src-main/cli/build.ts';

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
        await page.goto(serve.url);
        await page.getByText('Simulator connected (browser mode)').waitFor({ timeout: 30_000 });
        await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
        return performance.now() - t0;
      } finally {
        await page.close();
        await serve.stop();
      }
    }, 3);
  } finally {
    await browser.close();
  }
}

export const figures: Figures = {
  'browser.coldStartMs': coldStartMs,
};
