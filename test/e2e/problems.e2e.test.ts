/**
 * Problems across the open files: an Era change that breaks grub.conf while hvm.conf is in front
 * marks grub.conf's tab and lists its problem under its own heading with counts; the row's Fix
 * button (reached by keyboard) repairs grub.conf without leaving hvm.conf; a row of another file
 * opens that file at the problem; and the columns stay lined up whatever the code's length.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureResultsDir, freshState, openApp, type OpenApp } from './harness.ts';
import { lineText } from './editor-helpers.ts';

let app: OpenApp;
let page: Page;
let errors: string[];

beforeAll(async () => {
  app = await openApp({ env: freshState() });
  ({ page, errors } = app);
  await page.getByTestId('check-era').selectOption('2007');
  await page.getByTestId('doc-tab-hvm.conf').click();
});

afterAll(() => app?.close());

const grubGroup = () => page.getByTestId('problem-file-grub.conf');

describe('problems of every open file', () => {
  it('starts clean: no badges, no groups', async () => {
    await expect.poll(() => page.getByTestId('problem-summary').innerText(), { timeout: 10_000 }).toBe('0 errors, 0 warnings');
    expect(await page.locator('[data-testid^="tab-errors-"], [data-testid^="tab-warnings-"]').count()).toBe(0);
  });

  it('marks the grub.conf tab when an Era change breaks it, while hvm.conf stays in front', async () => {
    await page.getByTestId('check-era').selectOption('4.0');
    await page.getByTestId('tab-errors-grub.conf').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('doc-tab-hvm.conf').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('tab-errors-grub.conf').innerText()).toMatch(/^1\b/);
    expect(await page.getByTestId('doc-tab-grub.conf').innerText()).toContain('1 error');
    expect(await grubGroup().locator('h3').innerText()).toMatch(/^grub\.conf\s+1 error, \d+ warnings?$/);
    expect(await grubGroup().getByTestId('problem-xen-vtd-renamed').innerText()).toContain("Xen 4.0 has no 'vtd' option");
    await page.screenshot({ path: join(ensureResultsDir(), 'problems-across-files.png') });
  });

  it('keeps message columns lined up and shows a cut code whole in its title', async () => {
    const cols = await page.locator('.problems .row').evaluateAll((rows) =>
      rows.map((r) => {
        const code = r.querySelector('.code') as HTMLElement;
        const msg = r.querySelector('.msg') as HTMLElement;
        return { msgLeft: Math.round(msg.getBoundingClientRect().left), codeRight: Math.round(code.getBoundingClientRect().right), title: code.title, text: code.textContent };
      }),
    );
    expect(cols.length).toBeGreaterThan(0);
    expect(new Set(cols.map((c) => c.msgLeft)).size).toBe(1);
    for (const c of cols) {
      expect(c.codeRight).toBeLessThan(c.msgLeft);
      expect(c.title).toBe(c.text);
    }
  });

  it('moves between rows with the arrow keys', async () => {
    const rows = page.locator('.problems button.open');
    const n = await rows.count();
    await rows.first().focus();
    await page.keyboard.press('End');
    expect(await rows.nth(n - 1).evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await rows.first().evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('applies the row’s fix from the panel by keyboard, editing grub.conf', async () => {
    const fix = grubGroup().getByTestId('fix-xen-vtd-renamed');
    expect(await fix.getAttribute('aria-label')).toMatch(/^Fix: /);
    await fix.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('tab-errors-grub.conf').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('doc-tab-hvm.conf').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('doc-tab-grub.conf').getByTestId('dirty-marker').count()).toBe(1);
  });

  it('opens the other file at the problem when its row is chosen', async () => {
    await page.getByTestId('check-era').selectOption('2007');
    await page.getByTestId('tab-errors-grub.conf').or(page.getByTestId('tab-warnings-grub.conf')).first().waitFor({ timeout: 10_000 });
    const row = grubGroup().locator('button.open').first();
    const pos = (await row.locator('.pos').innerText()).split(':').map(Number);
    await row.click();
    expect(await page.getByTestId('doc-tab-grub.conf').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('editor-cursor').innerText()).toBe(`Ln ${pos[0]}, Col ${pos[1]}`);
    expect(await lineText(page, pos[0])).toMatch(/xen\.gz/);
  });

  it('had no page errors', () => {
    expect(errors.filter((e) => !/WebSocket/.test(e))).toEqual([]);
  });
});
