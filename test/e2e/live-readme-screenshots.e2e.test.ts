/**
 * Remakes the README's screenshots (resources/screenshots/) from the current app:
 *   VTDW_README_SCREENSHOTS=1 npx vitest run --project e2e test/e2e/live-readme-screenshots.e2e.test.ts
 * Skipped otherwise, so an ordinary test run never rewrites files in the repository.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { freshState, openApp, type OpenApp } from './harness.ts';
import { goToLineEnd, lineText } from './editor-helpers.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../resources/screenshots', import.meta.url));

describe.runIf(process.env.VTDW_README_SCREENSHOTS === '1')('the README screenshots', () => {
  let app: OpenApp;
  let page: Page;

  beforeAll(async () => {
    app = await openApp({ env: freshState(), viewport: { width: 1280, height: 800 } });
    page = app.page;
    await page.emulateMedia({ colorScheme: 'light' });
  });

  afterAll(() => app?.close());

  it('configuration.png: apic = 1 caught as it is typed, with its quick fix', async () => {
    await goToLineEnd(page, 32);
    expect(await lineText(page, 32)).toBe('apic = 0');
    await page.keyboard.press('Backspace');
    await page.keyboard.insertText('1');
    await page.getByTestId('problem-seed-pic-mode').waitFor({ timeout: 10_000 });
    await page.getByTestId('problem-seed-pic-mode').click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'configuration.png') });
    await page.keyboard.press('Escape');
  });

  it('live.png: the Live area after a few seconds of samples', async () => {
    await page.keyboard.press('Control+3');
    await page.getByTestId('chart-heartbeat').locator('.uplot canvas').waitFor();
    await expect.poll(async () => Number(await page.getByTestId('points-received').innerText()), { timeout: 15_000 }).toBeGreaterThan(100);
    await page.mouse.move(1, 1);
    // No focus ring on the tab the shortcut focused.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.screenshot({ path: join(SCREENSHOTS, 'live.png') });
    expect(app.errors).toEqual([]);
  });
});
