/**
 * The window at the sizes people use, light and dark: at 1440×900 and at 1024×640 every toolbar
 * control of the Configuration area is on screen, whole and uncovered (at the narrow size the
 * Era and Host choices take a second row, by design), and the status bar keeps the cursor
 * position. Screenshots of every area at both sizes in both themes go to test-results/.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';

let app: OpenApp;
let page: Page;

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 640 },
];
const CONTROLS = ['file-open', 'file-recent', 'file-save', 'file-save-as', 'check-era', 'check-host', 'doc-tab-hvm.conf', 'doc-tab-grub.conf', 'editor-cursor', 'problem-summary'];

beforeAll(async () => {
  app = await openApp({ env: freshState() });
  page = app.page;
  // A problem in the other file, so the shots show the tabs' badges and a Problems group.
  await page.getByTestId('check-era').selectOption('4.0');
  await page.getByTestId('tab-errors-grub.conf').waitFor({ timeout: 10_000 });
});

afterAll(() => app?.close());

/** Where a control is, and whether the point at its centre belongs to it (nothing covers it). */
async function placement(testId: string) {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const clipped = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible' && el.tagName !== 'SELECT';
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, uncovered: !!hit && (el === hit || el.contains(hit)), clipped };
  });
}

describe.each(SIZES)('at $width×$height', ({ width, height }) => {
  it.each(['light', 'dark'] as const)('shows every Configuration control whole in the %s theme', async (scheme) => {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    await page.keyboard.press('Control+1');
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.getByTestId('doc-tab-hvm.conf').click();
    const boxes: Record<string, Awaited<ReturnType<typeof placement>>> = {};
    for (const id of CONTROLS) {
      const p = await placement(id);
      boxes[id] = p;
      expect({ id, inside: p.left >= 0 && p.top >= 0 && p.right <= width && p.bottom <= height, uncovered: p.uncovered, clipped: p.clipped }).toEqual({ id, inside: true, uncovered: true, clipped: false });
    }
    // Toolbar controls never overlap one another.
    const bar = CONTROLS.slice(0, 6).map((id) => boxes[id]);
    for (let i = 0; i < bar.length; i++)
      for (let j = i + 1; j < bar.length; j++) {
        const a = bar[i];
        const b = bar[j];
        expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
      }
    // The editor keeps a usable height.
    const editor = await page.getByTestId('config-editor').boundingBox();
    expect(editor!.height).toBeGreaterThan(height < 700 ? 220 : 450);
    await page.screenshot({ path: join(ensureResultsDir(), `configuration-${width}x${height}-${scheme}.png`) });
  });

  it.each(['light', 'dark'] as const)('screenshots the other areas in the %s theme', async (scheme) => {
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    for (const [key, name] of [['2', 'assign'], ['3', 'live'], ['4', 'runs']]) {
      await page.keyboard.press(`Control+${key}`);
      await page.locator(`#area-${name}`).waitFor();
      await page.screenshot({ path: join(ensureResultsDir(), `${name}-${width}x${height}-${scheme}.png`) });
    }
    await page.keyboard.press('Control+1');
  });
});
